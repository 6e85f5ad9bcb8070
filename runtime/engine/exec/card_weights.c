/*
 * The card executor's weights: every linear layer in card form (a
 * package's records as stored, else quantized now), then re-sliced for the
 * card's memory channels and uploaded once. Matrix slice s goes to channel
 * (channel0 + s) % channels, channel0 advancing from matrix to matrix so
 * small matrices do not all pile onto channel 0; each channel holds one BO
 * with every slice it serves, written with one DMA.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "card_exec.h"
#include "package_format.h"

/* Monotonic seconds, for the quantize and upload times. */
static double card_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Weight and GGUF name of matrix mat of layer l (CARD_MATS: the classifier). */
static const struct fllm_weight *card_src(const fllm_model *m, uint32_t l, enum card_mat mat,
					  char *name, size_t cap)
{
	static const char *const sfx[CARD_MATS] = { "attn_q", "attn_k", "attn_v", "attn_output",
						    "ffn_gate", "ffn_down", "ffn_up" };
	const struct fllm_layer_weights *lw;

	if (mat == CARD_MATS) {
		snprintf(name, cap, "output.weight");
		return &m->output;
	}
	lw = &m->layers[l];
	snprintf(name, cap, "blk.%u.%s.weight", l, sfx[mat]);
	switch (mat) {
	case CARD_WQ: return &lw->wq;
	case CARD_WK: return &lw->wk;
	case CARD_WV: return &lw->wv;
	case CARD_WO: return &lw->wo;
	case CARD_WGATE: return &lw->w_gate;
	case CARD_WDOWN: return &lw->w_down;
	default: return &lw->w_up;
	}
}

/* The card form of one weight: a package's stored records, else quantized. */
static fllm_status card_prepare_one(const struct fllm_weight *w, const char *name,
				    const fllm_quant_params *qp, struct card_matrix *cm)
{
	struct fllm_pkg_tensor h;

	if (w->src && w->src->type == FLLM_TENSOR_BCQ) {
		memcpy(&h, w->src->data, sizeof(h));	/* checked when the package opened */
		*cm = (struct card_matrix){ h.rows, h.cols, h.group, h.planes, h.flags, h.slices,
					    h.row_bytes, w->src->data + sizeof(h), NULL };
		return FLLM_OK;
	}
	return card_quantize(w, name, qp, cm, NULL, NULL);
}

/* See card_exec.h. */
fllm_status card_weights_prepare(struct exec_card *c, const fllm_quant_params *qp)
{
	uint32_t n = c->info->n_layers * CARD_MATS + 1;
	char name[FLLM_NAME_MAX];
	double t0 = card_now();
	fllm_status st;

	c->w = calloc(n, sizeof(*c->w));
	if (!c->w)
		return FLLM_E_NO_MEMORY;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t l = i / CARD_MATS;
		enum card_mat mat = i == n - 1 ? CARD_MATS : (enum card_mat)(i % CARD_MATS);
		const struct fllm_weight *w = card_src(c->model, l, mat, name, sizeof(name));

		st = card_prepare_one(w, name, qp, &c->w[i].cm);
		if (st)
			return st;
		if (c->w[i].cm.planes > c->bits_max)
			c->bits_max = c->w[i].cm.planes;
	}
	if (c->model->info.format != FLLM_MODEL_PACKAGE)
		c->quantize_s = card_now() - t0;
	return FLLM_OK;
}

/* Place every slice: its channel and its offset in that channel's BO. */
static void card_place(struct exec_card *c, uint32_t n, uint64_t *chan_bytes)
{
	uint32_t next = 0;

	for (uint32_t i = 0; i < n; i++) {
		struct card_weight *w = &c->w[i];
		uint32_t s_max = c->channels < FLLM_LUTGEMM_SLICES_MAX ? c->channels :
									  FLLM_LUTGEMM_SLICES_MAX;

		w->slices = w->cm.m < s_max ? w->cm.m : s_max;
		w->channel0 = next;
		for (uint32_t s = 0; s < w->slices; s++) {
			uint32_t ch = (w->channel0 + s) % c->channels;

			w->offset[s] = chan_bytes[ch];
			chan_bytes[ch] += (uint64_t)fllm_lutgemm_slice_rows(w->cm.m, w->slices, s) *
					  w->cm.row_bytes;
		}
		next = (next + w->slices) % c->channels;
	}
}

/* Gather channel ch's slices of every matrix into buf (chan_bytes). */
static void card_gather(struct exec_card *c, uint32_t n, uint32_t ch, uint8_t *buf)
{
	for (uint32_t i = 0; i < n; i++) {
		struct card_weight *w = &c->w[i];

		for (uint32_t s = 0; s < w->slices; s++) {
			uint8_t *dst = buf + w->offset[s];

			if ((w->channel0 + s) % c->channels != ch)
				continue;
			for (uint32_t r = s; r < w->cm.m; r += w->slices) {
				memcpy(dst, card_matrix_row(&w->cm, r), w->cm.row_bytes);
				dst += w->cm.row_bytes;
			}
		}
	}
}

/* See card_exec.h. The host copies of quantized matrices are dropped after. */
fllm_status card_weights_upload(struct exec_card *c)
{
	uint32_t n = c->info->n_layers * CARD_MATS + 1;
	uint64_t *chan_bytes = calloc(c->channels, sizeof(*chan_bytes));
	uint8_t *buf = NULL;
	double t0 = card_now();
	fllm_status st = FLLM_E_NO_MEMORY;

	c->wbo = calloc(c->channels, sizeof(*c->wbo));
	if (!chan_bytes || !c->wbo)
		goto out;
	card_place(c, n, chan_bytes);
	for (uint32_t ch = 0; ch < c->channels; ch++) {
		fllm_bo_params bp = { .align = FLLM_LUTGEMM_ALIGN, .channel = (int32_t)ch };

		if (!chan_bytes[ch])
			continue;
		st = fllm_bo_alloc(c->dev, chan_bytes[ch], &bp, &c->wbo[ch]);
		if (st)
			goto out;
		buf = malloc(chan_bytes[ch]);
		st = FLLM_E_NO_MEMORY;
		if (!buf)
			goto out;
		card_gather(c, n, ch, buf);
		st = fllm_bo_write(c->wbo[ch], 0, buf, chan_bytes[ch]);
		free(buf);
		buf = NULL;
		if (st)
			goto out;
		c->card_bytes += chan_bytes[ch];
	}
	for (uint32_t i = 0; i < n; i++) {
		struct card_weight *w = &c->w[i];

		for (uint32_t s = 0; s < w->slices; s++)
			w->slice_addr[s] =
				fllm_bo_card_addr(c->wbo[(w->channel0 + s) % c->channels]) +
				w->offset[s];
		free(w->cm.owned);
		w->cm.owned = NULL;
		w->cm.data = NULL;
	}
	st = FLLM_OK;
out:
	c->upload_s += card_now() - t0;
	free(chan_bytes);
	return st;
}
