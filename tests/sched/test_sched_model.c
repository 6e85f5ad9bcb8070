/*
 * A model's scheduling problem (runtime/engine/sched/sched_model.c) on the
 * built-in synthetic model and a package written from it: unit sizes are
 * the card's record bytes of each matrix (at the package's own q and g),
 * KV bytes are whole blocks of the context; budgets from nothing to
 * everything move the plan from all-CPU through mixed to all-resident,
 * never over budget; --card-layers, a card-only plan that does not fit, a
 * host too small and bad options give what docs/scheduler.md says.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fllm/fllm_model.h"
#include "fllm/fllm_package.h"
#include "fllm_card_attention.h"
#include "fllm_card_lutgemm.h"
#include "fllm_card_vector.h"
#include "sched_model.h"
#include "test_main.h"

static fllm_model *g_model;
static struct sched_cost g_cost;

/* The reference card without its per-command cost, so that even the tiny
 * synthetic model's units are faster on the card than on the host. */
static int suite_init(void)
{
	if (fllm_model_open_synthetic(7, &g_model) != FLLM_OK ||
	    sched_cost_reference(4, 32, &g_cost) != FLLM_OK)
		return 1;
	g_cost.card_command = 0;
	return 0;
}

static int suite_fini(void)
{
	fllm_model_free(g_model);
	g_model = NULL;
	return fllm_live_handles() != 0;
}

static struct sched_options opts(void)
{
	struct sched_options o = { 0 };

	o.tokens = 1;
	o.seqs = 1;
	o.n_ctx = 64;
	o.positions = 32;
	o.card_layers = -1;
	return o;
}

static uint64_t mat(uint32_t rows, uint32_t cols, uint32_t g, uint32_t q)
{
	return (uint64_t)rows * fllm_lutgemm_row_bytes(cols, g, q);
}

/* Check the unit table of a model with info mi at q, g. */
static void check_units(const fllm_model_info *mi, const struct sched_problem *pb, uint32_t g,
			uint32_t q)
{
	uint32_t kvd = mi->n_kv_heads * mi->head_dim, qd = mi->n_heads * mi->head_dim;
	uint64_t norm = fllm_vector_weight_bytes(mi->dim);
	uint64_t attn = norm + mat(qd, mi->dim, g, q) + 2 * mat(kvd, mi->dim, g, q) +
			mat(mi->dim, qd, g, q);
	uint64_t mlp = norm + 2 * mat(mi->hidden_dim, mi->dim, g, q) +
		       mat(mi->dim, mi->hidden_dim, g, q);
	uint64_t kv = 4 * fllm_attention_block_bytes(mi->n_kv_heads, 16, mi->head_dim);

	FLLM_ASSERT_EQ_U64(pb->n_units, 2 * mi->n_layers + 1);
	for (uint32_t l = 0; l < mi->n_layers; l++) {
		const struct sched_unit_cost *a = &pb->unit[2 * l], *m = &pb->unit[2 * l + 1];

		CU_ASSERT_EQUAL(a->kind, SCHED_UNIT_ATTENTION);
		CU_ASSERT_EQUAL(m->kind, SCHED_UNIT_MLP);
		FLLM_ASSERT_EQ_U64(a->layer, l);
		FLLM_ASSERT_EQ_U64(a->weight_bytes, attn);
		FLLM_ASSERT_EQ_U64(a->kv_bytes, kv);	/* 64 positions: 4 blocks */
		FLLM_ASSERT_EQ_U64(m->weight_bytes, mlp);
		FLLM_ASSERT_EQ_U64(m->kv_bytes, 0);
	}
	CU_ASSERT_EQUAL(pb->unit[pb->n_units - 1].kind, SCHED_UNIT_HEAD);
	FLLM_ASSERT_EQ_U64(pb->unit[pb->n_units - 1].weight_bytes,
			   norm + mat(mi->vocab_size, mi->dim, g, q));
	for (uint32_t i = 0; i < pb->n_units; i++) {
		const struct sched_unit_cost *u = &pb->unit[i];

		CU_ASSERT(u->t_cpu > 0 && u->t_card > 0 && u->t_in > 0);
		CU_ASSERT(u->t_stream >= u->t_card + g_cost.dma_latency);
		CU_ASSERT(u->t_stream >= (double)u->weight_bytes / g_cost.dma_bandwidth);
	}
}

