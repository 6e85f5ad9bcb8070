/*
 * C testbench of the Vitis LUT-GEMM kernel (csim and cosim in
 * hls_lutgemm.tcl; also built and run by ctest as tb_lutgemm). Like the
 * differential tests in tests/lutgemm: commands with random records (random
 * bytes, small exponents) on awkward shapes (K = 172, M = 1, every g, many
 * slices, two tiles), one at the extremes of docs/numerics.md "Bounds", and
 * one rejected block. Every output is compared bit for bit with the scalar
 * reference of tests/lutgemm/lutgemm_ref.c; a rejected block must leave the
 * outputs alone. Returns 0 when everything matched (what csim checks).
 */
#include <stdio.h>
#include <string.h>

#include "fllm_cardpack.h"
#include "fllm_lutgemm.h"
#include "fllm_lutgemm_krnl.h"
#include "lutgemm_ref.h"

#define TB_MEM		262144u		/* card memory bytes (= the ports' depth) */
#define TB_STATUS	384u		/* status word, after the block at 0 */
#define TB_DATA		512u		/* records start here */

static uint8_t mem[TB_MEM];			/* (TB_MEM) card memory */
static float want[FLLM_LUTGEMM_N_MAX * 512];	/* (N, M) reference outputs */

struct tb_case {
	uint32_t m, k, g, q, flags, n, slices, extreme;
};

