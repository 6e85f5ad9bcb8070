/*
 * The card executor: the quantized decoder on a card (docs/decoder.md).
 * Creation opens the device, checks it has the LUT-GEMM and vector units,
 * brings every linear layer into card form and uploads it, lays out the
 * activation buffers and parameter blocks, and records the per-token
 * command lists. It runs whole steps only (the `step` operation): every
 * layer, attention with its paged KV cache included, and the head run on
 * the card, one command list per step (card_step.c).
 */
#include <stdlib.h>
#include <string.h>

#include "card_exec.h"
#include "package.h"

/* The unit of type on the device, as its inventory lists it. */
static int card_has_unit(const fllm_device_info *di, uint32_t type)
{
	for (uint32_t k = 0; k < di->cu_count && k < FLLM_CU_INFO_MAX; k++)
		if (FLLM_CU_INFO_TYPE(di->cu_info[k]) == type)
			return 1;
	return 0;
}

/* The model's shapes within what the units accept. */
static fllm_status card_shapes_ok(const fllm_model_info *i)
{
	if (i->dim > FLLM_LUTGEMM_K_MAX || i->hidden_dim > FLLM_LUTGEMM_K_MAX ||
	    i->head_dim > FLLM_VECTOR_HEAD_DIM_MAX || i->vocab_size > FLLM_LUTGEMM_M_MAX ||
	    i->head_dim > FLLM_ATTN_HEAD_DIM_MAX || i->head_dim % FLLM_ATTN_HEAD_DIM_STEP ||
	    i->n_heads > FLLM_ATTN_HEADS_MAX || !i->n_kv_heads || i->n_heads % i->n_kv_heads ||
	    i->n_heads * i->head_dim != i->dim)
		return FLLM_E_UNSUPPORTED;
	return FLLM_OK;
}

/* The caller's quantization settings, or a package's. */
static fllm_status card_quant_settings(const fllm_model *m, const fllm_context_params *p,
				       fllm_quant_params *qp)
{
	fllm_quant_params want = { p->bits, p->group, p->n_threads, 1 };

	if (m->info.format == FLLM_MODEL_PACKAGE) {
		fllm_package_quant_get(m, qp);
		if ((p->bits && p->bits != qp->bits) || (p->group && p->group != qp->group))
			return FLLM_E_INVALID_ARG;
		return FLLM_OK;
	}
	return card_quant_params_resolve(&want, qp, NULL);
}

/* See card_exec.h. */
fllm_status card_exec_init(struct exec_card *c, const fllm_model *m,
			   const fllm_context_params *p, uint32_t n_ctx, fllm_quant_params *qp)
{
	fllm_status st = card_shapes_ok(&m->info);

	if (!st)
		st = card_quant_settings(m, p, qp);
	if (st)
		return st;
	c->model = m;
	c->info = &m->info;
	c->n_ctx = n_ctx;
	c->group = qp->group;
	c->run_hi = UINT32_MAX;
	return FLLM_OK;
}

/* See card_exec.h. */
void card_exec_release(struct exec_card *c)
{
	uint32_t n = c->info->n_layers * CARD_MATS + 1;

	if (c->w)
		for (uint32_t k = 0; k < n; k++)
			card_matrix_release(&c->w[k].cm);
	free(c->w);
	free(c->plan.layer);
	free(c->plan.kv_addr);
	free(c->tok_buf);
	free(c->rope_host);
	free(c->param_img);
	free(c->logit_buf);
	free(c->prog);
	free(c->lists);
	if (c->list_units)
		for (uint32_t k = 0; k < 2 * (c->plan.rows_max + 1) * c->n_segs; k++)
			free(c->list_units[k]);
	free(c->list_units);
	kv_pool_release(&c->kv);
}

/* Undo whatever creation reached, in reverse: lists, BOs, matrices, host, device. */
static void card_free(struct fllm_exec *ex)
{
	struct exec_card *c = (struct exec_card *)ex;

	if (!c)
		return;
	if (c->lists)
		for (uint32_t k = 0; k < 2 * (c->plan.rows_max + 1) * c->n_segs; k++)
			fllm_cmdlist_free(c->lists[k]);
	fllm_bo_free(c->act);
	if (c->kvbo)
		for (uint32_t l = 0; l < c->info->n_layers; l++)
			fllm_bo_free(c->kvbo[l]);
	free(c->kvbo);
	card_weights_free(c);
	if (c->twin_ex)
		c->twin_ex->ops->free(c->twin_ex);
	card_exec_release(c);
	fllm_device_close(c->dev);
	free(c);
}

