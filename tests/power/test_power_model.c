/*
 * The reference card's power projection (fllm_power_project) against its
 * coefficients, and the card model's telemetry registers against the same
 * coefficients: idle power equals the static figure.
 */
#include <CUnit/CUnit.h>
#include <math.h>
#include <unistd.h>

#include "fllm/fllm.h"
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

int fllm_test_register(void)
{
	static CU_TestInfo tests[] = {
		{ "project", test_project },
		{ "card_model_idle", test_card_model_idle },
		CU_TEST_INFO_NULL,
	};

	return fllm_test_add_suite("power_model", NULL, NULL, tests);
}
