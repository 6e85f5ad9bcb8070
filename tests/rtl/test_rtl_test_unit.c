/*
 * The RTL test unit (sim/rtl/test) against the golden model
 * (hls/test_unit.c): FILL images and CHECK counts bit for bit for every
 * pattern over ranges aligned and not to a beat, across 4 KB boundaries
 * and empty; SPIN's duration; a SPIN that never ends and the unit after it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fllm_hls_test.h"
#include "fllm_rtl.h"
#include "rtl_tests.h"
#include "test_main.h"
#include "test_rng.h"

#define TU_MEM	(256u * 1024)	/* card memory of every case */

static struct fllm_rtl_unit *tu;

/* Random image bytes from seed (splitmix64). */
static void tu_fill_random(uint8_t *mem, uint64_t bytes, uint64_t seed)
{
	for (uint64_t i = 0; i < bytes; i += 8) {
		uint64_t z = fllm_rng_next(&seed);

		memcpy(mem + i, &z, 8);
	}
}

/* A card image of random bytes from seed; the caller frees it. */
static uint8_t *tu_image(uint64_t seed)
{
	uint8_t *img = malloc(TU_MEM);

	if (img)
		tu_fill_random(img, TU_MEM, seed);
	return img;
}

/*
 * Run args on the golden model and on the RTL, each on its own copy of img
 * (TU_MEM bytes, which may be NULL after a failed allocation: a failure);
 * 0 when the images, the results and the status agree. *cycles: the RTL's
 * count; *result: the command's result.
 */
static int tu_diff(const struct fllm_cmd_test *a, const uint8_t *img, uint64_t *cycles,
		   uint64_t *result)
{
	uint8_t *gold = malloc(TU_MEM), *rtl = malloc(TU_MEM);
	uint64_t arg[FLLM_RTL_ARGS] = { a->op, a->addr, a->bytes, a->pattern, a->seed, 0 };
	uint64_t gres = 0, rres = 0;
	struct fllm_rtl_stats st;
	uint16_t status = 1;
	int bad = 1, rc;

	if (!img || !gold || !rtl)
		goto out;
	memcpy(gold, img, TU_MEM);
	memcpy(rtl, img, TU_MEM);
	fllm_hls_test_unit((uint64_t *)gold, a, &gres);
	rc = fllm_rtl_unit_run(tu, rtl, TU_MEM, arg, 10000000, &status, &rres, &st);
	if (rc || status || rres != gres || st.bad_accesses || memcmp(gold, rtl, TU_MEM)) {
		uint64_t at = 0;

		while (at < TU_MEM && gold[at] == rtl[at])
			at++;
		printf("\n  op %" PRIu64 " addr %" PRIu64 " bytes %" PRIu64 " pattern %" PRIu64
		       " seed %" PRIu64 ": rc %d status %u result rtl %" PRIu64 " golden %" PRIu64
		       ", %" PRIu64 " bad accesses",
		       a->op, a->addr, a->bytes, a->pattern, a->seed, rc, status, rres, gres,
		       st.bad_accesses);
		if (at < TU_MEM)
			printf(", first differing byte %" PRIu64 ": rtl 0x%02x golden 0x%02x", at,
			       rtl[at], gold[at]);
		printf("\n");
		goto out;
	}
	if (cycles)
		*cycles = st.cycles;
	if (result)
		*result = rres;
	bad = 0;
out:
	free(gold);
	free(rtl);
	return bad;
}

/* tu_diff on a random image from img_seed. */
static int tu_diff_random(const struct fllm_cmd_test *a, uint64_t img_seed, uint64_t *cycles)
{
	uint8_t *img = tu_image(img_seed);
	int bad = tu_diff(a, img, cycles, NULL);

	free(img);
	return bad;
}

/* Ranges: beat-aligned or not at either end, within one line, across 4 KB, empty. */
static const struct { uint64_t addr, bytes; } ranges[] = {
	{ 0, 64 }, { 8, 8 }, { 8, 48 }, { 64, 4096 }, { 4088, 16 }, { 4000, 9000 },
	{ 1024, 0 }, { 72, 65536 + 56 }, { TU_MEM - 128, 128 }, { 0, TU_MEM },
};
#define N_RANGES (sizeof(ranges) / sizeof(ranges[0]))

/* The command op over ranges[r] with pattern pat and seed. */
static struct fllm_cmd_test tu_range_cmd(uint64_t op, uint32_t r, uint64_t pat, uint64_t seed)
{
	struct fllm_cmd_test a = { .op = op, .addr = ranges[r].addr, .bytes = ranges[r].bytes,
				   .pattern = pat, .seed = seed };

	return a;
}