/*
 * Each unit type's cycles from the card's busy counters (interface 1.1)
 * since the context was made: the units' own time, without the firmware's
 * delay in noticing a unit is done that completion records add (on the
 * emulated card that delay is the host's scheduling, not card time).
 */
static void card_busy_cycles(const struct exec_card *c, const fllm_telemetry *t,
			     fllm_context_stats *out)
{
	out->card_lutgemm_cycles = out->card_attention_cycles = out->card_vector_cycles = 0;
	for (uint32_t i = 0; i < t->cu_busy_count && i < FLLM_CU_INFO_MAX; i++) {
		uint64_t d = t->cu_busy_cycles[i] - c->tel0.cu_busy_cycles[i];

		if (c->cu_type[i] == FLLM_CU_LUTGEMM)
			out->card_lutgemm_cycles += d;
		else if (c->cu_type[i] == FLLM_CU_ATTENTION)
			out->card_attention_cycles += d;
		else if (c->cu_type[i] == FLLM_CU_VECTOR)
			out->card_vector_cycles += d;
	}
}

/* The card executor's share of fllm_context_stats. */
static void card_stats(struct fllm_exec *ex, fllm_context_stats *out)
{
	struct exec_card *c = (struct exec_card *)ex;
	fllm_telemetry t;
	fllm_status tst;

	out->on_card = 1;
	out->bits = c->bits_max;
	out->group = c->group;
	out->quantize_s = c->quantize_s;
	out->upload_s = c->upload_s;
	out->card_bytes = c->card_bytes;
	out->card_lists = c->lists_run;
	out->card_commands = c->cmds_run;
	out->kv_blocks = c->pool_blocks;
	out->kv_blocks_used = c->pool_blocks - c->kv.n_free;
	out->kv_block_bytes = c->block_bytes * c->info->n_layers;
	out->kv_swaps_out = c->kv.swaps_out;
	out->kv_swaps_in = c->kv.swaps_in;
	out->kv_swap_bytes = c->kv.swap_bytes;
	out->card_units = c->n_units;
	for (uint32_t u = 0; u < c->n_units; u++) {
		out->card_streamed += c->streamed[u];
		out->card_host += c->on_host[u];
	}
	out->card_stream_bytes = c->stream_bytes;
	{
		uint64_t used;

		if (fllm_device_mem_usage(c->dev, &used, &out->card_mem_peak))
			out->card_mem_peak = 0;
	}
	out->card_resident_bytes = c->resident_bytes;
	tst = fllm_device_telemetry(c->dev, &t);
	if (!tst) {
		out->card_weight_bytes = t.weight_bytes - c->tel0.weight_bytes;
		out->card_mem_bytes = t.mem_bytes - c->tel0.mem_bytes;
		out->card_energy_mj = t.energy_mj - c->tel0.energy_mj;
		out->card_lut_ops = t.lut_ops - c->tel0.lut_ops;
		out->card_macs = t.macs - c->tel0.macs;
		out->card_vec_ops = t.vec_ops - c->tel0.vec_ops;
	}
	out->card_dma_bytes = c->dma_bytes;
	out->card_lutgemm_cycles = c->unit_cycles[CARD_UNIT_LUTGEMM];
	out->card_attention_cycles = c->unit_cycles[CARD_UNIT_ATTENTION];
	out->card_vector_cycles = c->unit_cycles[CARD_UNIT_VECTOR];
	if (!tst && t.cu_busy_count)
		card_busy_cycles(c, &t, out);
	out->card_clock_khz = c->clock_khz;
	out->card_sensors = c->sensors;
}

/* A step's data to and from the activation BO. */
static fllm_status card_act_write(struct exec_card *c, uint64_t off, const void *src,
				  uint64_t len)
{
	c->dma_bytes += len;
	return fllm_bo_write(c->act, off, src, len);
}

