/*
 * A model's units and their costs (docs/scheduler.md "Units of a model").
 * Bytes come from the card's record sizes (fllm_lutgemm_row_bytes) and the
 * attention unit's KV block size; times from the cost model's rates.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fllm/fllm_package.h"
#include "fllm_card_attention.h"
#include "fllm_card_lutgemm.h"
#include "fllm_card_vector.h"
#include "engine_error.h"
#include "sched_model.h"

#define KV_BLOCK 16u		/* positions per KV block (docs/decoder.md) */

/* Vector-op elements and card commands per token of each unit kind. */
struct part_work {
	uint64_t elems;
	uint32_t commands;
};

/* Card bytes of one matrix: its row records at the package's or the given q, g. */
static fllm_status matrix_bytes(const fllm_model *model, const char *name, uint32_t rows,
				uint32_t cols, uint32_t bits, uint32_t group, uint64_t *out,
				char *err, size_t err_size)
{
	struct fllm_err e = { err, err_size };
	fllm_quant_report r;
	uint32_t n = fllm_package_report_count(model);

	for (uint32_t i = 0; i < n; i++) {
		if (fllm_package_report_get(model, i, &r) != FLLM_OK || strcmp(r.name, name))
			continue;
		if (r.rows != rows || r.cols != cols) {
			fllm_err_set(&e, FLLM_OK, "package matrix %s is %ux%u, the model needs %ux%u",
			     name, r.rows, r.cols, rows, cols);
			return FLLM_E_FORMAT;
		}
		*out = (uint64_t)rows * fllm_lutgemm_row_bytes(cols, r.group, r.planes);
		return FLLM_OK;
	}
	if (n) {
		fllm_err_set(&e, FLLM_OK, "package has no report for matrix %s", name);
		return FLLM_E_FORMAT;
	}
	*out = (uint64_t)rows * fllm_lutgemm_row_bytes(cols, group, bits);
	return FLLM_OK;
}

/* Seconds of LUT-GEMM over w record bytes for n tokens at rates one and batch. */
static double gemm_time(double w, uint32_t n, double one, double batch)
{
	double t1 = w / one, tn = (double)n * w / batch;

	return n == 1 || t1 > tn ? t1 : tn;
}

static fllm_status options_check(const fllm_model_info *mi, const struct sched_options *o,
				 uint32_t bits, uint32_t group, char *err, size_t err_size)
{
	struct fllm_err e = { err, err_size };
	if (o->tokens < 1 || o->tokens > FLLM_SEQS_MAX) {
		fllm_err_set(&e, FLLM_OK, "tokens per step %u out of range 1..%u", o->tokens,
		     FLLM_SEQS_MAX);
		return FLLM_E_INVALID_ARG;
	}
	if (o->seqs < 1 || o->seqs > FLLM_SEQS_MAX) {
		fllm_err_set(&e, FLLM_OK, "sequences %u out of range 1..%u", o->seqs, FLLM_SEQS_MAX);
		return FLLM_E_INVALID_ARG;
	}
	if (o->n_ctx < 1 || !(o->positions > 0) || !isfinite(o->positions)) {
		fllm_err_set(&e, FLLM_OK, "context %u / attended positions %g must be > 0", o->n_ctx,
		     o->positions);
		return FLLM_E_INVALID_ARG;
	}
	if (bits < 1 || bits > FLLM_LUTGEMM_Q_MAX) {
		fllm_err_set(&e, FLLM_OK, "bits %u out of range 1..%u", bits, FLLM_LUTGEMM_Q_MAX);
		return FLLM_E_INVALID_ARG;
	}
	if (group < FLLM_LUTGEMM_G_MIN || group > FLLM_LUTGEMM_G_MAX || (group & (group - 1))) {
		fllm_err_set(&e, FLLM_OK, "group %u is not 16, 32, 64, 128 or 256", group);
		return FLLM_E_INVALID_ARG;
	}
	if (o->card_layers < -1 || (o->card_layers >= 0 && o->no_cpu)) {
		fllm_err_set(&e, FLLM_OK, "card layers %d (with no-cpu %d) not allowed", o->card_layers,
		     o->no_cpu);
		return FLLM_E_INVALID_ARG;
	}
	if (o->card_layers > (int32_t)mi->n_layers) {
		fllm_err_set(&e, FLLM_OK, "card layers %d: the model has %u layers", o->card_layers,
			     mi->n_layers);
		return FLLM_E_INVALID_ARG;
	}
	if (mi->n_layers == 0 || mi->dim == 0 || mi->head_dim == 0 || mi->n_kv_heads == 0) {
		fllm_err_set(&e, FLLM_OK, "model has no layers");
		return FLLM_E_INVALID_ARG;
	}
	return FLLM_OK;
}

