/*
 * The placement DP (runtime/engine/sched/plan.c) against brute force: on
 * thousands of random tables of 1-6 units (random sizes, KV, times,
 * boundary costs, allowed places, budgets, fixed bytes) the DP's time
 * equals the best of all 3^n placements, its plan costs what it says and
 * fits the budget, and "nothing fits" comes exactly when no placement
 * fits, with the smallest footprint named. Then large random tables with
 * the automatic quantum (never over budget, never better than the optimum),
 * hand-made cases whose answer is known (streaming with its staging area,
 * a boundary transfer that keeps a unit on the card) and malformed tables.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "plan.h"
#include "test_main.h"
#include "test_rng.h"

#define BF_MAX 8

/* Best time over every allowed placement that fits; INFINITY when none does. */
static double brute_force(const struct sched_problem *pb, uint64_t *min_bytes)
{
	enum sched_place place[BF_MAX];
	uint32_t total = 1;
	double best = INFINITY;

	*min_bytes = UINT64_MAX;
	for (uint32_t i = 0; i < pb->n_units; i++)
		total *= SCHED_PLACES;
	for (uint32_t code = 0; code < total; code++) {
		uint32_t c = code;
		uint64_t bytes;
		int ok = 1;
		double t;

		for (uint32_t i = 0; i < pb->n_units; i++) {
			place[i] = (enum sched_place)(c % SCHED_PLACES);
			c /= SCHED_PLACES;
			ok &= (pb->unit[i].allow >> place[i]) & 1;
		}
		if (!ok)
			continue;
		t = sched_plan_eval(pb, place, &bytes);
		if (bytes < *min_bytes)
			*min_bytes = bytes;
		if (bytes <= pb->budget && t < best)
			best = t;
	}
	return best;
}

static void random_units(uint64_t *s, struct sched_unit_cost *u, uint32_t n, uint64_t scale)
{
	static const uint32_t masks[] = { SCHED_ALLOW_ALL, SCHED_ALLOW_ALL, SCHED_ALLOW_ALL,
					  SCHED_ALLOW_CARD, SCHED_ALLOW_CPU,
					  SCHED_ALLOW_RESIDENT, SCHED_ALLOW_STREAMED,
					  SCHED_ALLOW_CPU | SCHED_ALLOW_STREAMED };

	for (uint32_t i = 0; i < n; i++) {
		memset(&u[i], 0, sizeof(u[i]));
		u[i].kind = (enum sched_unit_kind)(i % 2);
		u[i].layer = i / 2;
		u[i].allow = masks[fllm_rng_next(s) % 8];
		u[i].weight_bytes = fllm_rng_next(s) % (60 * scale + 1);
		u[i].kv_bytes = fllm_rng_next(s) % 3 ? 0 : fllm_rng_next(s) % (20 * scale + 1);
		u[i].t_cpu = test_rng_unit(s);
		u[i].t_card = test_rng_unit(s) * 0.6;
		u[i].t_stream = u[i].t_card + test_rng_unit(s) * 0.5;
		u[i].t_in = test_rng_unit(s) * 0.2;
	}
}

