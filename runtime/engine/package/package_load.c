/*
 * The model-package loader (load/model_open.c maps and probes the file): the
 * configuration, the fp32 tensors bound in place, the BCQ tensors checked
 * row by row and left as stored (dequantized to the card's exact weights
 * only when --device cpu asks, fllm_model_need_f32), the tokenizer and
 * report kept for their accessors.
 * Nothing in the file is trusted before it is checked; every failure names
 * the section and the problem.
 *
 * The package's own state (struct pkg_state) lives in the model's owned
 * buffer (fllm_model.owned), which fllm_model_free frees; tensor
 * records of type FLLM_TENSOR_BCQ point at their whole section (header and
 * records), which is what the card executor uploads.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "card_matrix.h"
#include "fllm_lutgemm.h"
#include "package.h"

struct pkg_state {
	fllm_quant_params quant;
	const uint8_t *tok;		/* (tok_bytes) TOKENIZER section */
	uint64_t tok_bytes;
	const uint8_t *report;		/* (n_report, 80) REPORT records */
	uint32_t n_report;
};

/* A fixed-size section copied into dst after its size check. */
static fllm_status pkg_fixed(const struct fllm_pkg_view *v, uint32_t kind, const char *what,
			     void *dst, size_t size, struct fllm_err *err)
{
	const struct fllm_pkg_entry *e = fllm_pkg_find(v, kind);

	if (!e)
		return fllm_err_set(err, FLLM_E_FORMAT, "package has no %s section", what);
	if (e->bytes != size)
		return fllm_err_set(err, FLLM_E_FORMAT, "%s section is %llu bytes, expected %zu",
				    what, (unsigned long long)e->bytes, size);
	memcpy(dst, v->data + e->offset, size);
	return FLLM_OK;
}

/* CONFIG into m->info, checked like any loader's hyperparameters. */
static fllm_status pkg_config(fllm_model *m, const struct fllm_pkg_view *v,
			      struct fllm_err *err)
{
	struct fllm_pkg_config c;
	fllm_model_info *i = &m->info;
	fllm_status st = pkg_fixed(v, FLLM_PKG_CONFIG, "config", &c, sizeof(c), err);

	if (st)
		return st;
	if (c.reserved0 || !fllm_pkg_zero(c.reserved, sizeof(c.reserved)) ||
	    !memchr(c.name, 0, sizeof(c.name)) || c.tied_output > 1)
		return fllm_err_set(err, FLLM_E_FORMAT,
				    "config: reserved bytes, name or tied flag malformed");
	i->format = FLLM_MODEL_PACKAGE;
	i->dim = c.dim;
	i->hidden_dim = c.hidden_dim;
	i->n_layers = c.n_layers;
	i->n_heads = c.n_heads;
	i->n_kv_heads = c.n_kv_heads;
	i->head_dim = c.n_heads ? c.dim / c.n_heads : 0;
	i->vocab_size = c.vocab_size;
	i->context_length = c.context_length;
	i->tied_output = c.tied_output;
	i->rms_eps = c.rms_eps;
	i->rope_theta = c.rope_theta;
	snprintf(i->name, sizeof(i->name), "%s", c.name);
	st = fllm_model_check_hparams(m, err);
	if (st)
		fllm_err_prefix(err, "config");
	return st;
}

/* QUANT: the settings every BCQ tensor must agree with. */
static fllm_status pkg_quant(struct pkg_state *ps, const struct fllm_pkg_view *v,
			     uint32_t n_bcq, struct fllm_err *err)
{
	struct fllm_pkg_quant q;
	fllm_quant_params want;
	fllm_status st = pkg_fixed(v, FLLM_PKG_QUANT, "quant", &q, sizeof(q), err);

	if (st)
		return st;
	want = (fllm_quant_params){ q.planes, q.group, 1, q.slices };
	if (!q.planes || !q.group || !q.slices || q.offset > 1 ||
	    !fllm_pkg_zero(q.reserved, sizeof(q.reserved)) ||
	    card_quant_params_resolve(&want, &ps->quant, NULL))
		return fllm_err_set(err, FLLM_E_FORMAT,
				    "quant: bits %u, group %u, slices %u or reserved bytes invalid",
				    q.planes, q.group, q.slices);
	if (q.tensors != n_bcq)
		return fllm_err_set(err, FLLM_E_FORMAT,
				    "quant: says %u BCQ tensors, package has %u", q.tensors, n_bcq);
	return FLLM_OK;
}

