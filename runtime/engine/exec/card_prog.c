/*
 * A step's commands, in order (docs/decoder.md "One command list per
 * step"). The card executor records them into a command list once per
 * shape; the cpu-q executor runs them on its host image. Per layer:
 *
 *   RMSNORM x -> xa        LUT-GEMM wq, wk, wv: xa -> q, k, v
 *   ROPE q, k (one block for every row: each row's position in the step's table)
 *   APPEND k, v -> KV cache     DECODE / PREFILL q -> xa (quantized)
 *   LUT-GEMM wo: xa -> tmp      ADD x += tmp      RMSNORM x -> xa
 *   LUT-GEMM w_gate, w_up       SILU_MUL -> ha    LUT-GEMM w_down: ha -> tmp
 *   ADD x += tmp
 *
 * then RMSNORM (output_norm) and the classifier.
 */
#include "card_exec.h"

/* Commands per layer besides the ROPE blocks. */
#define CARD_LAYER_CMDS 14u

/* See card_exec.h. */
uint32_t card_prog_max(const struct exec_card *c)
{
	return c->info->n_layers * (CARD_LAYER_CMDS + c->plan.n_rope) + 2;
}

static void prog_put(struct card_cmd *out, uint32_t *n, uint8_t unit, uint32_t mat, uint64_t at)
{
	out[*n].unit = unit;
	out[*n].mat = mat;
	out[*n].place = 0;
	out[*n].at = at;
	(*n)++;
}

/* See card_exec.h. */
uint32_t card_prog_build(const struct exec_card *c, struct card_cmd *out)
{
	const struct card_plan *p = &c->plan;
	uint32_t n_layers = c->info->n_layers, n = 0;

	for (uint32_t l = 0; l < n_layers; l++) {
		const struct card_layer_params *lp = &p->layer[l];
		uint32_t w = l * CARD_MATS, first = n;

		prog_put(out, &n, FLLM_CU_VECTOR, 0, lp->norm_att);
		for (uint32_t m = CARD_WQ; m <= CARD_WV; m++)
			prog_put(out, &n, FLLM_CU_LUTGEMM, w + m, lp->lg[m]);
		for (uint32_t r = 0; r < p->n_rope; r++)
			prog_put(out, &n, FLLM_CU_VECTOR, 0, p->rope_blk + r * sizeof(struct fllm_vector_params));
		prog_put(out, &n, FLLM_CU_ATTENTION, 0, lp->append);
		prog_put(out, &n, FLLM_CU_ATTENTION, 0, lp->attend);
		prog_put(out, &n, FLLM_CU_LUTGEMM, w + CARD_WO, lp->lg[CARD_WO]);
		prog_put(out, &n, FLLM_CU_VECTOR, 0, p->add);
		prog_put(out, &n, FLLM_CU_VECTOR, 0, lp->norm_ffn);
		prog_put(out, &n, FLLM_CU_LUTGEMM, w + CARD_WGATE, lp->lg[CARD_WGATE]);
		prog_put(out, &n, FLLM_CU_LUTGEMM, w + CARD_WUP, lp->lg[CARD_WUP]);
		prog_put(out, &n, FLLM_CU_VECTOR, 0, lp->silu);
		prog_put(out, &n, FLLM_CU_LUTGEMM, w + CARD_WDOWN, lp->lg[CARD_WDOWN]);
		prog_put(out, &n, FLLM_CU_VECTOR, 0, p->add);
		for (uint32_t k = first; k < n; k++)
			out[k].place = l;
	}
	prog_put(out, &n, FLLM_CU_VECTOR, 0, p->head_norm);
	prog_put(out, &n, FLLM_CU_LUTGEMM, n_layers * CARD_MATS, p->head_lg);
	out[n - 2].place = out[n - 1].place = n_layers;
	return n;
}

/* See card_exec.h. */
fllm_status card_step_shape(const struct exec_card *c, const struct exec_batch_entry *e,
			    uint32_t n, struct card_shape *s)
{
	uint32_t rows = 0;

	if (!n)
		return FLLM_E_INVALID_ARG;
	for (uint32_t k = 0; k < n; k++) {
		if (!e[k].n || (n > 1 && e[k].n != 1) || e[k].slot >= c->n_slots ||
		    e[k].pos + e[k].n > c->n_ctx || e[k].pos + e[k].n < e[k].pos)
			return FLLM_E_INVALID_ARG;
		for (uint32_t j = 0; j < k; j++)
			if (e[j].slot == e[k].slot)
				return FLLM_E_INVALID_ARG;
		rows += e[k].n;
	}
	if (rows > c->plan.rows_max)
		return FLLM_E_INVALID_ARG;
	s->rows = rows;
	s->seqs = n;
	return FLLM_OK;
}
