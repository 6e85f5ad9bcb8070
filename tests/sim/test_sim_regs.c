/*
 * The model's register file and card-level behaviour: identity, RO/RW rules,
 * configuration checks, interrupts and their acks, reset, ring configuration
 * errors, telemetry, and a 16 GiB card that commits no memory up front.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fllm_card_attention.h"
#include "test_host.h"
#include "test_main.h"
#include "test_sim.h"

static struct test_host th;

static void run_nop(uint16_t flags, int want)
{
	struct fllm_cmd nop = { .opcode = FLLM_OP_NOP, .flags = flags, .seq = 5 };
	struct fllm_cpl cpl = { 0 };

	CU_ASSERT_FATAL(th_cmd(&th, &nop, &cpl, 2000) == 0);
	FLLM_ASSERT_STATUS(cpl.status, want);
}

static void test_identity(void)
{
	uint32_t caps;

	CU_ASSERT_FATAL(th_open(&th, NULL) == 0);
	FLLM_ASSERT_EQ_U64(th_reg(&th, FLLM_REG_MAGIC), FLLM_CARD_MAGIC);
	FLLM_ASSERT_EQ_U64(th_reg(&th, FLLM_REG_IF_VERSION), FLLM_CARD_IF_VERSION);
	caps = th_reg(&th, FLLM_REG_CAPS);
	FLLM_ASSERT_EQ_U64(caps, FLLM_CAP_SIMULATED | FLLM_CAP_DMA | FLLM_CAP_MSIX |
					 FLLM_CAP_TELEMETRY | FLLM_CAP_WATCHDOG | FLLM_CAP_HBM);
	CU_ASSERT(th_reg(&th, FLLM_REG_FW_VERSION) != 0);
	FLLM_ASSERT_EQ_U64(th_reg64(&th, FLLM_REG_MEM_SIZE_LO), 64ull << 20);
	FLLM_ASSERT_EQ_U64(th_reg(&th, FLLM_REG_MEM_CHANNELS), 4);
	FLLM_ASSERT_EQ_U64(th_reg(&th, FLLM_REG_MEM_CHAN_MBPS), 14375);
	FLLM_ASSERT_EQ_U64(th_reg(&th, FLLM_REG_CLOCK_KHZ), 300000);
	FLLM_ASSERT_EQ_U64(th_reg(&th, FLLM_REG_CMD_RING_MAX), 4096);
	FLLM_ASSERT_EQ_U64(th_reg(&th, FLLM_REG_DMA_MAX_LEN), 4u << 20);
	FLLM_ASSERT_EQ_U64(th_reg(&th, FLLM_REG_CU_COUNT), 4);
	FLLM_ASSERT_EQ_U64(FLLM_CU_INFO_TYPE(th_reg(&th, FLLM_REG_CU_INFO(0))), FLLM_CU_TEST);
	FLLM_ASSERT_EQ_U64(FLLM_CU_INFO_TYPE(th_reg(&th, FLLM_REG_CU_INFO(1))), FLLM_CU_LUTGEMM);
	FLLM_ASSERT_EQ_U64(FLLM_CU_INFO_TYPE(th_reg(&th, FLLM_REG_CU_INFO(2))), FLLM_CU_VECTOR);
	FLLM_ASSERT_EQ_U64(th_reg(&th, FLLM_REG_CU_INFO(3)),
			   FLLM_CU_INFO_MAKE(FLLM_CU_ATTENTION, FLLM_ATTN_VERSION));
	FLLM_ASSERT_EQ_U64(th_reg(&th, FLLM_REG_CU_CAPS(3)), 0);
	CU_ASSERT(th_reg(&th, FLLM_REG_STATUS) & FLLM_STATUS_READY);
	CU_ASSERT(th_close(&th) == 0);
}

/* SCRATCH reads back; writes to RO registers and bad offsets change nothing. */
static void test_scratch_and_ro(void)
{
	CU_ASSERT_FATAL(th_open(&th, NULL) == 0);
	th_set_reg(&th, FLLM_REG_SCRATCH, 0xdeadbeef);
	FLLM_ASSERT_EQ_U64(th_reg(&th, FLLM_REG_SCRATCH), 0xdeadbeef);
	th_set_reg(&th, FLLM_REG_MAGIC, 0);
	th_set_reg(&th, FLLM_REG_SQ_HEAD, 7);
	th_set_reg(&th, FLLM_REG_TEL_CMDS_LO, 7);
	th_set_reg(&th, FLLM_REG_DMA(0, FLLM_DMA_HEAD), 3);
	th_set_reg(&th, FLLM_REG_BAR_SIZE, 1);
	th_set_reg(&th, FLLM_REG_SCRATCH + 1, 1);
	FLLM_ASSERT_EQ_U64(th_reg(&th, FLLM_REG_MAGIC), FLLM_CARD_MAGIC);
	FLLM_ASSERT_EQ_U64(th_reg(&th, FLLM_REG_SQ_HEAD), 0);
	FLLM_ASSERT_EQ_U64(th_reg(&th, FLLM_REG_TEL_CMDS_LO), 0);
	FLLM_ASSERT_EQ_U64(th_reg(&th, FLLM_REG_DMA(0, FLLM_DMA_HEAD)), 0);
	FLLM_ASSERT_EQ_U64(th_reg(&th, FLLM_REG_BAR_SIZE), 0xffffffffu);
	FLLM_ASSERT_EQ_U64(th_reg(&th, FLLM_REG_SCRATCH + 1), 0xffffffffu);
	FLLM_ASSERT_EQ_U64(th_reg(&th, FLLM_REG_SCRATCH), 0xdeadbeef);
	run_nop(0, FLLM_CARD_OK);
	CU_ASSERT(th_close(&th) == 0);
}