static void test_units(void)
{
	struct sched_options o = opts();
	struct sched_problem pb;
	struct sched_unit_cost *u;
	fllm_model_info mi;
	char err[256];

	FLLM_ASSERT_STATUS(fllm_model_info_get(g_model, &mi), FLLM_OK);
	FLLM_ASSERT_STATUS(sched_problem_for_model(g_model, &g_cost, &o, &pb, &u, err,
						   sizeof(err)), FLLM_OK);
	check_units(&mi, &pb, 32, 4);
	FLLM_ASSERT_EQ_U64(pb.budget, g_cost.card_memory);
	free(u);
	/* whole layers: one unit per layer, the parts summed */
	o.whole_layers = 1;
	o.bits = 2;
	o.group = 128;
	FLLM_ASSERT_STATUS(sched_problem_for_model(g_model, &g_cost, &o, &pb, &u, err,
						   sizeof(err)), FLLM_OK);
	FLLM_ASSERT_EQ_U64(pb.n_units, mi.n_layers + 1);
	CU_ASSERT_EQUAL(pb.unit[0].kind, SCHED_UNIT_LAYER);
	free(u);
}

/* A package at q = 3, g = 64: its own q and g, not the options', size the units. */
static void test_package_units(void)
{
	char path[] = "/tmp/fllm-sched-XXXXXX", err[256];
	fllm_quant_params qp = { 3, 64, 1, 4 };
	struct sched_options o = opts();
	struct sched_problem pb;
	struct sched_unit_cost *u;
	fllm_tokenizer *tok = NULL;
	fllm_model *pkg = NULL;
	fllm_model_info mi;
	int fd = mkstemp(path);

	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	FLLM_ASSERT_STATUS(fllm_tokenizer_from_model(g_model, &tok, err, sizeof(err)), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_package_write(g_model, tok, &qp, NULL, NULL, path, err,
					      sizeof(err)), FLLM_OK);
	fllm_tokenizer_free(tok);
	FLLM_ASSERT_STATUS(fllm_package_open(path, &pkg, err, sizeof(err)), FLLM_OK);
	unlink(path);
	if (!pkg)
		return;
	FLLM_ASSERT_STATUS(fllm_model_info_get(pkg, &mi), FLLM_OK);
	o.bits = 8;	/* ignored for a package */
	FLLM_ASSERT_STATUS(sched_problem_for_model(pkg, &g_cost, &o, &pb, &u, err, sizeof(err)),
			   FLLM_OK);
	check_units(&mi, &pb, 64, 3);
	free(u);
	fllm_model_free(pkg);
}

/*
 * Budgets from 0 to everything: all CPU below the fixed bytes, mixed plans
 * between, and from a little over the footprint of everything on the card
 * (the DP rounds sizes up to 64 bytes) the plan of an unlimited budget (the
 * budget no longer binds).
 */
static void test_budgets(void)
{
	struct sched_options o = opts();
	struct sched_problem pb;
	struct sched_unit_cost *u;
	struct sched_plan plan, free_plan;
	uint64_t total = 0;
	uint32_t mixed = 0;
	char err[256];

	FLLM_ASSERT_STATUS(sched_problem_for_model(g_model, &g_cost, &o, &pb, &u, err,
						   sizeof(err)), FLLM_OK);
	for (uint32_t i = 0; i < pb.n_units; i++)
		total += pb.unit[i].weight_bytes + pb.unit[i].kv_bytes;
	total += pb.fixed_bytes;
	free(u);
	o.budget = 1ull << 40;
	FLLM_ASSERT_STATUS(sched_plan_for_model(g_model, &g_cost, &o, &free_plan, err,
						sizeof(err)), FLLM_OK);
	for (uint64_t b = 0; b <= total + total / 8; b += total / 64) {
		uint32_t cpu = 0;

		o.budget = b ? b : 1;
		FLLM_ASSERT_STATUS(sched_plan_for_model(g_model, &g_cost, &o, &plan, err,
							sizeof(err)), FLLM_OK);
		CU_ASSERT(plan.card_bytes <= o.budget);
		for (uint32_t i = 0; i < plan.n_units; i++) {
			cpu += plan.unit[i].place == SCHED_CPU;
		}
		if (b < pb.fixed_bytes)
			FLLM_ASSERT_EQ_U64(cpu, plan.n_units);
		if (b >= total + 1024) {	/* rounding: n_units + 1 quanta of 64 bytes */
			CU_ASSERT_DOUBLE_EQUAL(plan.t_step, free_plan.t_step, 1e-15);
			for (uint32_t i = 0; i < plan.n_units; i++)
				CU_ASSERT_EQUAL(plan.unit[i].place, free_plan.unit[i].place);
		}
		mixed += cpu > 0 && cpu < plan.n_units;
		sched_plan_free(&plan);
	}
	CU_ASSERT(mixed > 0);
	for (uint32_t i = 0, res = 0; i < free_plan.n_units; i++) {
		res += free_plan.unit[i].place == SCHED_RESIDENT;
		if (i + 1 == free_plan.n_units)
			CU_ASSERT(res >= free_plan.n_units - 1);	/* the head may stay home */
	}
	sched_plan_free(&free_plan);
}

