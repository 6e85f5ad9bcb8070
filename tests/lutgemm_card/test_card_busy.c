/*
 * Per-unit busy counters (FLLM_REG_CU_BUSY, interface 1.1) of the emulated
 * card: every command adds exactly its unit's modeled cycles (the cycle
 * model of hls/) to that unit's counter and nothing to the others, never
 * more than its completion's cycles (which add the firmware's polling
 * delay); units that ran nothing stay at zero. LUT-GEMM's weight counter
 * rises by the matrix's row records, once per command, and its arithmetic
 * counter (TEL_LUT_OPS) by the command's lookups and table entries; the
 * test unit's commands count no arithmetic.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fllm_hls_test.h"
#include "fllm_lutgemm_unit.h"
#include "lg_card.h"
#include "lg_card_tests.h"
#include "test_main.h"

/* The card model's inventory: test, LUT-GEMM, vector, attention. */
#define SLOT_TEST		0u
#define SLOT_LUTGEMM	1u
#define N_SLOTS	4u

/* Busy counters now; asserts the card reports one per inventory unit. */
static void busy_now(fllm_telemetry *t)
{
	fllm_device_info info;

	FLLM_ASSERT_STATUS(fllm_device_info_get(lg_dev, &info), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_device_telemetry(lg_dev, t), FLLM_OK);
	FLLM_ASSERT_EQ_U64(info.cu_count, N_SLOTS);
	FLLM_ASSERT_EQ_U64(t->cu_busy_count, info.cu_count);
}

/* Unit `unit` rose by want, every other one stayed; want <= the completion's cycles. */
static void expect_delta(const fllm_telemetry *a, const fllm_telemetry *b, uint32_t unit,
			 uint64_t want, const fllm_cmd_result *res, const char *what)
{
	fprintf(stderr, "  %s: unit %u busy +%" PRIu64 " cycles (model %" PRIu64
		"), completion %" PRIu64 "\n", what, unit,
		b->cu_busy_cycles[unit] - a->cu_busy_cycles[unit], want, res->cycles);
	for (uint32_t i = 0; i < N_SLOTS; i++)
		FLLM_ASSERT_EQ_U64(b->cu_busy_cycles[i] - a->cu_busy_cycles[i],
				   i == unit ? want : 0);
	CU_ASSERT(want <= res->cycles);
}

/* Submit cl's one command, wait, fetch its result (it must succeed) and reset cl. */
static void run_one(fllm_cmdlist *cl, fllm_cmd_result *res)
{
	fllm_event *ev = NULL;

	FLLM_ASSERT_STATUS(fllm_cmdlist_submit(cl, &ev), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_event_wait(ev, 30 * LG_SEC), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_event_result(ev, 0, res), FLLM_OK);
	FLLM_ASSERT_STATUS(res->card_status, FLLM_CARD_OK);
	fllm_event_free(ev);
	fllm_cmdlist_reset(cl);
}