static uint64_t host_memory(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);

	return pages > 0 && size > 0 ? (uint64_t)pages * (uint64_t)size : UINT64_MAX;
}

/* Fill u's times from its bytes and work. */
static void unit_times(struct sched_unit_cost *u, const struct sched_cost *c,
		       const struct sched_options *o, struct part_work wk, double attn_elems,
		       uint32_t dim)
{
	double n = o->tokens, w = (double)u->weight_bytes;
	double dma = w / c->dma_bandwidth;

	u->t_cpu = gemm_time(w, o->tokens, c->host_lutgemm, c->host_lutgemm_batch) +
		   n * (double)wk.elems / c->host_vector + n * attn_elems / c->host_attention +
		   wk.commands * c->host_command;
	u->t_card = gemm_time(w, o->tokens, c->card_lutgemm, c->card_lutgemm_batch) +
		    n * (double)wk.elems / c->card_vector + n * attn_elems / c->card_attention +
		    wk.commands * c->card_command;
	u->t_stream = (u->t_card > dma ? u->t_card : dma) + c->dma_latency;
	u->t_in = c->dma_latency + n * 4.0 * dim / c->dma_bandwidth;
}

fllm_status sched_problem_for_model(const fllm_model *model, const struct sched_cost *c,
				    const struct sched_options *o, struct sched_problem *pb,
				    struct sched_unit_cost **units, char *err, size_t err_size)
{
	struct fllm_err e = { err, err_size };
	static const char *const attn_names[4] = { "attn_q", "attn_k", "attn_v", "attn_output" };
	static const char *const mlp_names[3] = { "ffn_gate", "ffn_up", "ffn_down" };
	fllm_model_info mi;
	fllm_quant_params qp;
	uint32_t bits = o->bits ? o->bits : 4, group = o->group ? o->group : 32;
	uint32_t per_layer, n_units, kv_dim;
	uint64_t kv, host_need = 0, host_have;
	struct sched_unit_cost *u;
	uint8_t *first = NULL;	/* the --card-layers placement */
	char name[FLLM_NAME_MAX];
	fllm_status st;