/* TOKENIZER (built once to check it) and REPORT. */
static fllm_status pkg_tok_report(struct pkg_state *ps, const fllm_model *m,
				  const struct fllm_pkg_view *v, uint32_t n_bcq,
				  struct fllm_err *err)
{
	const struct fllm_pkg_entry *t = fllm_pkg_find(v, FLLM_PKG_TOKENIZER);
	const struct fllm_pkg_entry *r = fllm_pkg_find(v, FLLM_PKG_REPORT);
	fllm_tokenizer *tok;
	fllm_status st;

	if (!t)
		return fllm_err_set(err, FLLM_E_FORMAT, "package has no tokenizer section");
	st = fllm_pkg_tokenizer_load(v->data + t->offset, t->bytes, m->info.vocab_size, &tok,
				     err);
	if (st)
		return st;
	fllm_tokenizer_free(tok);
	ps->tok = v->data + t->offset;
	ps->tok_bytes = t->bytes;
	if (!r)
		return fllm_err_set(err, FLLM_E_FORMAT, "package has no report section");
	if (r->bytes != (uint64_t)n_bcq * sizeof(struct fllm_pkg_report))
		return fllm_err_set(err, FLLM_E_FORMAT,
				    "report section is %llu bytes, %u records need %llu",
				    (unsigned long long)r->bytes, n_bcq,
				    (unsigned long long)n_bcq * sizeof(struct fllm_pkg_report));
	for (uint32_t k = 0; k < n_bcq; k++)
		if (!memchr(v->data + r->offset + (uint64_t)k * sizeof(struct fllm_pkg_report), 0,
			    FLLM_PKG_NAME_MAX))
			return fllm_err_set(err, FLLM_E_FORMAT, "report record %u: name not ended",
					    k);
	ps->report = v->data + r->offset;
	ps->n_report = n_bcq;
	return FLLM_OK;
}

/* The tensor header of entry e, checked for its kind and the expected shape. */
static fllm_status pkg_tensor_hdr(const struct fllm_pkg_view *v, const struct fllm_pkg_entry *e,
				  uint32_t rows, uint32_t cols, uint32_t group,
				  struct fllm_pkg_tensor *h, struct fllm_err *err)
{
	uint64_t data;

	if (e->bytes < sizeof(*h))
		return fllm_err_set(err, FLLM_E_FORMAT, "tensor '%s': section too short", e->name);
	memcpy(h, v->data + e->offset, sizeof(*h));
	if (!fllm_pkg_zero(h->reserved, sizeof(h->reserved)))
		return fllm_err_set(err, FLLM_E_FORMAT, "tensor '%s': reserved bytes not 0",
				    e->name);
	if (h->rows != rows || h->cols != cols)
		return fllm_err_set(err, FLLM_E_FORMAT,
				    "tensor '%s': %u x %u, expected %u x %u from the config",
				    e->name, h->rows, h->cols, rows, cols);
	if (e->kind == FLLM_PKG_F32) {
		if (h->group || h->planes || h->flags || h->slices || h->row_bytes)
			return fllm_err_set(err, FLLM_E_FORMAT,
					    "tensor '%s': fp32 tensor with BCQ fields set",
					    e->name);
		data = 4ull * rows * cols;
	} else {
		if (h->group != group || !h->planes || h->planes > FLLM_LUTGEMM_Q_MAX ||
		    h->flags & ~FLLM_LUTGEMM_F_MASK || !h->slices ||
		    h->slices > FLLM_LUTGEMM_SLICES_MAX || h->slices > rows ||
		    cols > FLLM_LUTGEMM_K_MAX || rows > FLLM_LUTGEMM_M_MAX)
			return fllm_err_set(err, FLLM_E_FORMAT,
					    "tensor '%s': group %u (package: %u), planes %u, flags "
					    "0x%x or slices %u invalid for %u x %u", e->name,
					    h->group, group, h->planes, h->flags, h->slices, rows,
					    cols);
		if (h->row_bytes != fllm_lutgemm_row_bytes(cols, group, h->planes))
			return fllm_err_set(err, FLLM_E_FORMAT,
					    "tensor '%s': row_bytes %u, the layout gives %u",
					    e->name, h->row_bytes,
					    fllm_lutgemm_row_bytes(cols, group, h->planes));
		data = (uint64_t)rows * h->row_bytes;
	}
	if (e->bytes != sizeof(*h) + data)
		return fllm_err_set(err, FLLM_E_FORMAT,
				    "tensor '%s': section is %llu bytes, its data needs %llu",
				    e->name, (unsigned long long)e->bytes,
				    (unsigned long long)(sizeof(*h) + data));
	return FLLM_OK;
}

