/*
 * Quantizing one weight matrix for the card: BCQ (runtime/quant) from the
 * fp32 values, or an exact conversion of GGUF Q4_0/Q8_0 blocks, then the
 * card form of every row (fixed-point scales and row records, hls packer
 * functions), and a report of the card weights' error against fp32.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "card_matrix.h"
#include "../../quant/fllm_bcq.h"
#include "fllm_cardpack.h"
#include "fllm_lutgemm.h"

#define CARD_QUANT_ITERATIONS 20u

/* The LUT-GEMM unit's group sizes. */
static int card_group_ok(uint32_t g)
{
	return g == 16 || g == 32 || g == 64 || g == 128 || g == 256;
}

/* See card_matrix.h. */
fllm_status card_quant_params_resolve(const fllm_quant_params *in, fllm_quant_params *out,
				      struct fllm_err *err)
{
	fllm_quant_params p = { 0 };

	if (in)
		p = *in;
	if (!p.bits)
		p.bits = 4;
	if (!p.group)
		p.group = 32;
	if (!p.threads)
		p.threads = 1;
	if (!p.slices)
		p.slices = FLLM_LUTGEMM_SLICES_MAX;
	if (p.bits > FLLM_LUTGEMM_Q_MAX)
		return fllm_err_set(err, FLLM_E_INVALID_ARG, "bits %u out of range 1..8", p.bits);
	if (!card_group_ok(p.group))
		return fllm_err_set(err, FLLM_E_INVALID_ARG,
				    "group %u is not one of 16, 32, 64, 128, 256", p.group);
	if (p.threads > 256)
		return fllm_err_set(err, FLLM_E_INVALID_ARG, "threads %u out of range 1..256",
				    p.threads);
	if (p.slices > FLLM_LUTGEMM_SLICES_MAX)
		return fllm_err_set(err, FLLM_E_INVALID_ARG, "slices %u out of range 1..32",
				    p.slices);
	*out = p;
	return FLLM_OK;
}

/* The BCQ matrix of w: exact from Q4_0/Q8_0 blocks where allowed, else quantized. */
static fllm_status card_bcq(const struct fllm_weight *w, const fllm_quant_params *p,
			    fllm_bcq **bcq, int *exact)
{
	const struct fllm_tensor_rec *t = w->src;
	fllm_bcq_options opt;

	*exact = 0;
	if (t && p->group == FLLM_GGUF_QK && w->cols % FLLM_GGUF_QK == 0) {
		if (t->type == FLLM_TENSOR_Q4_0 && p->bits >= 4) {
			*exact = 1;
			return fllm_bcq_from_q4_0(t->data, t->bytes, w->rows, w->cols, bcq);
		}
		if (t->type == FLLM_TENSOR_Q8_0 && p->bits >= 8) {
			*exact = 1;
			return fllm_bcq_from_q8_0(t->data, t->bytes, w->rows, w->cols, bcq);
		}
	}
	fllm_bcq_options_init(&opt);
	opt.planes = p->bits;
	opt.group = p->group;
	opt.offset = 1;
	opt.iterations = CARD_QUANT_ITERATIONS;
	opt.threads = p->threads;
	return fllm_bcq_quantize(w->f32, w->rows, w->cols, &opt, bcq, NULL);
}

/* Row r of bcq into its card record at rec (card form of the scales, record layout). */
static fllm_status card_pack_row(const fllm_bcq *b, uint32_t r, uint8_t *rec,
				 uint8_t *bits01 /* (q, k) */, int16_t *a /* (G, q) */,
				 int16_t *zq /* (G) */, uint8_t *d /* (G) */)
{
	uint32_t q = b->planes, k = b->cols, G = b->groups;
	const float *z = b->offset ? b->offset + (size_t)r * G : NULL;
	int16_t e_row;

	if (fllm_lutgemm_scales_encode(G, q, b->alpha + (size_t)r * G * q, z, &e_row, d, zq, a) !=
	    FLLM_CARD_OK)
		return FLLM_E_INVALID_ARG;
	for (uint32_t i = 0; i < q; i++)
		for (uint32_t c = 0; c < k; c++)
			bits01[(size_t)i * k + c] = (uint8_t)fllm_bcq_bit_get(b, r, i, c);
	fllm_lutgemm_row_write(rec, k, b->group, q, e_row, d, zq, a, bits01);
	return FLLM_OK;
}

/* Error of the card weights of every row against w's fp32 values. */
static fllm_status card_report(const struct fllm_weight *w, const struct card_matrix *cm,
			       const char *name, int exact, fllm_quant_report *rep,
			       struct fllm_err *err)
{
	double sse = 0.0, norm2 = 0.0, max_abs = 0.0;
	float *row = malloc((size_t)w->cols * sizeof(float));
	fllm_status st = FLLM_OK;