	*units = NULL;
	memset(pb, 0, sizeof(*pb));
	st = fllm_model_info_get(model, &mi);
	if (st)
		return st;
	if (fllm_package_quant_get(model, &qp) == FLLM_OK) {
		bits = qp.bits ? qp.bits : 4;
		group = qp.group ? qp.group : 32;
	}
	st = options_check(&mi, o, bits, group, err, err_size);
	if (st)
		return st;
	kv_dim = mi.n_kv_heads * mi.head_dim;
	per_layer = o->whole_layers ? 1 : 2;
	n_units = mi.n_layers * per_layer + 1;
	u = calloc(n_units, sizeof(*u));
	if (!u)
		return FLLM_E_NO_MEMORY;
	/* the KV cache of one layer: every sequence's blocks of the whole context */
	kv = (uint64_t)o->seqs * fllm_attention_table_need(0, o->n_ctx, KV_BLOCK) *
	     fllm_attention_block_bytes(mi.n_kv_heads, KV_BLOCK, mi.head_dim);
	for (uint32_t l = 0; l < mi.n_layers; l++) {
		struct sched_unit_cost *a = &u[l * per_layer], *m = &u[l * per_layer + per_layer - 1];
		const uint32_t arows[4] = { mi.n_heads * mi.head_dim, kv_dim, kv_dim, mi.dim };
		const uint32_t mrows[3] = { mi.hidden_dim, mi.hidden_dim, mi.dim };
		const uint32_t mcols[3] = { mi.dim, mi.dim, mi.hidden_dim };
		/* norm + quantize, RoPE of q and k, residual, quantize of the attention output */
		struct part_work aw = { 5ull * mi.dim + kv_dim, 10 };
		/* norm + quantize, SiLU * mul + quantize, residual */
		struct part_work mw = { 3ull * mi.dim + 3ull * mi.hidden_dim, 6 };
		uint64_t ab = fllm_vector_weight_bytes(mi.dim), mb = fllm_vector_weight_bytes(mi.dim);

		for (uint32_t i = 0; i < 4 && !st; i++) {
			uint64_t b;

			snprintf(name, sizeof(name), "blk.%u.%s.weight", l, attn_names[i]);
			st = matrix_bytes(model, name, arows[i], i == 3 ? mi.n_heads * mi.head_dim
								     : mi.dim,
					  bits, group, &b, err, err_size);
			ab += b;
		}
		for (uint32_t i = 0; i < 3 && !st; i++) {
			uint64_t b;

			snprintf(name, sizeof(name), "blk.%u.%s.weight", l, mlp_names[i]);
			st = matrix_bytes(model, name, mrows[i], mcols[i], bits, group, &b, err,
					  err_size);
			mb += b;
		}
		if (st)
			goto err;
		if (o->whole_layers) {
			a->kind = SCHED_UNIT_LAYER;
			a->weight_bytes = ab + mb;
			a->kv_bytes = kv;
			aw.elems += mw.elems;
			aw.commands += mw.commands;
			unit_times(a, c, o, aw, o->positions * mi.n_heads * mi.head_dim, mi.dim);
		} else {
			a->kind = SCHED_UNIT_ATTENTION;
			a->weight_bytes = ab;
			a->kv_bytes = kv;
			unit_times(a, c, o, aw, o->positions * mi.n_heads * mi.head_dim, mi.dim);
			m->kind = SCHED_UNIT_MLP;
			m->weight_bytes = mb;
			unit_times(m, c, o, mw, 0.0, mi.dim);
		}
		a->layer = m->layer = l;
	}
	{
		struct sched_unit_cost *h = &u[n_units - 1];
		struct part_work hw = { 2ull * mi.dim, 2 };
		uint64_t b;

		st = matrix_bytes(model, "output.weight", mi.vocab_size, mi.dim, bits, group, &b,
				  err, err_size);
		if (st)
			goto err;
		h->kind = SCHED_UNIT_HEAD;
		h->layer = mi.n_layers;
		h->weight_bytes = b + fllm_vector_weight_bytes(mi.dim);
		unit_times(h, c, o, hw, 0.0, mi.dim);
	}
	if (o->card_layers >= 0) {	/* fllm run --card-layers's own definition */
		first = malloc(mi.n_layers + 1);
		if (!first) {
			st = FLLM_E_NO_MEMORY;
			goto err;
		}
		fllm_placement_first_layers(mi.n_layers, (uint32_t)o->card_layers, first);
	}
	for (uint32_t i = 0; i < n_units; i++) {
		uint32_t allow = SCHED_ALLOW_ALL;

		if (o->no_cpu)
			allow = SCHED_ALLOW_CARD;
		else if (first)
			allow = first[u[i].layer] == FLLM_PLACE_HOST ? SCHED_ALLOW_CPU
								      : SCHED_ALLOW_CARD;
		u[i].allow = allow;
		host_need += u[i].weight_bytes + u[i].kv_bytes;
	}
	free(first);
	host_have = o->host_memory ? o->host_memory : host_memory();
	if (host_need > host_have) {
		fllm_err_set(&e, FLLM_OK, "the host cannot hold the model: its weights and KV cache need "
		     "%llu bytes, the host has %llu", (unsigned long long)host_need,
		     (unsigned long long)host_have);
		st = FLLM_E_NO_MEMORY;
		goto err;
	}
	pb->n_units = n_units;
	pb->unit = u;
	pb->budget = o->budget ? o->budget : c->card_memory;
	/* activations of a step (x, norms, q k v, attention out, hidden, logits,
	 * activation records), the step's RoPE rows, the block tables */
	pb->fixed_bytes = (uint64_t)o->tokens * 4 * (6ull * mi.dim + 3ull * mi.hidden_dim +
						     mi.vocab_size) +
			  (uint64_t)o->tokens * fllm_vector_rope_row_bytes(mi.head_dim) +
			  (uint64_t)o->seqs * 4 * fllm_attention_table_need(0, o->n_ctx, KV_BLOCK);
	pb->t_out = c->dma_latency + (double)o->tokens * 4.0 * mi.vocab_size / c->dma_bandwidth;
	pb->tokens = o->tokens;
	*units = u;
	return FLLM_OK;
err:
	free(u);
	return st;
}