/* The card matrix a BCQ tensor record's section holds (header checked at open). */
static struct card_matrix pkg_matrix(const struct fllm_tensor_rec *t)
{
	struct fllm_pkg_tensor h;

	memcpy(&h, t->data, sizeof(h));
	return (struct card_matrix){ h.rows, h.cols, h.group, h.planes, h.flags, h.slices,
				     h.row_bytes, t->data + sizeof(h), NULL };
}

/* fllm_weight_rows_fn of a BCQ tensor: the card's exact weights. */
static fllm_status pkg_bcq_rows(const struct fllm_weight *w, uint32_t r0, uint32_t n,
				float *dst, struct fllm_err *err)
{
	struct card_matrix cm = pkg_matrix(w->src);
	fllm_status st = FLLM_OK;

	for (uint32_t r = r0; r < r0 + n && !st; r++)
		st = card_row_dequant(&cm, r, dst + (size_t)(r - r0) * w->cols, w->src->name, err);
	return st;
}

/* Bind weight w to tensor `name` of kind (F32 or BCQ) and shape (rows, cols).
 * BCQ records are checked row by row, not kept in fp32 (model.h). */
static fllm_status pkg_bind(fllm_model *m, const struct fllm_pkg_view *v, uint32_t group,
			    struct fllm_weight *w, const char *name, uint32_t kind,
			    uint32_t rows, uint32_t cols, struct fllm_err *err)
{
	const struct fllm_pkg_entry *e = fllm_pkg_find_tensor(v, name);
	struct fllm_tensor_rec *t = &m->tensors[m->n_tensors];
	struct fllm_pkg_tensor h;
	struct card_matrix cm;
	float *row;
	fllm_status st;

	if (!e)
		return fllm_err_set(err, FLLM_E_FORMAT, "tensor '%s' is missing", name);
	if (e->kind != kind)
		return fllm_err_set(err, FLLM_E_FORMAT, "tensor '%s' must be stored as %s", name,
				    kind == FLLM_PKG_F32 ? "fp32" : "BCQ");
	st = pkg_tensor_hdr(v, e, rows, cols, group, &h, err);
	if (st)
		return st;
	m->n_tensors++;
	snprintf(t->name, sizeof(t->name), "%s", name);
	t->n_dims = 2;
	t->dims[0] = cols;
	t->dims[1] = rows;
	t->dims[2] = t->dims[3] = 1;
	if (kind == FLLM_PKG_F32) {
		t->type = FLLM_TENSOR_F32;
		t->data = v->data + e->offset + sizeof(h);
		t->bytes = e->bytes - sizeof(h);
		return fllm_weight_bind(w, t, rows, cols, err);
	}
	t->type = FLLM_TENSOR_BCQ;
	t->data = v->data + e->offset;
	t->bytes = e->bytes;
	cm = pkg_matrix(t);
	w->rows = rows;
	w->cols = cols;
	w->src = t;
	w->rows_f32 = pkg_bcq_rows;
	row = malloc((size_t)cols * sizeof(float));
	if (!row)
		return fllm_err_set(err, FLLM_E_NO_MEMORY, "out of memory for tensor '%s'", name);
	for (uint32_t r = 0; r < rows && !st; r++) {
		st = card_row_check(&cm, card_matrix_row(&cm, r), r, name, err);
		if (!st)
			st = card_row_finite(&cm, r, row, name, err);
	}
	free(row);
	fllm_file_map_drop(&m->map, t->data, t->bytes);
	return st;
}