/* A fresh card's counters are zero; SPIN and FILL on the test unit, then a LUT-GEMM. */
static void test_busy_per_unit(void)
{
	static const struct lg_shape s = { 300, 4096, 128, 4, 1, 1, 8 };
	struct fllm_cmd_test fill = { .op = FLLM_TEST_FILL, .bytes = 1u << 20 };
	fllm_telemetry t0, t1, t2, t3;
	fllm_cmd_result res;
	fllm_cmdlist *cl;
	struct lg_card k;
	struct lg_case c;
	uint64_t rng = 11;
	fllm_bo *bo;

	busy_now(&t0);
	for (uint32_t i = 0; i < N_SLOTS; i++)
		FLLM_ASSERT_EQ_U64(t0.cu_busy_cycles[i], 0);
	FLLM_ASSERT_STATUS(fllm_cmdlist_create(lg_dev, &cl), FLLM_OK);

	FLLM_ASSERT_STATUS(fllm_cmdlist_spin(cl, 30000, 0), FLLM_OK);
	run_one(cl, &res);
	busy_now(&t1);
	expect_delta(&t0, &t1, SLOT_TEST, 30000, &res, "SPIN 30000");

	FLLM_ASSERT_STATUS(fllm_bo_alloc(lg_dev, fill.bytes, NULL, &bo), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_fill(cl, bo, 0, fill.bytes, FLLM_PATTERN_PRNG, 5),
			   FLLM_OK);
	run_one(cl, &res);
	busy_now(&t2);
	expect_delta(&t1, &t2, SLOT_TEST, fllm_hls_test_cycles(&fill), &res, "FILL 1 MiB");

	CU_ASSERT_FATAL(lg_case_init(&c, &s, 4242) == 0);
	lg_case_randomize(&c, &rng);
	CU_ASSERT_FATAL(lg_card_init(&k, lg_dev, &c, 0) == FLLM_OK);
	busy_now(&t2);
	FLLM_ASSERT_STATUS(lg_card_run(&k, sizeof(k.p), &res), FLLM_OK);
	FLLM_ASSERT_STATUS(res.card_status, FLLM_CARD_OK);
	busy_now(&t3);
	expect_delta(&t2, &t3, SLOT_LUTGEMM, fllm_lutgemm_cycles(&k.p), &res, "LUT-GEMM");
	FLLM_ASSERT_EQ_U64(t3.weight_bytes - t2.weight_bytes, (uint64_t)k.p.m * k.p.row_bytes);
	/* 300 rows x 512 chunks x the planes' lookups + 2 tiles x 512 chunks x 256 entries */
	FLLM_ASSERT_EQ_U64(t3.lut_ops - t2.lut_ops, fllm_lutgemm_lut_ops(&k.p));
	FLLM_ASSERT_EQ_U64(fllm_lutgemm_lut_ops(&k.p),
			   300ull * 512 * k.p.planes + 2ull * 512 * 256);
	FLLM_ASSERT_EQ_U64(t2.lut_ops, 0);
	FLLM_ASSERT_EQ_U64(t3.macs + t3.vec_ops, 0);
	/* the vector and attention units ran nothing: still zero */
	FLLM_ASSERT_EQ_U64(t3.cu_busy_cycles[2], 0);
	FLLM_ASSERT_EQ_U64(t3.cu_busy_cycles[3], 0);
	/* the card's kernel clock ran at least as long as all units together */
	CU_ASSERT(t3.cycles - t0.cycles >= t3.cu_busy_cycles[SLOT_TEST] +
					   t3.cu_busy_cycles[SLOT_LUTGEMM]);
	lg_card_free(&k);
	lg_case_free(&c);
	fllm_bo_free(bo);
	fllm_cmdlist_free(cl);
}

/* A reset clears every counter. */
static void test_busy_reset(void)
{
	fllm_telemetry t;
	fllm_cmdlist *cl;
	fllm_cmd_result res;

	FLLM_ASSERT_STATUS(fllm_cmdlist_create(lg_dev, &cl), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_spin(cl, 1000, 0), FLLM_OK);
	run_one(cl, &res);
	busy_now(&t);
	CU_ASSERT(t.cu_busy_cycles[SLOT_TEST] >= 1000);
	FLLM_ASSERT_STATUS(fllm_device_reset(lg_dev), FLLM_OK);
	busy_now(&t);
	for (uint32_t i = 0; i < N_SLOTS; i++)
		FLLM_ASSERT_EQ_U64(t.cu_busy_cycles[i], 0);
	FLLM_ASSERT_EQ_U64(t.lut_ops + t.macs + t.vec_ops, 0);
	fllm_cmdlist_free(cl);
}

CU_TestInfo lg_card_busy_tests[] = {
	{ "busy cycles per unit = modeled cycles", test_busy_per_unit },
	{ "reset clears the busy counters", test_busy_reset },
	CU_TEST_INFO_NULL,
};
