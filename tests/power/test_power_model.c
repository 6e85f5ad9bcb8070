/*
 * The reference card's power projection (fllm_power_project) against its
 * coefficients, and the card model's telemetry registers against the same
 * coefficients: idle power equals the static figure.
 */
#include <CUnit/CUnit.h>
#include <math.h>
#include <unistd.h>

#include "fllm/fllm.h"
#include "fllm/fllm_model.h"
#include "fllm_card_power.h"
#include "test_main.h"

static int near(double a, double b)
{
	return fabs(a - b) <= 1e-9 * (fabs(a) + fabs(b) + 1e-12);
}

/* Each component alone, then all together, then the clamps. */
static void test_project(void)
{
	fllm_power_activity a = { 0 };
	fllm_power_estimate e;

	fllm_power_project(&a, &e);
	CU_ASSERT(e.total_j == 0 && e.avg_w == 0);
	CU_ASSERT(near(e.idle_w, FLLM_POWER_STATIC_W));

	a.card_s = 2.0;
	fllm_power_project(&a, &e);
	CU_ASSERT(near(e.static_j, 2.0 * FLLM_POWER_STATIC_W));
	CU_ASSERT(near(e.avg_w, FLLM_POWER_STATIC_W));

	a.busy_s = 0.5;
	a.mem_bytes = 1000000000ull;
	a.dma_bytes = 12000000ull;
	fllm_power_project(&a, &e);
	CU_ASSERT(near(e.cu_j, 0.5 * FLLM_POWER_CU_W));
	CU_ASSERT(near(e.mem_j, 1e9 * FLLM_POWER_MEM_J_PER_BYTE));
	CU_ASSERT(near(e.dma_j, 12e6 * FLLM_POWER_DMA_J_PER_BYTE));
	CU_ASSERT(near(e.total_j, e.static_j + e.cu_j + e.mem_j + e.dma_j));
	CU_ASSERT(near(e.avg_w, e.total_j / 2.0));
	/* one GB of HBM2 at 3.9 pJ/bit is 31.2 mJ */
	CU_ASSERT(fabs(e.mem_j - 0.0312) < 1e-6);

	/* busy time beyond the window is clamped to it; negative counts as none */
	a.busy_s = 5.0;
	fllm_power_project(&a, &e);
	CU_ASSERT(near(e.cu_j, 2.0 * FLLM_POWER_CU_W));
	a.busy_s = -1.0;
	fllm_power_project(&a, &e);
	CU_ASSERT(e.cu_j == 0);

	/* the units' arithmetic: 10^12 lookups at 15.4 pJ are 15.4 J */
	a.lut_ops = 1000000000000ull;
	a.macs = 1000000ull;
	a.vec_ops = 1000ull;
	fllm_power_project(&a, &e);
	CU_ASSERT(near(e.cu_j, 1e12 * FLLM_POWER_LUT_OP_J + 1e6 * FLLM_POWER_MAC_J +
				       1e3 * FLLM_POWER_VEC_OP_J));
	CU_ASSERT(fabs(e.cu_j - 15.4) < 1e-3);
	CU_ASSERT(near(e.total_j, e.static_j + e.cu_j + e.mem_j + e.dma_j));
}

/* An idle emulated card reports the static power on its telemetry. */
static void test_card_model_idle(void)
{
	fllm_device *d;
	fllm_telemetry t;

	FLLM_ASSERT_STATUS(fllm_device_open("emu:0", &d), FLLM_OK);
	usleep(20000);
	FLLM_ASSERT_STATUS(fllm_device_telemetry(d, &t), FLLM_OK);
	FLLM_ASSERT_EQ_U64(t.power_mw, (uint64_t)(FLLM_POWER_STATIC_W * 1000));
	fllm_device_close(d);
	FLLM_ASSERT_EQ_U64(fllm_live_handles(), 0);
}

/*
 * The units' arithmetic reaches a context's statistics: decoding one token
 * at position 3 on the emulated card adds exactly the attention MACs of 4
 * (query, key) pairs per head in every layer; every unit counted something.
 */
static void test_decode_activity(void)
{
	fllm_context_params cp = { .device = "emu:0" };
	fllm_context_stats s0, s1;
	static const int32_t prompt[3] = { 1, 2, 3 }, next = 4;
	fllm_context *c;
	fllm_model_info mi;
	fllm_model *m;

	FLLM_ASSERT_STATUS(fllm_model_open_synthetic(1, &m), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_model_info_get(m, &mi), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_context_create(m, &cp, &c), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_context_eval(c, prompt, 3), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_context_stats_get(c, &s0), FLLM_OK);
	CU_ASSERT(s0.card_lut_ops > 0 && s0.card_macs > 0 && s0.card_vec_ops > 0);
	FLLM_ASSERT_STATUS(fllm_context_eval(c, &next, 1), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_context_stats_get(c, &s1), FLLM_OK);
	FLLM_ASSERT_EQ_U64(s1.card_macs - s0.card_macs,
			   (uint64_t)mi.n_layers * 2 * 4 * mi.n_heads * mi.head_dim);
	CU_ASSERT(s1.card_lut_ops > s0.card_lut_ops && s1.card_vec_ops > s0.card_vec_ops);
	fllm_context_free(c);
	fllm_model_free(m);
	FLLM_ASSERT_EQ_U64(fllm_live_handles(), 0);
}

int fllm_test_register(void)
{
	static CU_TestInfo tests[] = {
		{ "project", test_project },
		{ "card_model_idle", test_card_model_idle },
		{ "decode_activity", test_decode_activity },
		CU_TEST_INFO_NULL,
	};

	return fllm_test_add_suite("power_model", NULL, NULL, tests);
}