fllm_status sched_plan_for_model(const fllm_model *model, const struct sched_cost *c,
				 const struct sched_options *o, struct sched_plan *out, char *err,
				 size_t err_size)
{
	struct fllm_err e = { err, err_size };
	struct sched_problem pb;
	struct sched_unit_cost *units;
	fllm_status st;

	memset(out, 0, sizeof(*out));
	st = sched_problem_for_model(model, c, o, &pb, &units, err, err_size);
	if (st)
		return st;
	st = sched_plan_solve(&pb, out);
	if (st == FLLM_E_NO_CARD_MEMORY)
		fllm_err_set(&e, FLLM_OK, "no placement fits %llu bytes of card memory: the smallest "
		     "needs %llu", (unsigned long long)pb.budget,
		     (unsigned long long)out->min_card_bytes);
	else if (st)
		fllm_err_set(&e, FLLM_OK, "%s", fllm_status_str(st));
	free(units);
	return st;
}

/* The cost model of device: its calibration file when there is one (and it
 * reads), else the reference card at q = bits, g = group. */
static fllm_status context_cost(const char *device, uint32_t bits, uint32_t group,
				struct sched_cost *c)
{
	char path[1024];

	if (device && sched_cost_default_path(device, path, sizeof(path)) == FLLM_OK &&
	    access(path, R_OK) == 0 && sched_cost_read(path, c, NULL, 0) == FLLM_OK)
		return FLLM_OK;
	return sched_cost_reference(bits, group, c);
}

/* See sched_model.h. */
fllm_status sched_context_placement(const fllm_model *model, const fllm_context_params *p,
				    uint32_t n_ctx, uint64_t budget, uint8_t *place,
				    double *t_token, char *err, size_t err_size)
{
	static const uint8_t to_place[SCHED_PLACES] = {
		[SCHED_CPU] = FLLM_PLACE_HOST,
		[SCHED_RESIDENT] = FLLM_PLACE_RESIDENT,
		[SCHED_STREAMED] = FLLM_PLACE_STREAMED,
	};
	uint32_t seqs = p->n_seqs ? p->n_seqs : 1, batch = p->batch ? p->batch : 32;
	struct sched_options o = {
		.tokens = seqs < batch ? seqs : batch,
		.seqs = seqs,
		.n_ctx = n_ctx,
		.positions = n_ctx > 1 ? (double)n_ctx / 2 : 1.0,
		.bits = p->bits,
		.group = p->group,
		.card_layers = -1,
		.whole_layers = 1,
		.budget = budget,
	};
	fllm_quant_params qp = { p->bits ? p->bits : 4, p->group ? p->group : 32, 1, 1 };
	struct sched_cost cost;
	struct sched_plan plan;
	fllm_model_info mi;
	fllm_status st;

	fllm_model_info_get(model, &mi);
	fllm_package_quant_get(model, &qp);	/* a package's own q and g */
	st = context_cost(p->device, qp.bits, qp.group, &cost);
	if (!st)
		st = sched_plan_for_model(model, &cost, &o, &plan, err, err_size);
	if (st)
		return st;
	for (uint32_t u = 0; u < plan.n_units && u <= mi.n_layers; u++)
		place[u] = to_place[plan.unit[u].place];
	if (t_token)
		*t_token = plan.t_token;
	sched_plan_free(&plan);
	return FLLM_OK;
}