/* splitmix64: the testbench's only random source. */
static uint64_t tb_rand(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void put16(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
}

/* Run the kernel with every slice port on the same card memory; returns its status. */
static uint32_t tb_run(uint64_t params_bytes)
{
	uint8_t *w = mem;

	memset(mem + TB_STATUS, 0xee, 4);
	fllm_lutgemm_krnl(mem, w, w, w, w, w, w, w, w, w, w, w, w, w, w, w, w, w, w, w, w, w, w,
			  w, w, w, w, w, w, w, w, w, w, TB_MEM, 0, params_bytes, TB_STATUS);
	return (uint32_t)mem[TB_STATUS] | (uint32_t)mem[TB_STATUS + 1] << 8 |
	       (uint32_t)mem[TB_STATUS + 2] << 16 | (uint32_t)mem[TB_STATUS + 3] << 24;
}

/* Lay out and fill one command at address 0; returns -1 if it does not fit. */
static int tb_layout(const struct tb_case *t, uint64_t seed, struct fllm_lutgemm_params *p)
{
	uint32_t groups = fllm_lutgemm_groups(t->k, t->g);
	uint64_t top = TB_DATA, rng = seed;

	if (fllm_lutgemm_params_init(p, t->m, t->k, t->g, t->q, t->flags, t->n, t->slices))
		return -1;
	p->act_addr = top;
	top += (uint64_t)t->n * p->act_stride;
	p->out_addr = top;
	top += fllm_lutgemm_align((uint64_t)t->n * p->out_stride);
	for (uint32_t s = 0; s < t->slices; s++) {
		p->slice_addr[s] = top;
		top += fllm_lutgemm_align(fllm_lutgemm_slice_bytes(p, s));
	}
	if (top > TB_MEM || (uint64_t)t->n * t->m > sizeof(want) / sizeof(want[0]))
		return -1;
	for (uint64_t i = TB_DATA; i < top; i++)
		mem[i] = (uint8_t)tb_rand(&rng);
	for (uint32_t r = 0; r < t->m; r++) {
		uint8_t *rec = mem + p->slice_addr[r % t->slices] +
			       (uint64_t)(r / t->slices) * p->row_bytes;

		put16(rec, t->extreme ? 0 : (uint32_t)(tb_rand(&rng) % 41) - 20);
		for (uint32_t grp = 0; grp < groups; grp++) {
			uint8_t *se = rec + fllm_lutgemm_row_scale_offset(t->q, grp);

			se[0] = (uint8_t)(t->extreme ? 0 : tb_rand(&rng) % 9);
			for (uint32_t i = 0; t->extreme && i <= t->q; i++)
				put16(se + 2 + 2 * i, 0x8000);	/* zq and a: -32768 */
		}
		if (t->extreme)	/* every b = -1: W = -32768 * (q + 1) */
			memset(rec + fllm_lutgemm_row_planes_offset(t->k, t->g, t->q), 0,
			       (uint64_t)groups * t->q * t->g / 8);
	}
	for (uint32_t n = 0; n < t->n; n++) {
		uint8_t *act = mem + p->act_addr + n * p->act_stride;
		int32_t ex = t->extreme ? 0 : (int32_t)(tb_rand(&rng) % 41) - 20;

		memcpy(act, &ex, 4);
		for (uint32_t grp = 0; t->extreme && grp < groups; grp++)
			put16(act + FLLM_LUTGEMM_ACT_MSX + 2 * grp, 65535);
		if (t->extreme)
			memset(act + fllm_lutgemm_act_xq_offset(t->k, t->g), 0x80, t->k);
	}
	memcpy(mem, p, sizeof(*p));
	return 0;
}

/* Compare the outputs with want; returns the number of differences. */
static uint32_t tb_compare(const struct fllm_lutgemm_params *p, const char *what)
{
	uint32_t bad = 0;

	for (uint32_t n = 0; n < p->n_tokens; n++) {
		for (uint32_t r = 0; r < p->m; r++) {
			uint32_t got, exp;

			memcpy(&got, mem + p->out_addr + n * p->out_stride + 4ull * r, 4);
			memcpy(&exp, &want[(uint64_t)n * p->m + r], 4);
			if (got != exp && !bad++)
				printf("  %s: y[%u][%u] kernel 0x%08x reference 0x%08x\n", what, n,
				       r, got, exp);
		}
	}
	return bad;
}

/* One valid command: reference, kernel, comparison. */
static uint32_t tb_valid(const struct tb_case *t, uint64_t seed, const char *what)
{
	struct fllm_lutgemm_params p;
	struct ref_peaks pk;
	uint32_t st;

	if (tb_layout(t, seed, &p)) {
		printf("  %s: does not fit the testbench memory\n", what);
		return 1;
	}
	ref_lutgemm(mem, &p, want, &pk);
	st = tb_run(sizeof(p));
	if (st != FLLM_CARD_OK) {
		printf("  %s: status %u, want %u\n", what, st, FLLM_CARD_OK);
		return 1;
	}
	return tb_compare(&p, what);
}

/* A block with a wrong magic: status PARAM and the output bytes unchanged. */
static uint32_t tb_rejected(void)
{
	static const struct tb_case t = { 37, 172, 32, 4, FLLM_LUTGEMM_F_OFFSET, 2, 4, 0 };
	struct fllm_lutgemm_params p;
	static uint8_t before[TB_MEM];
	uint32_t st;

	if (tb_layout(&t, 7, &p))
		return 1;
	p.magic ^= 1;
	memcpy(mem, &p, sizeof(p));
	memcpy(before, mem, TB_MEM);
	st = tb_run(sizeof(p));
	memcpy(before + TB_STATUS, mem + TB_STATUS, 4);
	if (st != FLLM_CARD_ERR_PARAM || memcmp(before, mem, TB_MEM)) {
		printf("  rejected block: status %u (want %u), memory %s\n", st,
		       FLLM_CARD_ERR_PARAM, memcmp(before, mem, TB_MEM) ? "changed" : "unchanged");
		return 1;
	}
	return 0;
}

int main(void)
{
	static const struct tb_case cases[] = {
		{ 37, 172, 32, 4, FLLM_LUTGEMM_F_OFFSET, 2, 4, 0 },
		{ 1, 172, 16, 8, 0, 1, 1, 0 },
		{ 64, 300, 64, 2, FLLM_LUTGEMM_F_OFFSET, 16, 32, 0 },
		{ 300, 172, 256, 3, FLLM_LUTGEMM_F_OFFSET, 4, 7, 0 },
		{ 9, 172, 128, 1, 0, 32, 3, 0 },
		{ 2, 4096, 128, 8, FLLM_LUTGEMM_F_OFFSET, 3, 2, 1 },
	};
	uint32_t bad = 0;
	char what[64];

	for (uint32_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(what, sizeof(what), "case %u (M=%u K=%u g=%u q=%u)", i, cases[i].m,
			 cases[i].k, cases[i].g, cases[i].q);
		bad += tb_valid(&cases[i], 100 + i, what);
	}
	bad += tb_rejected();
	printf("tb_lutgemm: %s\n", bad ? "FAILED" : "all outputs match the reference");
	return bad ? 1 : 0;
}
