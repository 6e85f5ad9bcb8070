/*
 * Bit-for-bit agreement of (a) the scalar reference of tests/lutgemm, (b) a
 * direct call of the hls kernel and (c) the emulated card's command path, on
 * random shapes and on weights packed from fp32 by the public helpers; and
 * two card models computing at the same time.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fllm_cardpack.h"
#include "fllm_lutgemm_unit.h"
#include "lg_card.h"
#include "lg_card_tests.h"
#include "lutgemm_ref.h"
#include "test_main.h"

static void print_case(const struct lg_case *c, uint32_t offsets)
{
	const struct lg_shape *s = &c->shape;

	fprintf(stderr, "  M=%u K=%u g=%u q=%u offset=%u N=%u slices=%u bo_offsets=%u"
		" seed=%" PRIu64 "\n", s->m, s->k, s->g, s->q, s->offset, s->n, s->slices,
		offsets, c->seed);
}

/* (b): run the hls top function on a copy of c's memory; y gets its outputs. */
static void kernel_outputs(const struct lg_case *c, float *y /* (n_tokens, m) */)
{
	const struct fllm_lutgemm_params *p = &c->p;
	uint8_t *mem = malloc(c->mem_bytes);	/* (mem_bytes) private card memory */

	CU_ASSERT_FATAL(mem != NULL);
	memcpy(mem, c->mem, c->mem_bytes);
	FLLM_ASSERT_STATUS(fllm_hls_lutgemm_unit(mem, c->mem_bytes, 0, sizeof(*p)),
			   FLLM_CARD_OK);
	for (uint32_t n = 0; n < p->n_tokens; n++)
		memcpy(y + (uint64_t)n * p->m, mem + p->out_addr + n * p->out_stride, 4ull * p->m);
	free(mem);
}

/* (c): upload c to dev, run it there and compare with want; returns mismatches. */
static uint64_t card_check(fllm_device *dev, const struct lg_case *c, uint32_t offsets,
			   const float *want /* (n_tokens, m) */, const char *what)
{
	struct lg_card k;
	fllm_cmd_result res;
	uint8_t *out;
	uint64_t bad;
	fllm_status st;

	st = lg_card_init(&k, dev, c, offsets);
	FLLM_ASSERT_STATUS(st, FLLM_OK);
	if (st)
		return 1;
	FLLM_ASSERT_STATUS(lg_card_run(&k, sizeof(k.p), &res), FLLM_OK);
	FLLM_ASSERT_STATUS(res.card_status, FLLM_CARD_OK);
	CU_ASSERT(res.cycles >= fllm_lutgemm_cycles(&k.p));
	out = malloc(k.out_len);
	CU_ASSERT_FATAL(out != NULL);
	FLLM_ASSERT_STATUS(lg_card_read_out(&k, out), FLLM_OK);
	bad = lg_card_compare(&k.p, out, want, 1, what);
	free(out);
	lg_card_free(&k);
	return bad;
}

/* One case through (a), (b) and (c). */
static void agree(const struct lg_case *c, uint32_t offsets)
{
	uint64_t outs = (uint64_t)c->p.n_tokens * c->p.m;
	float *yref = malloc(outs * sizeof(*yref));	/* (N, M) reference */
	float *ykern = malloc(outs * sizeof(*ykern));	/* (N, M) hls kernel */
	struct ref_peaks pk;
	uint64_t bad;

	CU_ASSERT_FATAL(yref && ykern);
	ref_lutgemm(c->mem, &c->p, yref, &pk);
	kernel_outputs(c, ykern);
	bad = memcmp(yref, ykern, outs * sizeof(*yref)) != 0;
	if (bad)
		lg_card_compare(&c->p, (const uint8_t *)ykern, yref, 0, "kernel vs reference");
	bad += card_check(lg_dev, c, offsets, yref, "card vs reference");
	if (bad)
		print_case(c, offsets);
	CU_ASSERT(bad == 0);
	free(ykern);
	free(yref);
}

/* A random case of shape s with random records. */
static void agree_random(const struct lg_shape *s, uint64_t seed, uint32_t offsets)
{
	struct lg_case c;

	CU_ASSERT_FATAL(lg_case_init_random(&c, s, seed, seed ^ 0xca4d) == 0);
	agree(&c, offsets);
	lg_case_free(&c);
}

/* Every g and q; K = 172 and others; N = 1 and 16; offsets and BO offsets alternate. */
static void test_agree_shapes(void)
{
	uint64_t rng = 7;

	for (uint32_t i = 0; i < LG_GOLDEN_SHAPES; i++) {
		struct lg_shape s;

		lg_golden_shape(&s, i, &rng, 80, 32);
		agree_random(&s, 5000 + i, (i / 4) % 2);
	}
}