static void test_fill(void)
{
	uint32_t bad = 0;

	for (uint64_t pat = FLLM_PAT_CONST; pat <= FLLM_PAT_PRNG; pat++)
		for (uint32_t r = 0; r < N_RANGES; r++) {
			struct fllm_cmd_test a = tu_range_cmd(FLLM_TEST_FILL, r, pat,
							      0x1234567890abcdefull * (r + 1));

			bad += (uint32_t)tu_diff_random(&a, r * 7 + pat, NULL);
		}
	FLLM_ASSERT_EQ_U64(bad, 0);
}

/* CHECK over an image with the pattern written and a few words changed. */
static void test_check(void)
{
	uint32_t bad = 0;

	for (uint64_t pat = FLLM_PAT_CONST; pat <= FLLM_PAT_PRNG; pat++)
		for (uint32_t r = 0; r < N_RANGES; r++) {
			struct fllm_cmd_test a = tu_range_cmd(FLLM_TEST_CHECK, r, pat, 99 + r);
			struct fllm_cmd_test f = a;
			uint8_t *img = tu_image(r);
			uint64_t fill_res, mismatches = 0;

			CU_ASSERT_FATAL(img != NULL);
			f.op = FLLM_TEST_FILL;
			fllm_hls_test_unit((uint64_t *)img, &f, &fill_res);
			/* break one word in three of the first few, and the last */
			for (uint64_t w = 0; w < a.bytes / 8 && w < 12; w += 3)
				img[a.addr + 8 * w + (w % 8)] ^= 0x40;
			if (a.bytes)
				img[a.addr + a.bytes - 1] ^= 1;
			if (tu_diff(&a, img, NULL, &mismatches) || (a.bytes >= 8 && !mismatches)) {
				printf("\n  CHECK pattern %" PRIu64 " addr %" PRIu64 " bytes %" PRIu64
				       ": %" PRIu64 " mismatches\n", pat, a.addr, a.bytes,
				       mismatches);
				bad++;
			}
			free(img);
		}
	FLLM_ASSERT_EQ_U64(bad, 0);
}

/* FILL and CHECK stream about one beat per cycle at HBM rate. */
static void test_rate(void)
{
	struct fllm_cmd_test a = { .op = FLLM_TEST_FILL, .addr = 0, .bytes = TU_MEM,
				   .pattern = FLLM_PAT_PRNG, .seed = 5 };
	uint64_t cycles = 0, beats = TU_MEM / 64;

	CU_ASSERT_FATAL(tu_diff_random(&a, 1, &cycles) == 0);
	printf("\n  FILL of %u KiB: %" PRIu64 " cycles (%.2f per beat)", TU_MEM / 1024, cycles,
	       (double)cycles / (double)beats);
	/* the channel gives 47.9 B/cycle: 1.34 cycles per beat, plus latency */
	CU_ASSERT(cycles >= beats && cycles < beats * 3 / 2 + 200);
	a.op = FLLM_TEST_CHECK;
	CU_ASSERT_FATAL(tu_diff_random(&a, 1, &cycles) == 0);
	CU_ASSERT(cycles >= beats && cycles < beats * 3 / 2 + 200);
}

/* SPIN takes its seed in cycles; ~0 never ends, and the unit is fine after a reset. */
static void test_spin(void)
{
	uint64_t arg[FLLM_RTL_ARGS] = { FLLM_TEST_SPIN, 0, 0, 0, 5000, 0 };
	uint8_t mem[64] = { 0 };
	struct fllm_rtl_stats st;
	uint64_t res = 1;
	uint16_t status = 1;
	struct fllm_cmd_test a = { .op = FLLM_TEST_FILL, .addr = 64, .bytes = 4096,
				   .pattern = FLLM_PAT_ADDRESS, .seed = 3 };

	CU_ASSERT_FATAL(fllm_rtl_unit_run(tu, mem, sizeof(mem), arg, 100000, &status, &res,
					  &st) == 0);
	CU_ASSERT(status == 0 && res == 0);
	CU_ASSERT(st.cycles >= 5000 && st.cycles <= 5010);
	arg[4] = UINT64_MAX;
	CU_ASSERT(fllm_rtl_unit_run(tu, mem, sizeof(mem), arg, 200000, &status, &res, &st) ==
		  -ETIMEDOUT);
	CU_ASSERT(tu_diff_random(&a, 3, NULL) == 0);
}

CU_TestInfo rtl_test_unit_tests[] = {
	{ "FILL: every pattern and range, image bit for bit", test_fill },
	{ "CHECK: mismatch counts as the golden model", test_check },
	{ "FILL/CHECK stream at the channel's rate", test_rate },
	{ "SPIN: its cycles; forever until reset", test_spin },
	CU_TEST_INFO_NULL,
};

/* Registered by test_rtl.c. */
int rtl_test_unit_open(void)
{
	return rtl_ref_unit(FLLM_CU_TEST, &tu) ? -1 : 0;
}

int rtl_test_unit_close(void)
{
	return rtl_ref_unit_close(&tu);
}