/* Check a solved plan against its problem: consistent, within budget, allowed. */
static void check_plan(const struct sched_problem *pb, const struct sched_plan *plan)
{
	enum sched_place place[128];
	uint64_t bytes;
	double t;

	CU_ASSERT_EQUAL_FATAL(plan->n_units, pb->n_units);
	CU_ASSERT_FATAL(pb->n_units <= sizeof(place) / sizeof(place[0]));
	for (uint32_t i = 0; i < pb->n_units; i++) {
		place[i] = plan->unit[i].place;
		CU_ASSERT((pb->unit[i].allow >> place[i]) & 1);
		CU_ASSERT_EQUAL(plan->unit[i].layer, pb->unit[i].layer);
	}
	t = sched_plan_eval(pb, place, &bytes);
	CU_ASSERT_DOUBLE_EQUAL(plan->t_step, t, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(plan->t_token, t / pb->tokens, 1e-12);
	FLLM_ASSERT_EQ_U64(plan->card_bytes, bytes);
	CU_ASSERT(plan->card_bytes <= pb->budget);
	if (plan->card_bytes > pb->budget)
		printf("\nplan uses %llu bytes of a %llu budget\n",
		       (unsigned long long)plan->card_bytes, (unsigned long long)pb->budget);
}

static void test_dp_equals_brute_force(void)
{
	uint64_t s = 0x5c4ed01u;
	uint32_t fits = 0, refused = 0;

	for (uint32_t iter = 0; iter < 4000; iter++) {
		struct sched_unit_cost u[6];
		struct sched_problem pb = { 0 };
		struct sched_plan plan;
		uint64_t min_bytes;
		double best;
		fllm_status st;

		pb.n_units = 1 + (uint32_t)(fllm_rng_next(&s) % 6);
		random_units(&s, u, pb.n_units, 1);
		pb.unit = u;
		pb.budget = fllm_rng_next(&s) % 320;
		pb.fixed_bytes = fllm_rng_next(&s) % 30;
		pb.t_out = test_rng_unit(&s) * 0.2;
		pb.quantum = 1;
		pb.tokens = 1 + (uint32_t)(fllm_rng_next(&s) % 4);
		best = brute_force(&pb, &min_bytes);
		st = sched_plan_solve(&pb, &plan);
		if (best == INFINITY) {
			FLLM_ASSERT_STATUS(st, FLLM_E_NO_CARD_MEMORY);
			refused++;
		} else {
			FLLM_ASSERT_STATUS(st, FLLM_OK);
			if (st == FLLM_OK) {
				check_plan(&pb, &plan);
				CU_ASSERT_DOUBLE_EQUAL(plan.t_step, best, 1e-12);
				if (fabs(plan.t_step - best) > 1e-12)
					printf("\ncase %u: DP %.15g, brute force %.15g\n", iter,
					       plan.t_step, best);
			}
			fits++;
		}
		FLLM_ASSERT_EQ_U64(plan.min_card_bytes, min_bytes);
		sched_plan_free(&plan);
	}
	/* the draws cover both outcomes */
	CU_ASSERT(fits > 1000);
	CU_ASSERT(refused > 100);
}

/* Large sizes, the automatic quantum: never over budget, never better than optimal. */
static void test_auto_quantum_budget(void)
{
	uint64_t s = 0xb0d9e7u;
	uint32_t refused = 0;

	for (uint32_t iter = 0; iter < 300; iter++) {
		struct sched_unit_cost u[7];
		struct sched_problem pb = { 0 };
		struct sched_plan plan;
		uint64_t min_bytes;
		double best;
		fllm_status st;

		pb.n_units = 1 + (uint32_t)(fllm_rng_next(&s) % 7);
		random_units(&s, u, pb.n_units, 1000003);	/* up to 60 MB, not 4K multiples */
		pb.unit = u;
		pb.budget = fllm_rng_next(&s) % (320ull * 1000003);
		pb.fixed_bytes = fllm_rng_next(&s) % (30ull * 1000003);
		pb.tokens = 1;
		best = brute_force(&pb, &min_bytes);
		st = sched_plan_solve(&pb, &plan);
		if (st == FLLM_OK) {
			check_plan(&pb, &plan);
			CU_ASSERT(plan.t_step >= best - 1e-12);
		} else {
			FLLM_ASSERT_STATUS(st, FLLM_E_NO_CARD_MEMORY);
			/* rounding to quanta (each unit's bytes and the budget) may only
			 * refuse a budget within n + 1 quanta of the smallest footprint */
			uint64_t q = pb.budget / 16384 + (pb.budget % 16384 != 0);

			q = q ? (q + 63) & ~(uint64_t)63 : 64;
			CU_ASSERT(best == INFINITY || min_bytes + (pb.n_units + 1) * q > pb.budget);
			refused += best != INFINITY;
		}
		sched_plan_free(&plan);
	}
	CU_ASSERT(refused < 10);	/* the quantum is fine enough to be rare */
}

/*
 * Four equal MLP units of 100 bytes, each 4.0 s on the CPU, 1.0 s resident
 * and 1.5 s streamed, 350 bytes of card memory: all four resident do not
 * fit (400); one resident and three streamed through a 200-byte staging
 * area do (300) and beat every other placement (e.g. all streamed, 6 s;
 * three resident and one on the CPU, 7 s). At 299 bytes that no longer
 * fits: all four are streamed.
 */
static void test_streaming_with_staging(void)
{
	struct sched_unit_cost u[4];
	struct sched_problem pb = { 4, u, 350, 0, 0.01, 1, 1 };
	struct sched_plan plan;
	uint32_t streamed = 0, resident = 0;

	for (uint32_t i = 0; i < 4; i++)
		u[i] = (struct sched_unit_cost){ SCHED_UNIT_MLP, i, SCHED_ALLOW_ALL, 100, 0,
						 4.0, 1.0, 1.5, 0.01 };
	FLLM_ASSERT_STATUS(sched_plan_solve(&pb, &plan), FLLM_OK);
	for (uint32_t i = 0; i < 4; i++) {
		streamed += plan.unit[i].place == SCHED_STREAMED;
		resident += plan.unit[i].place == SCHED_RESIDENT;
	}
	FLLM_ASSERT_EQ_U64(resident, 1);
	FLLM_ASSERT_EQ_U64(streamed, 3);
	FLLM_ASSERT_EQ_U64(plan.staging_bytes, 200);
	FLLM_ASSERT_EQ_U64(plan.card_bytes, 300);
	CU_ASSERT_DOUBLE_EQUAL(plan.t_step, 1.0 + 3 * 1.5 + 0.01 + 0.01, 1e-12);
	sched_plan_free(&plan);
	pb.budget = 299;
	FLLM_ASSERT_STATUS(sched_plan_solve(&pb, &plan), FLLM_OK);
	for (uint32_t i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(plan.unit[i].place, SCHED_STREAMED);
	FLLM_ASSERT_EQ_U64(plan.card_bytes, 200);
	sched_plan_free(&plan);
}

/*
 * The middle unit alone is faster on the CPU (0.9 s vs 1.0 s) but leaving
 * the card and coming back costs 2 x 0.2 s: it stays resident. With free
 * crossings it goes to the CPU.
 */
static void test_boundary_transfer(void)
{
	struct sched_unit_cost u[3] = {
		{ SCHED_UNIT_ATTENTION, 0, SCHED_ALLOW_ALL, 10, 0, 5.0, 1.0, 2.0, 0.2 },
		{ SCHED_UNIT_MLP, 0, SCHED_ALLOW_ALL, 10, 0, 0.9, 1.0, 2.0, 0.2 },
		{ SCHED_UNIT_HEAD, 1, SCHED_ALLOW_ALL, 10, 0, 5.0, 1.0, 2.0, 0.2 },
	};
	struct sched_problem pb = { 3, u, 1000, 0, 0.0, 1, 1 };
	struct sched_plan plan;
	char why[160];

	FLLM_ASSERT_STATUS(sched_plan_solve(&pb, &plan), FLLM_OK);
	CU_ASSERT_EQUAL(plan.unit[1].place, SCHED_RESIDENT);
	sched_plan_reason(&pb, &plan, 1, why, sizeof(why));
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "boundary"));
	sched_plan_reason(&pb, &plan, 0, why, sizeof(why));
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "resident: fits, card 5.0x faster"));
	sched_plan_free(&plan);
	for (uint32_t i = 1; i < 3; i++)
		u[i].t_in = 0.0;
	FLLM_ASSERT_STATUS(sched_plan_solve(&pb, &plan), FLLM_OK);
	CU_ASSERT_EQUAL(plan.unit[1].place, SCHED_CPU);
	sched_plan_free(&plan);
}

