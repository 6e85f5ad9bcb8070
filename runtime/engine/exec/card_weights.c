/*
 * The card executor's weights: every linear layer in card form (a
 * package's records as stored, else quantized now), then re-sliced for the
 * card's memory channels. Matrix slice s goes to channel (channel0 + s) %
 * channels, channel0 advancing from matrix to matrix so small matrices do
 * not all pile onto channel 0.
 *
 * Placement units are the layers and the head. As many units as fit the
 * card-memory budget are resident (each channel one BO with every slice it
 * serves, written once with one DMA); the others stay in host memory (a
 * package's mapping, its pages given back after each use) and are streamed
 * every step into one of two staging sets, the next unit's DMA overlapping
 * the card's work on this one (card_step.c, docs/scheduler.md).
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

/* Matrices of placement unit u: a layer's CARD_MATS, or the classifier. */
static void unit_mats(const struct exec_card *c, uint32_t u, uint32_t *first, uint32_t *n)
{
	*first = u * CARD_MATS;
	*n = u < c->info->n_layers ? CARD_MATS : 1;
}

static uint64_t unit_bytes(const struct exec_card *c, uint32_t u)
{
	uint32_t first, n;
	uint64_t b = 0;

	unit_mats(c, u, &first, &n);
	for (uint32_t i = first; i < first + n; i++)
		b += card_matrix_bytes(&c->w[i].cm);
	return b;
}

/* Place the slices of matrices [first, first + n): channel and offset in
 * that channel's BO (chan_bytes grows), channel0 advancing from *next. */
static void card_place(struct exec_card *c, uint32_t first, uint32_t n, uint32_t *next,
		       uint64_t *chan_bytes)
{
	uint32_t s_max = c->channels < FLLM_LUTGEMM_SLICES_MAX ? c->channels :
								  FLLM_LUTGEMM_SLICES_MAX;

	for (uint32_t i = first; i < first + n; i++) {
		struct card_weight *w = &c->w[i];

		w->slices = w->cm.m < s_max ? w->cm.m : s_max;
		w->channel0 = *next;
		for (uint32_t s = 0; s < w->slices; s++) {
			uint32_t ch = (w->channel0 + s) % c->channels;

			w->offset[s] = chan_bytes[ch];
			chan_bytes[ch] += (uint64_t)fllm_lutgemm_slice_rows(w->cm.m, w->slices, s) *
					  w->cm.row_bytes;
		}
		*next = (*next + w->slices) % c->channels;
	}
}

/* Matrix i's slices into the channel BOs bo (one DMA per slice, its rows
 * gathered in c->stage_buf), then its records' pages back to the kernel;
 * adds the bytes written to *bytes. */
static fllm_status card_write_matrix(struct exec_card *c, uint32_t i, fllm_bo **bo,
				    uint64_t *bytes)
{
	struct card_weight *w = &c->w[i];
	fllm_status st = FLLM_OK;

	for (uint32_t s = 0; !st && s < w->slices; s++) {
		uint8_t *dst = c->stage_buf;

		for (uint32_t r = s; r < w->cm.m; r += w->slices) {
			memcpy(dst, card_matrix_row(&w->cm, r), w->cm.row_bytes);
			dst += w->cm.row_bytes;
		}
		st = fllm_bo_write(bo[(w->channel0 + s) % c->channels], w->offset[s],
				   c->stage_buf, (uint64_t)(dst - c->stage_buf));
		*bytes += (uint64_t)(dst - c->stage_buf);
		c->dma_bytes += (uint64_t)(dst - c->stage_buf);
	}
	if (!w->cm.owned)
		fllm_file_map_drop(&c->model->map, w->cm.data, card_matrix_bytes(&w->cm));
	return st;
}

/* Card addresses of matrices [first, first + n) in the channel BOs bo. */
static void card_address(struct exec_card *c, uint32_t first, uint32_t n, fllm_bo **bo)
{
	for (uint32_t i = first; i < first + n; i++) {
		struct card_weight *w = &c->w[i];

		for (uint32_t s = 0; s < w->slices; s++)
			w->slice_addr[s] = fllm_bo_card_addr(bo[(w->channel0 + s) % c->channels]) +
					   w->offset[s];
	}
}