static void test_card_layers(void)
{
	struct sched_options o = opts();
	struct sched_plan plan;
	fllm_model_info mi;
	char err[256];

	FLLM_ASSERT_STATUS(fllm_model_info_get(g_model, &mi), FLLM_OK);
	{	/* the rule itself: fllm run --card-layers and the plan share it */
		uint8_t place[6];
		static const uint8_t two[6] = { FLLM_PLACE_AUTO, FLLM_PLACE_AUTO, FLLM_PLACE_HOST,
						FLLM_PLACE_HOST, FLLM_PLACE_HOST, FLLM_PLACE_HOST };

		FLLM_ASSERT_STATUS(fllm_placement_first_layers(5, 2, place), FLLM_OK);
		CU_ASSERT_EQUAL(memcmp(place, two, sizeof(two)), 0);
		FLLM_ASSERT_STATUS(fllm_placement_first_layers(5, 5, place), FLLM_OK);
		for (int u = 0; u < 6; u++)
			CU_ASSERT_EQUAL(place[u], FLLM_PLACE_AUTO);
		FLLM_ASSERT_STATUS(fllm_placement_first_layers(5, 6, place), FLLM_E_INVALID_ARG);
		FLLM_ASSERT_STATUS(fllm_placement_first_layers(5, 1, NULL), FLLM_E_INVALID_ARG);
	}
	o.card_layers = 1;
	FLLM_ASSERT_STATUS(sched_plan_for_model(g_model, &g_cost, &o, &plan, err, sizeof(err)),
			   FLLM_OK);
	for (uint32_t i = 0; i < plan.n_units; i++)
		CU_ASSERT_EQUAL(plan.unit[i].place == SCHED_CPU, plan.unit[i].layer >= 1);
	sched_plan_free(&plan);
	/* more layers than the model has: refused */
	o.card_layers = (int32_t)mi.n_layers + 1;
	FLLM_ASSERT_STATUS(sched_plan_for_model(g_model, &g_cost, &o, &plan, err, sizeof(err)),
			   FLLM_E_INVALID_ARG);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "layers"));
	/* every layer: the head joins the card (fllm run's rule); a small budget streams */
	o.card_layers = (int32_t)mi.n_layers;
	o.budget = 1;
	FLLM_ASSERT_STATUS(sched_plan_for_model(g_model, &g_cost, &o, &plan, err, sizeof(err)),
			   FLLM_E_NO_CARD_MEMORY);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "the smallest needs"));
	o.budget = 0;
	FLLM_ASSERT_STATUS(sched_plan_for_model(g_model, &g_cost, &o, &plan, err, sizeof(err)),
			   FLLM_OK);
	for (uint32_t i = 0; i < plan.n_units; i++)
		CU_ASSERT(plan.unit[i].place != SCHED_CPU);
	sched_plan_free(&plan);
}

static void test_refusals(void)
{
	struct sched_options o = opts();
	struct sched_plan plan;
	char err[256];

	o.no_cpu = 1;
	o.budget = 4096;
	FLLM_ASSERT_STATUS(sched_plan_for_model(g_model, &g_cost, &o, &plan, err, sizeof(err)),
			   FLLM_E_NO_CARD_MEMORY);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no placement fits 4096 bytes"));
	o = opts();
	o.host_memory = 1000;
	FLLM_ASSERT_STATUS(sched_plan_for_model(g_model, &g_cost, &o, &plan, err, sizeof(err)),
			   FLLM_E_NO_MEMORY);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "the host cannot hold the model"));
	for (int c = 0; c < 6; c++) {
		o = opts();
		switch (c) {
		case 0: o.tokens = 0; break;
		case 1: o.bits = 9; break;
		case 2: o.group = 48; break;
		case 3: o.positions = 0; break;
		case 4: o.card_layers = -2; break;
		case 5: o.seqs = 0; break;
		}
		FLLM_ASSERT_STATUS(sched_plan_for_model(g_model, &g_cost, &o, &plan, err,
							sizeof(err)), FLLM_E_INVALID_ARG);
	}
}

static CU_TestInfo model_tests[] = {
	{ "units_of_a_model", test_units },
	{ "units_of_a_package", test_package_units },
	{ "budgets_all_cpu_to_all_resident", test_budgets },
	{ "card_layers", test_card_layers },
	{ "refusals", test_refusals },
	CU_TEST_INFO_NULL,
};

int fllm_test_register(void)
{
	return fllm_test_add_suite("sched_model", suite_init, suite_fini, model_tests);
}
