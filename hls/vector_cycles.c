/*
 * Cycle model of the vector unit (docs/numerics.md "Vector unit: cycle
 * model"): every pass over a row handles FLLM_VECTOR_LANES elements per
 * cycle, memory streams (64 bytes per cycle per port) overlap the pass that
 * uses them, and RMSNorm adds its scalar step between its two passes. The
 * card model uses it as the command's duration.
 */
#include "vector_internal.h"

/* ceil(a / b) for b > 0. */
static uint64_t div_up(uint64_t a, uint64_t b)
{
	return (a + b - 1) / b;
}

/* Kernel-clock cycles of one command with a valid block p. */
uint64_t fllm_vector_cycles(const struct fllm_vector_params *p)
{
	uint64_t pass = div_up(p->n, FLLM_VECTOR_LANES), row;

	row = pass;				/* load + compute (+ store for fp32 out) */
	if (p->op == FLLM_VECTOR_OP_RMSNORM)
		row += FLLM_VECTOR_RMS_SCALAR_CYCLES + pass;	/* squares, scale, products */
	if (p->flags & FLLM_VECTOR_F_QUANT)
		row += pass;			/* quantize and store the record */
	return FLLM_VECTOR_OVERHEAD_CYCLES + (uint64_t)p->rows * row;
}

/* See fllm_vector.h: the passes of fllm_vector_cycles, lane-wide. */
uint64_t fllm_vector_ops(const struct fllm_vector_params *p)
{
	uint64_t passes = 1;

	if (p->op == FLLM_VECTOR_OP_RMSNORM)
		passes++;
	if (p->flags & FLLM_VECTOR_F_QUANT)
		passes++;
	return (uint64_t)p->rows * p->n * passes;
}

/* Bytes read and written by one command with a valid block p. */
uint64_t fllm_vector_traffic(const struct fllm_vector_params *p)
{
	uint64_t row = fllm_vector_in_row_bytes(p) + fllm_vector_out_row_bytes(p);

	if (fllm_vector_uses_in2(p->op))
		row += fllm_vector_f32_row_bytes(p->n);
	if (p->op == FLLM_VECTOR_OP_RMSNORM)
		row += fllm_vector_weight_bytes(p->n);
	if (p->op == FLLM_VECTOR_OP_ROPE)
		row += fllm_vector_rope_row_bytes(p->head_dim);
	return sizeof(*p) + (uint64_t)p->rows * row;
}