/* Card only, nothing fits: the error and the smallest footprint. */
static void test_impossible(void)
{
	struct sched_unit_cost u[2] = {
		{ SCHED_UNIT_ATTENTION, 0, SCHED_ALLOW_CARD, 1000, 64, 1, 1, 1, 0 },
		{ SCHED_UNIT_MLP, 0, SCHED_ALLOW_CARD, 3000, 0, 1, 1, 1, 0 },
	};
	/* smallest: both resident 4064 + 16 fixed; streaming both needs 6000 + 64 */
	struct sched_problem pb = { 2, u, 4079, 16, 0, 1, 1 };
	struct sched_plan plan;

	FLLM_ASSERT_STATUS(sched_plan_solve(&pb, &plan), FLLM_E_NO_CARD_MEMORY);
	FLLM_ASSERT_EQ_U64(plan.min_card_bytes, 4080);
	CU_ASSERT_PTR_NULL(plan.unit);
	pb.budget = 4080;
	FLLM_ASSERT_STATUS(sched_plan_solve(&pb, &plan), FLLM_OK);
	FLLM_ASSERT_EQ_U64(plan.card_bytes, 4080);
	sched_plan_free(&plan);
	sched_plan_free(NULL);
}

/* Malformed tables: each breaks one field of a valid one. */
static void test_malformed(void)
{
	struct sched_unit_cost good = { SCHED_UNIT_MLP, 0, SCHED_ALLOW_ALL, 10, 0, 1, 1, 1, 0 };
	struct sched_unit_cost u;
	struct sched_problem pb = { 1, &u, 100, 0, 0, 1, 1 };
	struct sched_plan plan;

	u = good;
	FLLM_ASSERT_STATUS(sched_plan_solve(&pb, &plan), FLLM_OK);
	sched_plan_free(&plan);
	for (int c = 0; c < 8; c++) {
		u = good;
		pb.n_units = 1;
		pb.tokens = 1;
		pb.t_out = 0;
		switch (c) {
		case 0: u.allow = 0; break;
		case 1: u.allow = 8; break;
		case 2: u.t_cpu = NAN; break;
		case 3: u.t_card = -1; break;
		case 4: u.t_stream = INFINITY; break;
		case 5: u.t_in = -0.5; break;
		case 6: pb.tokens = 0; break;
		case 7: pb.n_units = 0; break;
		}
		FLLM_ASSERT_STATUS(sched_plan_solve(&pb, &plan), FLLM_E_INVALID_ARG);
	}
}