/* Bad configurations are refused with -EINVAL and leave nothing behind. */
static void test_bad_config(void)
{
	static const struct fllm_sim_config bad[] = {
		{ .mem_size = 512 << 10, .mem_channels = 1 },		/* below 1 MiB */
		{ .mem_size = (64 << 20) + 4096, .mem_channels = 4 },	/* not channel multiple */
		{ .mem_size = 64 << 20, .mem_channels = 65 },
		{ .mem_size = 64 << 20, .clock_khz = 999 },
		{ .mem_size = 64 << 20, .dma_max_len = 100 },
	};
	struct fllm_sim_host ops = { 0 };
	struct fllm_sim *sim = (struct fllm_sim *)&ops;

	CU_ASSERT_FATAL(th_open(&th, NULL) == 0);
	ops = th.ops;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		FLLM_ASSERT_STATUS(fllm_sim_create(&bad[i], &ops, &sim), -EINVAL);
		CU_ASSERT(sim == NULL);
	}
	ops.read = NULL;
	FLLM_ASSERT_STATUS(fllm_sim_create(NULL, &ops, &sim), -EINVAL);
	FLLM_ASSERT_EQ_U64(fllm_sim_live(), 1);
	fllm_sim_destroy(NULL);
	run_nop(0, FLLM_CARD_OK);
	CU_ASSERT(th_close(&th) == 0);
}

/* Completion interrupt: MSI when enabled, status until acked, none when masked. */
static void test_irq_and_ack(void)
{
	CU_ASSERT_FATAL(th_open(&th, NULL) == 0);
	run_nop(FLLM_CMD_F_IRQ, FLLM_CARD_OK);
	CU_ASSERT(th_reg(&th, FLLM_REG_IRQ_STATUS) & FLLM_IRQ_CQ);
	FLLM_ASSERT_EQ_U64(atomic_load(&th.msi[0]), 0);	/* masked: no message */
	th_set_reg(&th, FLLM_REG_IRQ_ACK, FLLM_IRQ_CQ);
	CU_ASSERT(th_wait_reg(&th, FLLM_REG_IRQ_STATUS, FLLM_IRQ_CQ, 0, 1000) == 0);
	FLLM_ASSERT_EQ_U64(th_reg(&th, FLLM_REG_IRQ_ACK), 0);

	th_set_reg(&th, FLLM_REG_IRQ_MASK, FLLM_IRQ_CQ);
	run_nop(FLLM_CMD_F_IRQ, FLLM_CARD_OK);
	CU_ASSERT(th_wait_reg(&th, FLLM_REG_IRQ_COUNT, ~0u, 1, 1000) == 0);
	FLLM_ASSERT_EQ_U64(atomic_load(&th.msi[0]), 1);
	run_nop(0, FLLM_CARD_OK);
	FLLM_ASSERT_EQ_U64(atomic_load(&th.msi[0]), 1);
	th_set_reg(&th, FLLM_REG_IRQ_ACK, FLLM_IRQ_ALL);
	CU_ASSERT(th_wait_reg(&th, FLLM_REG_IRQ_STATUS, ~0u, 0, 1000) == 0);
	CU_ASSERT(th_close(&th) == 0);
}