/* Every tensor of the model, in the order of fllm_model_bind_llama. */
static fllm_status pkg_bind_all(fllm_model *m, const struct fllm_pkg_view *v, uint32_t group,
				struct fllm_err *err)
{
	static const struct {
		const char *suffix;
		size_t off;
		uint32_t kind;
		int shape;	/* (1, dim) (dim, dim) (kv, dim) (hid, dim) (dim, hid) */
	} lt[] = {
		{ "attn_norm", offsetof(struct fllm_layer_weights, attn_norm), FLLM_PKG_F32, 0 },
		{ "attn_q", offsetof(struct fllm_layer_weights, wq), FLLM_PKG_BCQ, 1 },
		{ "attn_k", offsetof(struct fllm_layer_weights, wk), FLLM_PKG_BCQ, 2 },
		{ "attn_v", offsetof(struct fllm_layer_weights, wv), FLLM_PKG_BCQ, 2 },
		{ "attn_output", offsetof(struct fllm_layer_weights, wo), FLLM_PKG_BCQ, 1 },
		{ "ffn_norm", offsetof(struct fllm_layer_weights, ffn_norm), FLLM_PKG_F32, 0 },
		{ "ffn_gate", offsetof(struct fllm_layer_weights, w_gate), FLLM_PKG_BCQ, 3 },
		{ "ffn_down", offsetof(struct fllm_layer_weights, w_down), FLLM_PKG_BCQ, 4 },
		{ "ffn_up", offsetof(struct fllm_layer_weights, w_up), FLLM_PKG_BCQ, 3 },
	};
	const fllm_model_info *i = &m->info;
	uint32_t kv = i->n_kv_heads * i->head_dim;
	uint32_t shape[5][2] = { { 1, i->dim }, { i->dim, i->dim }, { kv, i->dim },
				 { i->hidden_dim, i->dim }, { i->dim, i->hidden_dim } };
	char name[FLLM_GGUF_NAME_MAX];
	fllm_status st;

	if ((st = pkg_bind(m, v, group, &m->tok_embd, "token_embd.weight", FLLM_PKG_F32,
			   i->vocab_size, i->dim, err)) ||
	    (st = pkg_bind(m, v, group, &m->output_norm, "output_norm.weight", FLLM_PKG_F32, 1,
			   i->dim, err)) ||
	    (st = pkg_bind(m, v, group, &m->output, "output.weight", FLLM_PKG_BCQ,
			   i->vocab_size, i->dim, err)))
		return st;
	for (uint32_t l = 0; l < i->n_layers; l++) {
		for (size_t k = 0; k < sizeof(lt) / sizeof(lt[0]); k++) {
			struct fllm_weight *w =
				(struct fllm_weight *)((uint8_t *)&m->layers[l] + lt[k].off);

			snprintf(name, sizeof(name), "blk.%u.%s.weight", l, lt[k].suffix);
			st = pkg_bind(m, v, group, w, name, lt[k].kind, shape[lt[k].shape][0],
				      shape[lt[k].shape][1], err);
			if (st)
				return st;
		}
	}
	return FLLM_OK;
}