/*
 * A 7B-shaped table (32 layers of attention 4 x 4096 x 4096 and MLP
 * 3 x 4096 x 11008 at about 3.3 bits per weight, a 32000-row head, 2048
 * positions of KV): all resident at 16 GiB, mostly streamed at 1 GiB, never
 * over budget; prints the solve time (docs/scheduler.md "Measured").
 */
static void test_seven_b_shaped(void)
{
	struct sched_unit_cost u[65];

	for (uint32_t i = 0; i < 65; i++) {
		int head = i == 64, att = !head && i % 2 == 0;
		double w = head ? 32000.0 * 4096 : att ? 4.0 * 4096 * 4096 : 3.0 * 4096 * 11008;

		u[i] = (struct sched_unit_cost){
			head ? SCHED_UNIT_HEAD : att ? SCHED_UNIT_ATTENTION : SCHED_UNIT_MLP,
			i / 2, SCHED_ALLOW_ALL, (uint64_t)(w * 3.3 / 8), att ? 2048ull * 8192 : 0,
			w * 3.3 / 8 / 4e9, w * 3.3 / 8 / 4.6e11 + 1e-5, w * 3.3 / 8 / 12e9 + 2e-6,
			3e-6 };
	}
	for (uint64_t b = 1ull << 30; b <= 16ull << 30; b *= 2) {
		struct sched_problem pb = { 65, u, b, 64ull << 20, 1e-5, 0, 1 };
		struct sched_plan plan;
		struct timespec t0, t1;
		uint32_t res = 0, str = 0;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		FLLM_ASSERT_STATUS(sched_plan_solve(&pb, &plan), FLLM_OK);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (!plan.unit)
			continue;
		check_plan(&pb, &plan);
		for (uint32_t i = 0; i < 65; i++) {
			res += plan.unit[i].place == SCHED_RESIDENT;
			str += plan.unit[i].place == SCHED_STREAMED;
		}
		printf("\n  7B-shaped, budget %2llu GiB: %2u resident, %2u streamed, %.2f ms per "
		       "token, solved in %.3f s", (unsigned long long)(b >> 30), res, str,
		       plan.t_step * 1e3,
		       (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9);
		if (b == 16ull << 30)
			FLLM_ASSERT_EQ_U64(res, 65);
		if (b == 1ull << 30)
			CU_ASSERT(str > 32);
		sched_plan_free(&plan);
	}
	printf("\n");
}

static CU_TestInfo plan_tests[] = {
	{ "dp_equals_brute_force", test_dp_equals_brute_force },
	{ "auto_quantum_budget", test_auto_quantum_budget },
	{ "streaming_with_staging", test_streaming_with_staging },
	{ "boundary_transfer", test_boundary_transfer },
	{ "impossible_budget", test_impossible },
	{ "malformed_tables", test_malformed },
	{ "seven_b_shaped", test_seven_b_shaped },
	CU_TEST_INFO_NULL,
};

int fllm_test_register(void)
{
	return fllm_test_add_suite("sched_plan", NULL, NULL, plan_tests);
}