/* RESET aborts a hung unit, clears indices and counters, then rings work again. */
static void test_reset_and_reenable(void)
{
	struct fllm_cmd spin = { .opcode = FLLM_OP_TEST, .seq = 1, .timeout_us = 10000000 };
	struct fllm_cmd_test a = { .op = FLLM_TEST_SPIN, .seed = UINT64_MAX };

	memcpy(spin.arg, &a, sizeof(a));
	CU_ASSERT_FATAL(th_open(&th, NULL) == 0);
	run_nop(0, FLLM_CARD_OK);
	th.sq[th.sq_tail] = spin;
	th.sq_tail++;
	th_set_reg(&th, FLLM_REG_SQ_TAIL, th.sq_tail);
	CU_ASSERT(th_wait_reg(&th, FLLM_REG_SQ_HEAD, ~0u, 2, 1000) == 0);
	th_set_reg(&th, FLLM_REG_CONTROL, FLLM_CTRL_RESET);
	CU_ASSERT(th_wait_reg(&th, FLLM_REG_CONTROL, ~0u, 0, 1000) == 0);
	CU_ASSERT(th_wait_reg(&th, FLLM_REG_STATUS, ~0u, FLLM_STATUS_READY, 1000) == 0);
	FLLM_ASSERT_EQ_U64(th_reg(&th, FLLM_REG_RESET_COUNT), 1);
	FLLM_ASSERT_EQ_U64(th_reg(&th, FLLM_REG_SQ_HEAD), 0);
	FLLM_ASSERT_EQ_U64(th_reg(&th, FLLM_REG_SQ_TAIL), 0);
	FLLM_ASSERT_EQ_U64(th_reg(&th, FLLM_REG_CQ_TAIL), 0);
	FLLM_ASSERT_EQ_U64(th_reg64(&th, FLLM_REG_TEL_CMDS_LO), 0);
	FLLM_ASSERT_EQ_U64(th_reg(&th, FLLM_REG_DMA(0, FLLM_DMA_CONTROL)), 0);
	CU_ASSERT(th_enable(&th) == 0);
	run_nop(0, FLLM_CARD_OK);
	FLLM_ASSERT_EQ_U64(th_reg64(&th, FLLM_REG_TEL_CMDS_LO), 1);
	FLLM_ASSERT_EQ_U64(th_reg(&th, FLLM_REG_RESET_COUNT), 1);
	CU_ASSERT(th_close(&th) == 0);
}

/* A bad ring size at ENABLE is fatal RING; a reset and good rings recover. */
static void test_ring_config_fatal(void)
{
	CU_ASSERT_FATAL(th_open(&th, NULL) == 0);
	th_set_reg(&th, FLLM_REG_IRQ_MASK, FLLM_IRQ_ERROR);
	th_set_reg(&th, FLLM_REG_CONTROL, 0);
	CU_ASSERT(th_wait_reg(&th, FLLM_REG_STATUS, FLLM_STATUS_QUEUES_ON, 0, 1000) == 0);
	th_set_reg(&th, FLLM_REG_SQ_SIZE, 5);
	th_set_reg(&th, FLLM_REG_CONTROL, FLLM_CTRL_ENABLE);
	CU_ASSERT(th_wait_reg(&th, FLLM_REG_STATUS, FLLM_STATUS_FATAL, FLLM_STATUS_FATAL,
			      1000) == 0);
	FLLM_ASSERT_EQ_U64(th_reg(&th, FLLM_REG_FATAL_ERROR), FLLM_CARD_ERR_RING);
	FLLM_ASSERT_EQ_U64(atomic_load(&th.msi[3]), 1);
	th_set_reg(&th, FLLM_REG_CONTROL, FLLM_CTRL_RESET);
	CU_ASSERT(th_wait_reg(&th, FLLM_REG_STATUS, ~0u, FLLM_STATUS_READY, 1000) == 0);
	FLLM_ASSERT_EQ_U64(th_reg(&th, FLLM_REG_FATAL_ERROR), 0);
	CU_ASSERT(th_enable(&th) == 0);
	run_nop(0, FLLM_CARD_OK);
	CU_ASSERT(th_close(&th) == 0);
}

