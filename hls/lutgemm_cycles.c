/*
 * Cycle model of the LUT-GEMM unit (docs/numerics.md 7): weights stream from
 * all slices in parallel (one m_axi port per slice, 64 bytes per cycle each)
 * while the table builder (rebuilt per tile, double-buffered) and the lookup
 * lanes work; the longest of the three wins. Activation load and output
 * store are serial with it. The card model uses it as the command's duration.
 */
#include "fllm_lutgemm_unit.h"

/* ceil(a / b) for b > 0. */
static uint64_t div_up(uint64_t a, uint64_t b)
{
	return (a + b - 1) / b;
}

/* Kernel-clock cycles of one command with valid parameters p. */
uint64_t fllm_lutgemm_cycles(const struct fllm_lutgemm_params *p)
{
	const uint64_t bpc = FLLM_LUTGEMM_BYTES_PER_CYCLE;
	uint64_t groups = fllm_lutgemm_groups(p->k, p->group);
	uint64_t chunks = groups * (p->group / 8);
	uint64_t tiles = div_up(p->m, FLLM_LUTGEMM_TILE_ROWS);
	uint64_t stream = 0, tables, lookups, compute, acts, outs;

	for (uint32_t s = 0; s < p->slices; s++) {
		uint64_t beats = div_up(fllm_lutgemm_slice_bytes(p, s), bpc);

		if (beats > stream)
			stream = beats;
	}
	tables = div_up(tiles * chunks * p->n_tokens, FLLM_LUTGEMM_TABLES_PER_CYCLE);
	lookups = div_up((uint64_t)p->m * chunks * p->planes * p->n_tokens,
			 FLLM_LUTGEMM_LOOKUPS_PER_CYCLE);
	compute = tables > lookups ? tables : lookups;	/* tables double-buffered */
	acts = div_up((uint64_t)p->n_tokens * fllm_lutgemm_act_bytes(p->k, p->group), bpc);
	outs = div_up((uint64_t)p->n_tokens * 4 * p->m, bpc);
	return FLLM_LUTGEMM_OVERHEAD_CYCLES + acts + (stream > compute ? stream : compute) + outs;
}

/* See fllm_lutgemm_unit.h. */
uint64_t fllm_lutgemm_lut_ops(const struct fllm_lutgemm_params *p)
{
	uint64_t chunks = fllm_lutgemm_groups(p->k, p->group) * (p->group / 8);
	uint64_t tiles = div_up(p->m, FLLM_LUTGEMM_TILE_ROWS);

	return (uint64_t)p->n_tokens * chunks * ((uint64_t)p->m * p->planes + tiles * 256);
}

/* See fllm_lutgemm_unit.h. */
uint64_t fllm_lutgemm_traffic(const struct fllm_lutgemm_params *p)
{
	uint64_t bytes = sizeof(*p) + (uint64_t)p->m * p->row_bytes + 4ull * p->m * p->n_tokens;

	return bytes + (uint64_t)p->n_tokens * fllm_lutgemm_act_bytes(p->k, p->group);
}