static fllm_status card_act_read(struct exec_card *c, uint64_t off, void *dst, uint64_t len)
{
	c->dma_bytes += len;
	return fllm_bo_read(c->act, off, dst, len);
}

/* The caller's placement (checked), and the twin for the units on the host. */
static fllm_status card_placement(struct exec_card *c, const fllm_model *m,
				  const fllm_context_params *p, uint32_t n_ctx)
{
	int any = 0;

	c->n_units = m->info.n_layers + 1;
	c->place = calloc(c->n_units, 1);
	c->on_host = calloc(c->n_units, 1);
	if (!c->place || !c->on_host)
		return FLLM_E_NO_MEMORY;
	for (uint32_t u = 0; p->placement && u < c->n_units; u++) {
		if (p->placement[u] > FLLM_PLACE_HOST)
			return FLLM_E_INVALID_ARG;
		c->place[u] = p->placement[u];
		c->on_host[u] = c->place[u] == FLLM_PLACE_HOST;
		any |= c->on_host[u];
	}
	return any ? card_twin_create(m, p, n_ctx, c->on_host, &c->twin_ex, &c->twin) :
		     FLLM_OK;
}

/* Whole steps only: the per-operation slots stay empty (docs/decoder.md). */
static const struct fllm_exec_ops card_ops = {
	.name = "card",
	.free = card_free,
	.step = card_step,
	.seq_drop = card_seq_drop,
	.stats = card_stats,
};

/* See executor.h. */
fllm_status fllm_exec_card_create(const fllm_model *m, const fllm_context_params *p,
				  uint32_t n_ctx, struct fllm_exec **out)
{
	fllm_quant_params qp;
	fllm_device_info di;
	struct exec_card *c;
	fllm_status st;

	*out = NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return FLLM_E_NO_MEMORY;
	st = card_exec_init(c, m, p, n_ctx, &qp);
	if (st) {
		free(c);
		return st;
	}
	c->base.ops = &card_ops;
	c->act_write = card_act_write;
	c->act_read = card_act_read;
	c->run = card_run_list;
	st = fllm_device_open(p->device, &c->dev);
	if (st)
		goto err_free;
	st = fllm_device_info_get(c->dev, &di);
	if (st)
		goto err_free;
	if (!card_has_unit(&di, FLLM_CU_LUTGEMM) || !card_has_unit(&di, FLLM_CU_VECTOR) ||
	    !card_has_unit(&di, FLLM_CU_ATTENTION) || !di.mem_channels) {
		st = FLLM_E_UNSUPPORTED;
		goto err_free;
	}
	c->channels = di.mem_channels;
	c->clock_khz = di.clock_khz;
	c->sensors = (di.caps & FLLM_CAP_TELEMETRY) && !(di.caps & FLLM_CAP_SIMULATED);
	c->chan_bytes = di.mem_size / di.mem_channels;
	c->card_mem = p->card_mem && p->card_mem < di.mem_size ? p->card_mem : di.mem_size;
	if ((st = card_placement(c, m, p, n_ctx)) || (st = card_weights_prepare(c, &qp)) ||
	    (st = card_plan_build(c, p)) || (st = card_weights_upload(c)) ||
	    (st = card_plan_upload(c)))
		goto err_free;
	c->lists = calloc(2ull * (c->plan.rows_max + 1) * c->n_segs, sizeof(*c->lists));
	c->list_units = calloc(2ull * (c->plan.rows_max + 1) * c->n_segs, sizeof(*c->list_units));
	if (!c->lists || !c->list_units) {
		st = FLLM_E_NO_MEMORY;
		goto err_free;
	}
	c->base.rows_max = c->plan.rows_max;
	c->dma_bytes = 0;	/* the per-step traffic from here on, not the upload */
	if ((st = fllm_device_telemetry(c->dev, &c->tel0)))
		goto err_free;
	{
		fllm_device_info info;

		if ((st = fllm_device_info_get(c->dev, &info)))
			goto err_free;
		for (uint32_t i = 0; i < info.cu_count && i < FLLM_CU_INFO_MAX; i++)
			c->cu_type[i] = (uint8_t)FLLM_CU_INFO_TYPE(info.cu_info[i]);
	}
	*out = &c->base;
	return FLLM_OK;

err_free:
	card_free(&c->base);
	return st;
}