/* See model.h: fill the zeroed model m from the package image in m->map. */
fllm_status fllm_model_load_package(fllm_model *m, struct fllm_err *err)
{
	struct fllm_pkg_view v;
	struct pkg_state *ps;
	uint32_t n_bcq = 0, want;
	fllm_status st;

	st = fllm_pkg_view_init(&v, m->map.data, m->map.size, err);
	if (st)
		return st;
	fllm_file_map_drop(&m->map, m->map.data, m->map.size);	/* read by the checksums */
	ps = calloc(1, sizeof(*ps));
	m->owned = (uint8_t *)ps;
	if (!ps) {
		st = fllm_err_set(err, FLLM_E_NO_MEMORY, "out of memory");
		goto out;
	}
	for (uint32_t k = 0; k < v.n_sections; k++)
		n_bcq += v.entries[k].kind == FLLM_PKG_BCQ;
	if ((st = pkg_config(m, &v, err)) || (st = pkg_quant(ps, &v, n_bcq, err)) ||
	    (st = pkg_tok_report(ps, m, &v, n_bcq, err)))
		goto out;
	want = 3 + 9 * m->info.n_layers;
	if (v.n_tensors != want) {
		st = fllm_err_set(err, FLLM_E_FORMAT,
				  "package has %u tensors, a %u-layer model has %u",
				  v.n_tensors, m->info.n_layers, want);
		goto out;
	}
	m->tensors = calloc(want, sizeof(*m->tensors));
	m->layers = calloc(m->info.n_layers, sizeof(*m->layers));
	if (!m->tensors || !m->layers) {
		st = fllm_err_set(err, FLLM_E_NO_MEMORY, "out of memory for %u tensors", want);
		goto out;
	}
	st = pkg_bind_all(m, &v, ps->quant.group, err);
out:
	fllm_pkg_view_release(&v);
	return st;
}

/* See fllm_package.h: only the magic, so the caller picks the right opener. */
int fllm_package_probe(const char *path)
{
	uint8_t head[4];
	FILE *f = fopen(path, "rb");
	int is = 0;

	if (!f)
		return 0;
	if (fread(head, 1, sizeof(head), f) == sizeof(head))
		is = (uint32_t)(head[0] | head[1] << 8 | head[2] << 16 | (uint32_t)head[3] << 24) ==
		     FLLM_PKG_MAGIC;
	fclose(f);
	return is;
}

/* The package state of a package model, else NULL. */
static const struct pkg_state *pkg_state_of(const fllm_model *m)
{
	return m->info.format == FLLM_MODEL_PACKAGE ? (const struct pkg_state *)m->owned :
						      NULL;
}

/* See fllm_package.h: built from the section checked at open. */
fllm_status fllm_package_tokenizer(const fllm_model *m, fllm_tokenizer **out, char *err_buf,
				   size_t err_size)
{
	struct fllm_err err = { err_buf, err_size };
	const struct pkg_state *ps;

	assert(m && out);
	*out = NULL;
	ps = pkg_state_of(m);
	if (!ps)
		return fllm_err_set(&err, FLLM_E_INVALID_ARG, "not a model package");
	return fllm_pkg_tokenizer_load(ps->tok, ps->tok_bytes, m->info.vocab_size, out, &err);
}

/* See fllm_package.h. */
fllm_status fllm_package_quant_get(const fllm_model *m, fllm_quant_params *out)
{
	const struct pkg_state *ps;

	assert(m && out);
	ps = pkg_state_of(m);
	if (!ps)
		return FLLM_E_INVALID_ARG;
	*out = ps->quant;
	return FLLM_OK;
}

/* See fllm_package.h; 0 for other models. */
uint32_t fllm_package_report_count(const fllm_model *m)
{
	const struct pkg_state *ps;

	assert(m);
	ps = pkg_state_of(m);
	return ps ? ps->n_report : 0;
}

/* See fllm_package.h: the stored record, copied out field by field. */
fllm_status fllm_package_report_get(const fllm_model *m, uint32_t index, fllm_quant_report *out)
{
	const struct pkg_state *ps;
	struct fllm_pkg_report r;

	assert(m && out);
	ps = pkg_state_of(m);
	if (!ps || index >= ps->n_report)
		return FLLM_E_INVALID_ARG;
	memcpy(&r, ps->report + (uint64_t)index * sizeof(r), sizeof(r));
	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", r.name);
	out->rows = r.rows;
	out->cols = r.cols;
	out->planes = r.planes;
	out->group = r.group;
	out->source = (fllm_tensor_type)r.source_type;
	out->exact = (int)r.exact;
	out->rel_error = r.rel_error;
	out->max_abs = r.max_abs;
	out->bits_per_weight = r.bits_per_weight;
	return FLLM_OK;
}