/* See card_exec.h. */
void card_weights_free(struct exec_card *c)
{
	for (uint32_t ch = 0; ch < c->channels; ch++) {
		if (c->wbo)
			fllm_bo_free(c->wbo[ch]);
		for (int k = 0; k < 2; k++)
			if (c->stage[k])
				fllm_bo_free(c->stage[k][ch]);
	}
	free(c->wbo);
	free(c->stage[0]);
	free(c->stage[1]);
	c->wbo = c->stage[0] = c->stage[1] = NULL;
	free(c->streamed);
	free(c->on_host);
	free(c->place);
	free(c->stage_set);
	free(c->seg_unit);
	free(c->seg_host);
	free(c->stage_chan);
	free(c->stage_buf);
}

/* Allocate BOs of bytes[ch] in each channel (none where 0). */
static fllm_status card_chan_alloc(struct exec_card *c, const uint64_t *bytes, fllm_bo **bo)
{
	for (uint32_t ch = 0; ch < c->channels; ch++) {
		fllm_bo_params bp = { .align = FLLM_LUTGEMM_ALIGN, .channel = (int32_t)ch };
		fllm_status st;

		if (!bytes[ch])
			continue;
		st = fllm_bo_alloc(c->dev, bytes[ch], &bp, &bo[ch]);
		if (st)
			return st;
	}
	return FLLM_OK;
}

static void card_chan_free(struct exec_card *c, fllm_bo **bo)
{
	for (uint32_t ch = 0; ch < c->channels; ch++) {
		fllm_bo_free(bo[ch]);
		bo[ch] = NULL;
	}
}

/* Unit u's side and form when `autos` of the FLLM_PLACE_AUTO units (the
 * first ones) are resident. */
static void card_unit_place(struct exec_card *c, uint32_t autos)
{
	uint32_t seen = 0;

	for (uint32_t u = 0; u < c->n_units; u++) {
		uint8_t pl = c->place[u];

		if (pl == FLLM_PLACE_AUTO)
			pl = seen++ < autos ? FLLM_PLACE_RESIDENT : FLLM_PLACE_STREAMED;
		c->streamed[u] = pl == FLLM_PLACE_STREAMED;
		c->on_host[u] = pl == FLLM_PLACE_HOST;
	}
}

/*
 * With the placement card_unit_place set: place every slice and allocate
 * the BOs (resident weights per channel, the staging sets each as large as
 * the largest streamed unit's share of a channel), and cut the step into
 * segments. FLLM_E_NO_CARD_MEMORY, with nothing held, when the card cannot
 * take them.
 */
static fllm_status card_try(struct exec_card *c, uint64_t *chan_bytes, uint64_t left)
{
	uint32_t next = 0, first, n, k = 0;
	uint64_t total = 0;
	fllm_status st;

	memset(chan_bytes, 0, c->channels * sizeof(*chan_bytes));
	memset(c->stage_chan, 0, c->channels * sizeof(*c->stage_chan));
	c->n_segs = 0;
	for (uint32_t u = 0; u < c->n_units; u++) {
		uint64_t local[FLLM_LUTGEMM_SLICES_MAX * 8] = { 0 };
		uint32_t lnext = 0;

		if (!u || c->streamed[u] || c->on_host[u] != c->on_host[u - 1]) {
			c->seg_host[c->n_segs] = c->on_host[u];
			c->seg_unit[c->n_segs++] = u;
		}
		if (c->on_host[u])
			continue;
		unit_mats(c, u, &first, &n);
		if (!c->streamed[u]) {
			card_place(c, first, n, &next, chan_bytes);
			continue;
		}
		card_place(c, first, n, &lnext, local);
		for (uint32_t ch = 0; ch < c->channels; ch++)
			if (local[ch] > c->stage_chan[ch])
				c->stage_chan[ch] = local[ch];
		c->stage_set[u] = (uint8_t)(k++ % 2);
	}
	/* the exact bytes: the resident slices per channel, and per staging set
	 * the largest streamed unit's share of each channel */
	for (uint32_t ch = 0; ch < c->channels; ch++)
		total += chan_bytes[ch] + (k > 1 ? 2 : k) * c->stage_chan[ch];
	if (total > left)
		return FLLM_E_NO_CARD_MEMORY;
	st = card_chan_alloc(c, chan_bytes, c->wbo);
	for (int s = 0; !st && s < 2 && (uint32_t)s < k; s++)
		st = card_chan_alloc(c, c->stage_chan, c->stage[s]);
	if (st) {
		card_chan_free(c, c->wbo);
		card_chan_free(c, c->stage[0]);
		card_chan_free(c, c->stage[1]);
		return FLLM_E_NO_CARD_MEMORY;
	}
	return FLLM_OK;
}

/* Allocate the placement arrays for n_units units; place: the caller's
 * (n_units fllm_place values) or NULL. */