/* Power, energy, temperature, voltage, cycles and utilization move sensibly. */
static void test_telemetry(void)
{
	struct fllm_cmd spin = { .opcode = FLLM_OP_TEST, .seq = 2 };
	struct fllm_cmd_test a = { .op = FLLM_TEST_SPIN, .seed = 300000ull * 40 };	/* 40 ms */
	uint64_t e0, e1, c0, c1;
	uint32_t util = 0;

	memcpy(spin.arg, &a, sizeof(a));
	CU_ASSERT_FATAL(th_open(&th, NULL) == 0);
	th_sleep_ms(5);
	e0 = th_reg64(&th, FLLM_REG_TEL_ENERGY_LO);
	c0 = th_reg64(&th, FLLM_REG_TEL_CYCLES_LO);
	CU_ASSERT(th_reg(&th, FLLM_REG_TEL_POWER_MW) >= 15000);
	CU_ASSERT(th_reg(&th, FLLM_REG_TEL_TEMP_MC) > 30000);
	CU_ASSERT(th_reg(&th, FLLM_REG_TEL_VCCINT_MV) > 800 &&
		  th_reg(&th, FLLM_REG_TEL_VCCINT_MV) <= 850);
	th.sq[th.sq_tail] = spin;
	th.sq_tail++;
	th_set_reg(&th, FLLM_REG_SQ_TAIL, th.sq_tail);
	for (int i = 0; i < 30 && util < 500; i++) {
		th_sleep_ms(2);
		util = th_reg(&th, FLLM_REG_TEL_UTIL);
	}
	CU_ASSERT(util >= 500);
	CU_ASSERT(th_reg(&th, FLLM_REG_TEL_POWER_MW) > 40000);
	CU_ASSERT(th_wait_reg(&th, FLLM_REG_CQ_TAIL, ~0u, 1, 2000) == 0);
	th_sleep_ms(20);
	e1 = th_reg64(&th, FLLM_REG_TEL_ENERGY_LO);
	c1 = th_reg64(&th, FLLM_REG_TEL_CYCLES_LO);
	/* ~37 W over >= 40 ms is at least ~1.5 J. */
	CU_ASSERT(e1 > e0 + 500);
	CU_ASSERT(c1 > c0 + 300000ull * 40);
	CU_ASSERT(th_close(&th) == 0);
}

/* Resident set size in bytes, from /proc/self/statm. */
static uint64_t rss_bytes(void)
{
	unsigned long size = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f)
		return 0;
	if (fscanf(f, "%lu %lu", &size, &resident) != 2)
		resident = 0;
	fclose(f);
	return (uint64_t)resident * 4096;
}

/* A 16 GiB card maps lazily: creating it and touching its ends costs little. */
static void test_16g_lazy(void)
{
	struct fllm_sim_config cfg = { .mem_size = 16ull << 30, .mem_channels = 32 };
	uint8_t *buf = malloc(4096), *back = malloc(4096);	/* (4096) bytes each */
	uint64_t before = rss_bytes();

	CU_ASSERT_FATAL(buf && back);
	CU_ASSERT_FATAL(th_open(&th, &cfg) == 0);
	FLLM_ASSERT_EQ_U64(th_reg64(&th, FLLM_REG_MEM_SIZE_LO), 16ull << 30);
	CU_ASSERT(rss_bytes() < before + (64u << 20));
	memset(buf, 0xa5, 4096);
	th_map(&th, buf, 4096);
	th_map(&th, back, 4096);
	FLLM_ASSERT_EQ_U64(th_dma(&th, 0, (uintptr_t)buf, (16ull << 30) - 4096, 4096, 0),
			   FLLM_DESC_S_MAKE(0));
	FLLM_ASSERT_EQ_U64(th_dma(&th, 1, (uintptr_t)back, (16ull << 30) - 4096, 4096, 0),
			   FLLM_DESC_S_MAKE(0));
	CU_ASSERT(memcmp(buf, back, 4096) == 0);
	CU_ASSERT(rss_bytes() < before + (64u << 20));
	CU_ASSERT(th_close(&th) == 0);
	free(buf);
	free(back);
}

CU_TestInfo sim_reg_tests[] = {
	{ "identity registers", test_identity },
	{ "scratch and read-only", test_scratch_and_ro },
	{ "bad config", test_bad_config },
	{ "IRQ delivery and ack", test_irq_and_ack },
	{ "reset and re-enable", test_reset_and_reenable },
	{ "ring config fatal", test_ring_config_fatal },
	{ "telemetry", test_telemetry },
	{ "16 GiB card is lazy", test_16g_lazy },
	CU_TEST_INFO_NULL,
};
