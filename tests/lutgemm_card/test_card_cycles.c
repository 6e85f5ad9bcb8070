/*
 * Completion cycles of LUT-GEMM commands on the card model: the card clock
 * stands still while the host runs the C model, then the command takes the
 * cycle model's duration, so a completion reports the model's cycles plus
 * the card thread's polling delay. A memory-bound matrix on 1 slice and on 8
 * slices shows the model's stream term, and both give the same outputs.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fllm_lutgemm_unit.h"
#include "lg_card.h"
#include "lg_card_tests.h"
#include "test_main.h"

/* Polling delay a completion may add: the card thread sleeps 100 us while a
 * unit is busy; allow for a loaded machine (20 ms). */
#define SLACK_US	20000u
/* Runs per command; the smallest completion counts (load spikes only add). */
#define RUNS		3

/* Run c on the card RUNS times; check model <= cycles <= model + slack; outputs into y. */
static uint64_t cycles_of(const struct lg_case *c, uint8_t *y /* (out_len) */,
			  uint64_t *model)
{
	uint64_t slack, best = UINT64_MAX;
	fllm_device_info info;
	fllm_cmd_result res;
	struct lg_card k;

	CU_ASSERT_FATAL(fllm_device_info_get(lg_dev, &info) == FLLM_OK);
	slack = (uint64_t)SLACK_US * info.clock_khz / 1000;
	CU_ASSERT_FATAL(lg_card_init(&k, lg_dev, c, 0) == FLLM_OK);
	*model = fllm_lutgemm_cycles(&k.p);
	for (int i = 0; i < RUNS; i++) {
		FLLM_ASSERT_STATUS(lg_card_run(&k, sizeof(k.p), &res), FLLM_OK);
		FLLM_ASSERT_STATUS(res.card_status, FLLM_CARD_OK);
		CU_ASSERT(res.cycles >= *model);
		if (res.cycles < best)
			best = res.cycles;
	}
	fprintf(stderr, "  M=%u K=%u q=%u slices=%u: model %" PRIu64 " cycles, completion %"
		PRIu64 " (least of %d)\n", k.p.m, k.p.k, k.p.planes, k.p.slices, *model, best,
		RUNS);
	CU_ASSERT(best <= *model + slack);
	FLLM_ASSERT_STATUS(lg_card_read_out(&k, y), FLLM_OK);
	lg_card_free(&k);
	return best;
}

/*
 * K = 4096, g = 128, q = 4 (2496-byte rows), M = 2048: on one slice the
 * model streams 5 MB through one port (about 80k cycles), on 8 slices an
 * eighth of it. The same records give the same outputs either way.
 */
static void test_cycles_slices(void)
{
	struct lg_shape s = { 2048, 4096, 128, 4, 1, 1, 1 };
	struct lg_case one, eight;
	uint64_t m1, m8, rng = 5;
	uint8_t *y1, *y8;
	uint64_t len = 4ull * s.m;

	CU_ASSERT_FATAL(lg_case_init(&one, &s, 808) == 0);
	lg_case_randomize(&one, &rng);
	s.slices = 8;
	CU_ASSERT_FATAL(lg_case_init(&eight, &s, 809) == 0);
	/* the same rows and activations, redistributed over 8 slices */
	for (uint32_t r = 0; r < s.m; r++)
		memcpy(eight.mem + lg_case_row(&eight, r), one.mem + lg_case_row(&one, r),
		       one.p.row_bytes);
	memcpy(eight.mem + eight.p.act_addr, one.mem + one.p.act_addr,
	       fllm_lutgemm_act_bytes(s.k, s.g));
	y1 = malloc(len);
	y8 = malloc(len);
	CU_ASSERT_FATAL(y1 && y8);
	cycles_of(&one, y1, &m1);
	cycles_of(&eight, y8, &m8);
	CU_ASSERT(m1 > 7 * (m8 - FLLM_LUTGEMM_OVERHEAD_CYCLES));
	CU_ASSERT(memcmp(y1, y8, len) == 0);
	free(y8);
	free(y1);
	lg_case_free(&eight);
	lg_case_free(&one);
}

/* Small commands: the model's fixed parts dominate; still model <= cycles. */
static void test_cycles_small(void)
{
	static const struct lg_shape shapes[] = {
		{ 1, 172, 32, 4, 1, 1, 1 },
		{ 300, 172, 16, 8, 0, 32, 32 },
	};

	for (uint32_t i = 0; i < 2; i++) {
		struct lg_case c;
		uint64_t model, rng = i;
		uint8_t *y;

		CU_ASSERT_FATAL(lg_case_init(&c, &shapes[i], 70 + i) == 0);
		lg_case_randomize(&c, &rng);
		y = malloc((uint64_t)(c.p.n_tokens - 1) * c.p.out_stride + 4ull * c.p.m);
		CU_ASSERT_FATAL(y != NULL);
		cycles_of(&c, y, &model);
		free(y);
		lg_case_free(&c);
	}
}

/*
 * A 10 us budget on a command the model gives about 20000 cycles (67 us):
 * the watchdog resets the unit; the same block then runs to completion.
 */
static void test_cycles_watchdog(void)
{
	static const struct lg_shape s = { 512, 4096, 128, 4, 1, 1, 1 };
	struct fllm_cmd cmd = { .opcode = FLLM_OP_LUTGEMM, .timeout_us = 10 };
	struct fllm_cmd_cu a = { 0 };
	fllm_cmd_result res;
	struct lg_card k;
	struct lg_case c;
	uint64_t rng = 17;

	CU_ASSERT_FATAL(lg_case_init(&c, &s, 1717) == 0);
	lg_case_randomize(&c, &rng);
	CU_ASSERT_FATAL(lg_card_init(&k, lg_dev, &c, 0) == FLLM_OK);
	CU_ASSERT(fllm_lutgemm_cycles(&k.p) > 6 * 3000);
	a.params = fllm_bo_card_addr(k.params) + k.params_off;
	a.params_bytes = sizeof(k.p);
	memcpy(cmd.arg, &a, sizeof(a));
	lg_card_raw_expect(&cmd, FLLM_E_WATCHDOG, &res);
	FLLM_ASSERT_STATUS(res.card_status, FLLM_CARD_ERR_WATCHDOG);
	FLLM_ASSERT_STATUS(lg_card_run(&k, sizeof(k.p), &res), FLLM_OK);
	FLLM_ASSERT_STATUS(res.card_status, FLLM_CARD_OK);
	CU_ASSERT(res.cycles >= fllm_lutgemm_cycles(&k.p));
	lg_card_free(&k);
	lg_case_free(&c);
}

CU_TestInfo lg_card_cycle_tests[] = {
	{ "watchdog on modeled time", test_cycles_watchdog },
	{ "1 slice vs 8 slices", test_cycles_slices },
	{ "small commands", test_cycles_small },
	CU_TEST_INFO_NULL,
};