	if (!row)
		return fllm_err_set(err, FLLM_E_NO_MEMORY, "out of memory");
	for (uint32_t r = 0; r < w->rows && !st; r++) {
		const float *ref = w->f32 + (size_t)r * w->cols;

		st = card_row_dequant(cm, r, row, name, err);
		for (uint32_t k = 0; k < w->cols && !st; k++) {
			double e = (double)ref[k] - (double)row[k];

			sse += e * e;
			norm2 += (double)ref[k] * ref[k];
			if (fabs(e) > max_abs)
				max_abs = fabs(e);
		}
	}
	free(row);
	memset(rep, 0, sizeof(*rep));
	snprintf(rep->name, sizeof(rep->name), "%s", name);
	rep->rows = cm->m;
	rep->cols = cm->k;
	rep->planes = cm->planes;
	rep->group = cm->group;
	rep->source = w->src ? (fllm_tensor_type)w->src->type : FLLM_TENSOR_F32;
	rep->exact = exact;
	rep->rel_error = norm2 > 0 ? sqrt(sse / norm2) : (sse > 0 ? 1.0 : 0.0);
	rep->max_abs = max_abs;
	rep->bits_per_weight = (double)card_matrix_bytes(cm) * 8.0 / ((double)cm->m * cm->k);
	return st;
}

/* card_quantize on a weight whose fp32 values are at hand. */
static fllm_status card_quantize_f32(const struct fllm_weight *w, const char *name,
				     const fllm_quant_params *p, struct card_matrix *cm,
				     fllm_quant_report *rep, struct fllm_err *err)
{
	fllm_bcq *b = NULL;
	uint8_t *bits01 = NULL, *d = NULL;
	int16_t *a = NULL, *zq = NULL;
	int exact;
	fllm_status st;

	memset(cm, 0, sizeof(*cm));
	st = card_bcq(w, p, &b, &exact);
	if (st)
		return fllm_err_set(err, st,
				    "tensor '%s': quantizing %ux%u at q=%u g=%u failed: %s", name, w->rows, w->cols, p->bits, p->group,
				    fllm_status_str(st));
	cm->m = b->rows;
	cm->k = b->cols;
	cm->group = b->group;
	cm->planes = b->planes;
	cm->flags = b->offset ? FLLM_LUTGEMM_F_OFFSET : 0;
	cm->slices = p->slices < cm->m ? p->slices : cm->m;
	cm->row_bytes = fllm_lutgemm_row_bytes(cm->k, cm->group, cm->planes);
	cm->owned = calloc(cm->m, cm->row_bytes);
	bits01 = malloc((size_t)cm->planes * cm->k);
	a = malloc((size_t)b->groups * cm->planes * sizeof(*a));
	zq = malloc((size_t)b->groups * sizeof(*zq));
	d = malloc(b->groups);
	st = FLLM_E_NO_MEMORY;
	if (!cm->owned || !bits01 || !a || !zq || !d) {
		fllm_err_set(err, st, "tensor '%s': out of memory for its card form", name);
		goto err_free;
	}
	cm->data = cm->owned;
	for (uint32_t r = 0; r < cm->m; r++) {
		st = card_pack_row(b, r, (uint8_t *)card_matrix_row(cm, r), bits01, a, zq, d);
		if (st) {
			fllm_err_set(err, st, "tensor '%s' row %u: scales not finite", name, r);
			goto err_free;
		}
	}
	if (rep) {
		st = card_report(w, cm, name, exact, rep, err);
		if (st)
			goto err_free;
	}
	st = FLLM_OK;
	goto out;

err_free:
	card_matrix_release(cm);
out:
	free(bits01);
	free(a);
	free(zq);
	free(d);
	fllm_bcq_free(b);
	return st;
}

/* See card_matrix.h. A weight kept in its stored form is dequantized for
 * the time it takes, so at most one matrix is in fp32 at once. */
fllm_status card_quantize(const struct fllm_weight *w, const char *name,
			  const fllm_quant_params *p, struct card_matrix *cm,
			  fllm_quant_report *rep, struct fllm_err *err)
{
	struct fllm_weight wf = *w;
	float *tmp;
	fllm_status st;

	memset(cm, 0, sizeof(*cm));
	st = fllm_weight_f32_temp(w, &wf.f32, &tmp, err);
	if (st)
		return st;
	st = card_quantize_f32(&wf, name, p, cm, rep, err);
	free(tmp);
	return st;
}