/* M = 1 and K = 172 with every g; 32 slices over all channels; more than one tile. */
static void test_agree_edges(void)
{
	static const struct lg_shape shapes[] = {
		{ 1, 172, 16, 1, 0, 1, 1 },
		{ 1, 172, 32, 8, 1, 16, 1 },
		{ 1, 172, 64, 3, 1, 1, 1 },
		{ 1, 172, 128, 5, 0, 16, 1 },
		{ 1, 172, 256, 2, 1, 16, 1 },
		{ 64, 172, 32, 4, 1, 16, 32 },
		{ 300, 172, 16, 2, 1, 3, 32 },
	};

	for (uint32_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++)
		agree_random(&shapes[i], 600 + i, i % 2);
}

#define PM 37
#define PK 172
#define PG 32
#define PQ 4
#define PN 2
#define PS 4
#define PGROUPS ((PK + PG - 1) / PG)

/*
 * A caller's path: fp32 BCQ weights packed by fllm_lutgemm_pack() into one
 * buffer per slice, activations by fllm_lutgemm_act_quantize(), the block by
 * fllm_lutgemm_params_init(), all uploaded with fllm_bo_write(). The same
 * records in an lg_case give the reference and kernel results.
 */
static void test_agree_packed(void)
{
	static const struct lg_shape s = { PM, PK, PG, PQ, 1, PN, PS };
	static float alpha[PM][PGROUPS][PQ], z[PM][PGROUPS], x[PN][PK];
	static uint8_t bits[PM * PQ * PK];	/* (m, q, k) */
	uint16_t msx[PGROUPS];
	int8_t xq[PGROUPS * PG];
	uint8_t *slice[PS];
	struct lg_case c;
	uint64_t rng = 77;
	int32_t ex;

	CU_ASSERT_FATAL(lg_case_init(&c, &s, 4711) == 0);
	for (uint32_t r = 0; r < PM; r++)
		for (uint32_t grp = 0; grp < PGROUPS; grp++) {
			for (uint32_t i = 0; i < PQ; i++)
				alpha[r][grp][i] = (float)(0.02 * test_rng_unit(&rng) + 1e-4);
			z[r][grp] = (float)(0.01 * (test_rng_unit(&rng) - 0.5));
		}
	for (uint32_t i = 0; i < PM * PQ * PK; i++)
		bits[i] = fllm_rng_next(&rng) & 1;
	for (uint32_t n = 0; n < PN; n++)
		for (uint32_t k = 0; k < PK; k++)
			x[n][k] = (float)(4 * test_rng_unit(&rng) - 2);
	for (uint32_t i = 0; i < PS; i++)
		slice[i] = c.mem + c.p.slice_addr[i];
	FLLM_ASSERT_STATUS(fllm_lutgemm_pack(PM, PK, PG, PQ, &alpha[0][0][0], &z[0][0], bits, PS,
					     slice), FLLM_CARD_OK);
	for (uint32_t n = 0; n < PN; n++) {
		FLLM_ASSERT_STATUS(fllm_lutgemm_act_quantize(PK, PG, x[n], &ex, msx, xq),
				   FLLM_CARD_OK);
		fllm_lutgemm_act_write(c.mem + lg_case_act(&c, n), PK, PG, ex, msx, xq);
	}
	/* the block a caller builds has the same shape fields as the case's */
	{
		struct fllm_lutgemm_params p;

		FLLM_ASSERT_STATUS(fllm_lutgemm_params_init(&p, PM, PK, PG, PQ,
							    FLLM_LUTGEMM_F_OFFSET, PN, PS),
				   FLLM_CARD_OK);
		CU_ASSERT(memcmp(&p, &c.p, offsetof(struct fllm_lutgemm_params, act_addr)) == 0);
		p.act_addr = c.p.act_addr;
		p.act_stride = c.p.act_stride;
		p.out_addr = c.p.out_addr;
		p.out_stride = c.p.out_stride;
		memcpy(p.slice_addr, c.p.slice_addr, sizeof(p.slice_addr));
		CU_ASSERT(memcmp(&p, &c.p, sizeof(p)) == 0);
	}
	agree(&c, 1);
	lg_case_free(&c);
}

/*
 * Two card models in one process compute at the same time, each on its own
 * unit memories: both agree with the kernel run alone.
 */