static fllm_status card_place_alloc(struct exec_card *c)
{
	uint64_t stage_max = 0;

	c->wbo = calloc(c->channels, sizeof(*c->wbo));
	c->stage[0] = calloc(c->channels, sizeof(*c->stage[0]));
	c->stage[1] = calloc(c->channels, sizeof(*c->stage[1]));
	c->stage_chan = calloc(c->channels, sizeof(*c->stage_chan));
	c->streamed = calloc(c->n_units, 1);
	c->stage_set = calloc(c->n_units, 1);
	c->seg_unit = calloc(c->n_units, sizeof(*c->seg_unit));
	c->seg_host = calloc(c->n_units, 1);
	c->stage_holds[0] = c->stage_holds[1] = -1;
	if (!c->wbo || !c->stage[0] || !c->stage[1] || !c->stage_chan || !c->streamed ||
	    !c->stage_set || !c->seg_unit || !c->seg_host)
		return FLLM_E_NO_MEMORY;
	for (uint32_t u = 0; u < c->n_units; u++)
		if (unit_bytes(c, u) > stage_max)
			stage_max = unit_bytes(c, u);
	c->stage_buf = malloc(stage_max);	/* any slice of any matrix fits */
	return c->stage_buf ? FLLM_OK : FLLM_E_NO_MEMORY;
}

/*
 * See card_exec.h. The units placed by the caller go where asked; of the
 * FLLM_PLACE_AUTO ones the most that fit the budget left after the plan's
 * BOs (c->card_mem less c->card_bytes) are resident, in layer order, the
 * rest streamed.
 */
fllm_status card_weights_upload(struct exec_card *c)
{
	uint64_t *chan_bytes = calloc(c->channels, sizeof(*chan_bytes));
	uint64_t left = c->card_mem > c->card_bytes ? c->card_mem - c->card_bytes : 0;
	double t0 = card_now();
	uint32_t autos = 0, first, n;
	fllm_status st = FLLM_E_NO_MEMORY;

	if (c->channels > FLLM_LUTGEMM_SLICES_MAX * 8)
		return FLLM_E_UNSUPPORTED;
	if (!chan_bytes || (st = card_place_alloc(c)))
		goto out;
	st = FLLM_E_NO_CARD_MEMORY;
	if (c->card_bytes > c->card_mem)	/* the KV pools and activations alone */
		goto out;
	for (uint32_t u = 0; u < c->n_units; u++)
		autos += c->place[u] == FLLM_PLACE_AUTO;
	st = FLLM_E_NO_CARD_MEMORY;
	for (autos++; autos-- > 0;) {
		card_unit_place(c, autos);
		st = card_try(c, chan_bytes, left);
		if (st != FLLM_E_NO_CARD_MEMORY)
			break;
	}
	if (st)
		goto out;
	for (uint32_t ch = 0; ch < c->channels; ch++)
		c->card_bytes += chan_bytes[ch];
	for (uint32_t u = 0; !st && u < c->n_units; u++) {
		if (c->on_host[u])
			continue;
		unit_mats(c, u, &first, &n);
		if (c->streamed[u]) {
			card_address(c, first, n, c->stage[c->stage_set[u]]);
			continue;
		}
		card_address(c, first, n, c->wbo);
		for (uint32_t i = first; !st && i < first + n; i++) {
			struct card_matrix *cm = &c->w[i].cm;

			st = card_write_matrix(c, i, c->wbo, &c->resident_bytes);
			free(cm->owned);	/* on the card: the host copy goes */
			cm->owned = NULL;
			cm->data = NULL;
		}
	}
	for (int k = 0; k < 2; k++)
		for (uint32_t ch = 0; ch < c->channels; ch++)
			if (c->stage[k][ch])
				c->card_bytes += c->stage_chan[ch];
out:
	c->upload_s += card_now() - t0;
	free(chan_bytes);
	return st;
}

/* See card_exec.h. */
fllm_status card_stage_load(struct exec_card *c, uint32_t u)
{
	uint32_t set = c->stage_set[u], first, n;
	fllm_status st = FLLM_OK;

	if (c->stage_holds[set] == (int32_t)u)
		return FLLM_OK;
	c->stage_holds[set] = -1;
	unit_mats(c, u, &first, &n);
	for (uint32_t i = first; !st && i < first + n; i++)
		st = card_write_matrix(c, i, c->stage[set], &c->stream_bytes);
	if (!st)
		c->stage_holds[set] = (int32_t)u;
	return st;
}