static void test_agree_two_cards(void)
{
	static const struct lg_shape s = { 512, 2048, 64, 4, 1, 16, 8 };
	fllm_device *dev2;
	struct lg_case c[2];
	struct lg_card k[2];
	fllm_event *ev[2] = { NULL, NULL };
	float *want[2];
	uint64_t outs = (uint64_t)s.m * s.n;

	CU_ASSERT_FATAL(fllm_device_open(LG_CARD_SPEC, &dev2) == FLLM_OK);
	for (int i = 0; i < 2; i++) {
		uint64_t rng = 99 + i;

		CU_ASSERT_FATAL(lg_case_init(&c[i], &s, 31 + i) == 0);
		lg_case_randomize(&c[i], &rng);
		want[i] = malloc(outs * sizeof(float));
		CU_ASSERT_FATAL(want[i] != NULL);
		kernel_outputs(&c[i], want[i]);
		CU_ASSERT_FATAL(lg_card_init(&k[i], i ? dev2 : lg_dev, &c[i], i) == FLLM_OK);
	}
	for (int round = 0; round < 2; round++) {
		fllm_cmdlist *cl[2];

		for (int i = 0; i < 2; i++) {
			FLLM_ASSERT_STATUS(fllm_cmdlist_create(i ? dev2 : lg_dev, &cl[i]), FLLM_OK);
			FLLM_ASSERT_STATUS(fllm_cmdlist_lutgemm(cl[i], k[i].params, k[i].params_off,
								sizeof(k[i].p)), FLLM_OK);
		}
		for (int i = 0; i < 2; i++)
			FLLM_ASSERT_STATUS(fllm_cmdlist_submit(cl[i], &ev[i]), FLLM_OK);
		for (int i = 0; i < 2; i++) {
			uint8_t *out = malloc(k[i].out_len);

			CU_ASSERT_FATAL(out != NULL);
			FLLM_ASSERT_STATUS(fllm_event_wait(ev[i], 30 * LG_SEC), FLLM_OK);
			fllm_event_free(ev[i]);
			fllm_cmdlist_free(cl[i]);
			FLLM_ASSERT_STATUS(lg_card_read_out(&k[i], out), FLLM_OK);
			CU_ASSERT(lg_card_compare(&k[i].p, out, want[i], 1,
						  i ? "second card" : "first card") == 0);
			free(out);
		}
	}
	for (int i = 0; i < 2; i++) {
		lg_card_free(&k[i]);
		lg_case_free(&c[i]);
		free(want[i]);
	}
	fllm_device_close(dev2);
}

/*
 * The emulated unit keeps matrices prepared for the host kernel between
 * commands (runtime/backends/emu/emu_fastlg.c): the same command twice, then
 * again after the weights were rewritten in card memory, and after a
 * rewrite of one byte, must give the reference's outputs for what card
 * memory holds each time.
 */
static void test_agree_rewritten(void)
{
	struct lg_shape s = { 64, 256, 32, 4, 1, 1, 4 };
	struct lg_case c;
	struct lg_card k;
	fllm_cmd_result res;
	struct ref_peaks pk;
	uint64_t rng = 41;
	float *want;
	uint8_t *out;

	CU_ASSERT_FATAL(lg_case_init_random(&c, &s, 77, 78) == 0);
	want = malloc((uint64_t)c.p.n_tokens * c.p.m * sizeof(*want));
	CU_ASSERT_FATAL(want != NULL);
	FLLM_ASSERT_STATUS(lg_card_init(&k, lg_dev, &c, 0), FLLM_OK);
	out = malloc(k.out_len);
	CU_ASSERT_FATAL(out != NULL);
	for (int round = 0; round < 4; round++) {
		if (round >= 2) {
			/* round 2: every slice byte anew; round 3: one byte of slice 1 */
			for (uint32_t sl = 0; sl < c.p.slices; sl++) {
				uint64_t n = fllm_lutgemm_slice_bytes(&c.p, sl);
				uint8_t *rec = c.mem + c.p.slice_addr[sl];

				for (uint64_t i = 0; i < n; i++)
					if (round == 2 || (sl == 1 && i == n / 2))
						rec[i] ^= (uint8_t)(rng = rng * 6364136223846793005ull +
									   1442695040888963407ull) | 1;
				FLLM_ASSERT_STATUS(fllm_bo_write(k.slice[sl], k.slice_off[sl], rec, n),
						   FLLM_OK);
			}
		}
		ref_lutgemm(c.mem, &c.p, want, &pk);
		FLLM_ASSERT_STATUS(lg_card_fill_out(&k), FLLM_OK);
		FLLM_ASSERT_STATUS(lg_card_run(&k, sizeof(k.p), &res), FLLM_OK);
		FLLM_ASSERT_STATUS(res.card_status, FLLM_CARD_OK);
		FLLM_ASSERT_STATUS(lg_card_read_out(&k, out), FLLM_OK);
		CU_ASSERT(lg_card_compare(&k.p, out, want, 1, "rewritten weights") == 0);
	}
	free(out);
	free(want);
	lg_card_free(&k);
	lg_case_free(&c);
}

CU_TestInfo lg_card_agree_tests[] = {
	{ "every g and q, random shapes", test_agree_shapes },
	{ "M = 1, K = 172, 32 slices, tiles", test_agree_edges },
	{ "fp32 packed by the public helpers", test_agree_packed },
	{ "two card models at once", test_agree_two_cards },
	{ "weights rewritten between commands", test_agree_rewritten },
	CU_TEST_INFO_NULL,
};
