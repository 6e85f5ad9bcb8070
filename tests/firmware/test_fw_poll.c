/*
 * fw_poll against the fake card: the ring protocol (completion, phase bit,
 * CQ-full stall), command execution, the watchdog on the fake clock, ENABLE
 * edges, and the fatal paths (ring configuration, indices, host DMA). Every
 * test that breaks something then shows a NOP still completes (after a reset
 * where the error is fatal) and ends with no unit left running.
 */
#include <string.h>

#include "fake_hal.h"
#include "test_fw.h"
#include "test_main.h"

static struct fake_card fc;

static struct fllm_cmd nop(uint32_t seq, uint16_t flags)
{
	return (struct fllm_cmd){ .opcode = FLLM_OP_NOP, .flags = flags, .seq = seq };
}

static struct fllm_cmd spin(uint64_t cycles, uint32_t timeout_us)
{
	struct fllm_cmd c = { .opcode = FLLM_OP_TEST, .seq = 77, .timeout_us = timeout_us };
	struct fllm_cmd_test a = { .op = FLLM_TEST_SPIN, .seed = cycles };

	memcpy(c.arg, &a, sizeof(a));
	return c;
}

/* Submit a NOP and check it completes OK in CQ slot. */
static void expect_nop_works(uint32_t slot)
{
	uint32_t done = (uint32_t)fake_reg(&fc, FLLM_REG_TEL_CMDS_LO);
	struct fllm_cmd c = nop(0xabc, 0);

	fake_submit(&fc, &c);
	fake_run(&fc);
	FLLM_ASSERT_EQ_U64(fake_reg(&fc, FLLM_REG_TEL_CMDS_LO), done + 1);
	FLLM_ASSERT_EQ_U64(fake_cpl(&fc, slot)->seq, 0xabc);
	FLLM_ASSERT_STATUS(fake_cpl(&fc, slot)->status, FLLM_CARD_OK);
}

/* Nothing left behind: no unit running, processor not mid-command. */
static void expect_quiet(void)
{
	CU_ASSERT_FALSE(fc.cu_running);
	CU_ASSERT(fc.fw.state == FW_IDLE || fc.fw.state == FW_STOPPED);
}

/* Re-init after a fatal error, as CONTROL.RESET does, and enable again. */
static void reset_and_enable(void)
{
	fw_reset(&fc.fw, &fc.hal);
	fake_set_reg(&fc, FLLM_REG_CONTROL, 0);
	fw_poll(&fc.fw);
	fc.fail_host_read = fc.fail_host_write = 0;
	fake_enable(&fc, 8, 8);
	CU_ASSERT(fake_reg(&fc, FLLM_REG_STATUS) & FLLM_STATUS_QUEUES_ON);
}

static void expect_fatal(uint32_t err)
{
	FLLM_ASSERT_EQ_U64(fake_reg(&fc, FLLM_REG_FATAL_ERROR), err);
	CU_ASSERT(fake_reg(&fc, FLLM_REG_STATUS) & FLLM_STATUS_FATAL);
	CU_ASSERT_FALSE(fake_reg(&fc, FLLM_REG_STATUS) & FLLM_STATUS_QUEUES_ON);
	CU_ASSERT(fc.irq_sources & FLLM_IRQ_ERROR);
	CU_ASSERT(fc.fw.state == FW_STOPPED);
}

/* A fresh card with enabled 8-entry rings. */
static void start_card(void)
{
	fake_init(&fc);
	fake_enable(&fc, 8, 8);
}

/* A fresh card (as start_card) is given c and runs as far as it can. */
static void start_and_run(const struct fllm_cmd *c)
{
	start_card();
	fake_submit(&fc, c);
	fake_run(&fc);
}

/* Stopped with err; a reset and a good configuration bring back a working ring. */
static void expect_fatal_then_recovery(uint32_t err)
{
	expect_fatal(err);
	reset_and_enable();
	expect_nop_works(0);
	expect_quiet();
}

static void test_nop_completes(void)
{
	struct fllm_cmd c = nop(42, FLLM_CMD_F_IRQ);
	struct fllm_cpl *cpl;

	start_card();
	CU_ASSERT(fake_reg(&fc, FLLM_REG_STATUS) & FLLM_STATUS_QUEUES_ON);
	FLLM_ASSERT_EQ_U64(fake_reg(&fc, FLLM_REG_FW_VERSION), FW_VERSION);
	fake_submit(&fc, &c);
	fake_run(&fc);
	cpl = fake_cpl(&fc, 0);
	FLLM_ASSERT_EQ_U64(cpl->seq, 42);
	FLLM_ASSERT_STATUS(cpl->status, FLLM_CARD_OK);
	FLLM_ASSERT_EQ_U64(cpl->flags, FLLM_CPL_F_PHASE);
	FLLM_ASSERT_EQ_U64(cpl->start_cycle, fc.now);
	FLLM_ASSERT_EQ_U64(fake_reg(&fc, FLLM_REG_SQ_HEAD), 1);
	FLLM_ASSERT_EQ_U64(fake_reg(&fc, FLLM_REG_CQ_TAIL), 1);
	FLLM_ASSERT_EQ_U64(fake_reg(&fc, FLLM_REG_TEL_CMDS_LO), 1);
	FLLM_ASSERT_EQ_U64(fc.irq_sources, FLLM_IRQ_CQ);
	expect_quiet();
}

/* No IRQ flag, no interrupt. */
static void test_no_irq_without_flag(void)
{
	struct fllm_cmd c = nop(1, 0);

	start_and_run(&c);
	FLLM_ASSERT_EQ_U64(fake_reg(&fc, FLLM_REG_CQ_TAIL), 1);
	FLLM_ASSERT_EQ_U64(fc.irq_raises, 0);
	expect_quiet();
}

/* Phase is 1 on the first pass and flips on every wrap of a 4-entry CQ. */
static void test_phase_wraps(void)
{
	fake_init(&fc);
	fake_enable(&fc, 4, 4);
	for (uint32_t i = 0; i < 11; i++) {
		struct fllm_cmd c = nop(100 + i, 0);
		struct fllm_cpl *cpl;

		fake_submit(&fc, &c);
		fake_run(&fc);
		cpl = fake_cpl(&fc, i % 4);
		FLLM_ASSERT_EQ_U64(cpl->seq, 100 + i);
		FLLM_ASSERT_EQ_U64(cpl->flags & FLLM_CPL_F_PHASE, (i / 4) % 2 ? 0 : 1);
		fake_set_reg(&fc, FLLM_REG_CQ_HEAD, (i + 1) % 4);
	}
	FLLM_ASSERT_EQ_U64(fake_reg(&fc, FLLM_REG_TEL_CMDS_LO), 11);
	expect_quiet();
}

/* A full CQ (size - 1 entries) stalls posting until the host moves CQ_HEAD. */
static void test_cq_full_stalls(void)
{
	fake_init(&fc);
	fake_enable(&fc, 8, 4);
	for (uint32_t i = 0; i < 5; i++) {
		struct fllm_cmd c = nop(i, 0);

		fake_submit(&fc, &c);
	}
	fake_run(&fc);
	FLLM_ASSERT_EQ_U64(fake_reg(&fc, FLLM_REG_CQ_TAIL), 3);
	FLLM_ASSERT_EQ_U64(fake_reg(&fc, FLLM_REG_SQ_HEAD), 4);
	FLLM_ASSERT_EQ_U64(fake_reg(&fc, FLLM_REG_TEL_CMDS_LO), 3);
	CU_ASSERT(fc.fw.state == FW_POSTING);
	CU_ASSERT_FALSE(fw_poll(&fc.fw));
	fake_set_reg(&fc, FLLM_REG_CQ_HEAD, 3);
	fake_run(&fc);
	FLLM_ASSERT_EQ_U64(fake_reg(&fc, FLLM_REG_CQ_TAIL), 1);
	FLLM_ASSERT_EQ_U64(fake_cpl(&fc, 3)->seq, 3);
	FLLM_ASSERT_EQ_U64(fake_cpl(&fc, 0)->seq, 4);
	FLLM_ASSERT_EQ_U64(fake_cpl(&fc, 0)->flags, 0);
	FLLM_ASSERT_EQ_U64(fake_reg(&fc, FLLM_REG_TEL_CMDS_LO), 5);
	expect_quiet();
}

/* A unit command runs until the unit reports done; cycles and result come back. */
static void test_cu_completes(void)
{
	struct fllm_cmd c = spin(500, 0);

	start_and_run(&c);
	FLLM_ASSERT_EQ_U64(fc.cu_starts, 1);
	CU_ASSERT(memcmp(&fc.cu_cmd, &c, sizeof(c)) == 0);
	CU_ASSERT(fc.fw.state == FW_RUNNING_CU);
	FLLM_ASSERT_EQ_U64(fake_reg(&fc, FLLM_REG_CQ_TAIL), 0);
	fc.now += 500;
	fc.cu_done = 1;
	fc.cu_result = 0x1234;
	fake_run(&fc);
	FLLM_ASSERT_EQ_U64(fake_reg(&fc, FLLM_REG_CQ_TAIL), 1);
	FLLM_ASSERT_EQ_U64(fake_cpl(&fc, 0)->result, 0x1234);
	FLLM_ASSERT_EQ_U64(fake_cpl(&fc, 0)->cycles, 500);
	FLLM_ASSERT_STATUS(fake_cpl(&fc, 0)->status, FLLM_CARD_OK);
	expect_quiet();
}

/* The watchdog fires exactly at the command's budget, then work goes on. */
static void test_watchdog_fires(void)
{
	struct fllm_cmd c = spin(UINT64_MAX, 50);

	start_and_run(&c);
	fc.now += 49;
	fake_run(&fc);
	CU_ASSERT(fc.fw.state == FW_RUNNING_CU);
	FLLM_ASSERT_EQ_U64(fc.cu_resets, 0);
	fc.now += 1;
	fake_run(&fc);
	FLLM_ASSERT_EQ_U64(fc.cu_resets, 1);
	FLLM_ASSERT_STATUS(fake_cpl(&fc, 0)->status, FLLM_CARD_ERR_WATCHDOG);
	FLLM_ASSERT_EQ_U64(fake_cpl(&fc, 0)->cycles, 50);
	FLLM_ASSERT_EQ_U64(fake_reg(&fc, FLLM_REG_TEL_WATCHDOG), 1);
	FLLM_ASSERT_EQ_U64(fake_reg(&fc, FLLM_REG_TEL_CMD_ERRORS), 1);
	CU_ASSERT(fc.irq_sources & FLLM_IRQ_ERROR);
	expect_nop_works(1);
	expect_quiet();
}

/* Budget falls back to WATCHDOG_US, then to FW_WATCHDOG_DEFAULT_US. */
static void test_watchdog_budget_sources(void)
{
	struct fllm_cmd c = spin(UINT64_MAX, 0);
	uint64_t t0;

	fake_init(&fc);
	fake_set_reg(&fc, FLLM_REG_WATCHDOG_US, 20);
	fake_enable(&fc, 8, 8);
	fake_submit(&fc, &c);
	fake_run(&fc);
	fc.now += 19;
	fake_run(&fc);
	FLLM_ASSERT_EQ_U64(fc.cu_resets, 0);
	fc.now += 1;
	fake_run(&fc);
	FLLM_ASSERT_EQ_U64(fc.cu_resets, 1);

	fake_set_reg(&fc, FLLM_REG_WATCHDOG_US, 0);
	fake_submit(&fc, &c);
	fake_run(&fc);
	t0 = fc.now;
	fc.now = t0 + (uint64_t)FW_WATCHDOG_DEFAULT_US * FAKE_CLOCK_KHZ / 1000 - 1;
	fake_run(&fc);
	FLLM_ASSERT_EQ_U64(fc.cu_resets, 1);
	fc.now++;
	fake_run(&fc);
	FLLM_ASSERT_EQ_U64(fc.cu_resets, 2);
	FLLM_ASSERT_STATUS(fake_cpl(&fc, 1)->status, FLLM_CARD_ERR_WATCHDOG);
	expect_nop_works(2);
	expect_quiet();
}

/* A bad command completes with its error, touches nothing; the next one runs. */
static void test_bad_command_then_next(void)
{
	struct fllm_cmd bad = { .opcode = FLLM_OP_TIMESTAMP, .seq = 5, .arg = { 66 } };
	uint8_t zero[16] = { 0 };

	start_and_run(&bad);
	FLLM_ASSERT_STATUS(fake_cpl(&fc, 0)->status, FLLM_CARD_ERR_ALIGN);
	FLLM_ASSERT_EQ_U64(fake_cpl(&fc, 0)->seq, 5);
	CU_ASSERT(memcmp(fc.card + 64, zero, sizeof(zero)) == 0);
	FLLM_ASSERT_EQ_U64(fake_reg(&fc, FLLM_REG_TEL_CMD_ERRORS), 1);
	expect_nop_works(1);
	FLLM_ASSERT_EQ_U64(fake_reg(&fc, FLLM_REG_TEL_CMD_ERRORS), 1);
	expect_quiet();
}

/* TIMESTAMP stores the cycle counter in card memory and in result. */
static void test_timestamp(void)
{
	struct fllm_cmd c = { .opcode = FLLM_OP_TIMESTAMP, .arg = { 64 } };
	uint64_t got;

	start_card();
	fc.now = 0x123456789ull;
	fake_submit(&fc, &c);
	fake_run(&fc);
	memcpy(&got, fc.card + 64, sizeof(got));
	FLLM_ASSERT_EQ_U64(got, fc.now);
	FLLM_ASSERT_EQ_U64(fake_cpl(&fc, 0)->result, fc.now);
	expect_quiet();
}

/* DMA_COPY hands its arguments to the engine and reports its error. */
static void test_dma_copy(void)
{
	struct fllm_cmd c = { .opcode = FLLM_OP_DMA_COPY };
	struct fllm_cmd_dma_copy a = { .src = 0x5000, .dst = 256, .bytes = 512,
				       .dir = FLLM_COPY_H2C };

	memcpy(c.arg, &a, sizeof(a));
	start_and_run(&c);
	FLLM_ASSERT_EQ_U64(fc.copies, 1);
	FLLM_ASSERT_EQ_U64(fc.copy_dir, FLLM_COPY_H2C);
	FLLM_ASSERT_EQ_U64(fc.copy_src, 0x5000);
	FLLM_ASSERT_EQ_U64(fc.copy_dst, 256);
	FLLM_ASSERT_EQ_U64(fc.copy_bytes, 512);
	FLLM_ASSERT_STATUS(fake_cpl(&fc, 0)->status, FLLM_CARD_OK);
	fc.copy_err = FLLM_CARD_ERR_HOST_DMA;
	fake_submit(&fc, &c);
	fake_run(&fc);
	FLLM_ASSERT_STATUS(fake_cpl(&fc, 1)->status, FLLM_CARD_ERR_HOST_DMA);
	fc.copy_err = 0;
	expect_nop_works(2);
	expect_quiet();
}

/* Clearing ENABLE lets the running command finish, then stops fetching. */
static void test_disable_stops_after_current(void)
{
	struct fllm_cmd c = spin(10, 0);
	struct fllm_cmd n = nop(9, 0);

	start_and_run(&c);
	fake_submit(&fc, &n);
	fake_set_reg(&fc, FLLM_REG_CONTROL, 0);
	fake_run(&fc);
	CU_ASSERT(fc.fw.state == FW_RUNNING_CU);
	fc.cu_done = 1;
	fake_run(&fc);
	FLLM_ASSERT_EQ_U64(fake_reg(&fc, FLLM_REG_CQ_TAIL), 1);
	FLLM_ASSERT_EQ_U64(fake_reg(&fc, FLLM_REG_SQ_HEAD), 1);
	CU_ASSERT(fc.fw.state == FW_STOPPED);
	CU_ASSERT_FALSE(fake_reg(&fc, FLLM_REG_STATUS) & FLLM_STATUS_QUEUES_ON);
	reset_and_enable();
	expect_nop_works(0);
	expect_quiet();
}

/* Break one ring register, enable: fatal RING; a reset and good config recover. */
#define RING_BAD(name, reg, val)                                                          \
	static void name(void)                                                            \
	{                                                                                 \
		fake_init(&fc);                                                           \
		fake_set_reg(&fc, FLLM_REG_SQ_BASE_LO, (uint32_t)(FAKE_HOST_BASE + FAKE_SQ_OFF)); \
		fake_set_reg(&fc, FLLM_REG_CQ_BASE_LO, (uint32_t)(FAKE_HOST_BASE + FAKE_CQ_OFF)); \
		fake_set_reg(&fc, FLLM_REG_SQ_SIZE, 8);                                   \
		fake_set_reg(&fc, FLLM_REG_CQ_SIZE, 8);                                   \
		fake_set_reg(&fc, reg, val);                                              \
		fake_set_reg(&fc, FLLM_REG_CONTROL, FLLM_CTRL_ENABLE);                    \
		fake_run(&fc);                                                            \
		expect_fatal(FLLM_CARD_ERR_RING);                                         \
		fake_run(&fc);                                                            \
		CU_ASSERT(fc.fw.state == FW_STOPPED);                                     \
		reset_and_enable();                                                       \
		expect_nop_works(0);                                                      \
		expect_quiet();                                                           \
	}

RING_BAD(test_ring_sq_base_zero, FLLM_REG_SQ_BASE_LO, 0)
RING_BAD(test_ring_sq_misaligned, FLLM_REG_SQ_BASE_LO, (uint32_t)FAKE_HOST_BASE + 32)
RING_BAD(test_ring_cq_base_zero, FLLM_REG_CQ_BASE_LO, 0)
RING_BAD(test_ring_cq_misaligned, FLLM_REG_CQ_BASE_LO, (uint32_t)FAKE_HOST_BASE + 0x2010)
RING_BAD(test_ring_sq_size_one, FLLM_REG_SQ_SIZE, 1)
RING_BAD(test_ring_sq_size_not_pow2, FLLM_REG_SQ_SIZE, 6)
RING_BAD(test_ring_cq_size_too_big, FLLM_REG_CQ_SIZE, 8192)
RING_BAD(test_ring_cq_size_zero, FLLM_REG_CQ_SIZE, 0)

/* SQ_TAIL beyond the ring is fatal. */
static void test_sq_tail_out_of_range(void)
{
	start_card();
	fake_set_reg(&fc, FLLM_REG_SQ_TAIL, 8);
	fake_run(&fc);
	expect_fatal_then_recovery(FLLM_CARD_ERR_RING);
}

/* CQ_HEAD beyond the ring is fatal when the card next posts. */
static void test_cq_head_out_of_range(void)
{
	struct fllm_cmd c = nop(3, 0);

	start_card();
	fake_set_reg(&fc, FLLM_REG_CQ_HEAD, 9);
	fake_submit(&fc, &c);
	fake_run(&fc);
	expect_fatal_then_recovery(FLLM_CARD_ERR_RING);
}

/* A NOP whose SQ read (fail_read) or CQ write fails: fatal HOST_DMA, CQ_TAIL does not move. */
static void host_dma_fails(int fail_read)
{
	struct fllm_cmd c = nop(3, 0);

	start_card();
	fc.fail_host_read = fail_read;
	fc.fail_host_write = !fail_read;
	fake_submit(&fc, &c);
	fake_run(&fc);
	FLLM_ASSERT_EQ_U64(fake_reg(&fc, FLLM_REG_CQ_TAIL), 0);
	expect_fatal_then_recovery(FLLM_CARD_ERR_HOST_DMA);
}

static void test_sq_read_fails(void)
{
	host_dma_fails(1);
}

static void test_cq_write_fails(void)
{
	host_dma_fails(0);
}

/* After a fatal error, toggling ENABLE does not restart; only a reset does. */
static void test_fatal_needs_reset(void)
{
	struct fllm_cmd c = nop(3, 0);

	start_card();
	fake_set_reg(&fc, FLLM_REG_SQ_TAIL, 8);
	fake_run(&fc);
	expect_fatal(FLLM_CARD_ERR_RING);
	fake_set_reg(&fc, FLLM_REG_CONTROL, 0);
	fake_run(&fc);
	fake_set_reg(&fc, FLLM_REG_SQ_TAIL, 0);
	fake_set_reg(&fc, FLLM_REG_CONTROL, FLLM_CTRL_ENABLE);
	fake_run(&fc);
	fc.sq_tail = 0;
	fake_submit(&fc, &c);
	fake_run(&fc);
	FLLM_ASSERT_EQ_U64(fake_reg(&fc, FLLM_REG_SQ_HEAD), 0);
	CU_ASSERT(fc.fw.state == FW_STOPPED);
	reset_and_enable();
	expect_nop_works(0);
	expect_quiet();
}

CU_TestInfo fw_poll_tests[] = {
	{ "NOP completes", test_nop_completes },
	{ "no IRQ without flag", test_no_irq_without_flag },
	{ "phase bit wraps", test_phase_wraps },
	{ "CQ full stalls", test_cq_full_stalls },
	{ "unit command completes", test_cu_completes },
	{ "watchdog fires", test_watchdog_fires },
	{ "watchdog budget sources", test_watchdog_budget_sources },
	{ "bad command then next", test_bad_command_then_next },
	{ "TIMESTAMP", test_timestamp },
	{ "DMA_COPY", test_dma_copy },
	{ "disable stops after current", test_disable_stops_after_current },
	{ "ring: SQ base zero", test_ring_sq_base_zero },
	{ "ring: SQ base misaligned", test_ring_sq_misaligned },
	{ "ring: CQ base zero", test_ring_cq_base_zero },
	{ "ring: CQ base misaligned", test_ring_cq_misaligned },
	{ "ring: SQ size 1", test_ring_sq_size_one },
	{ "ring: SQ size not a power of two", test_ring_sq_size_not_pow2 },
	{ "ring: CQ size above max", test_ring_cq_size_too_big },
	{ "ring: CQ size 0", test_ring_cq_size_zero },
	{ "SQ_TAIL out of range", test_sq_tail_out_of_range },
	{ "CQ_HEAD out of range", test_cq_head_out_of_range },
	{ "SQ read fails", test_sq_read_fails },
	{ "CQ write fails", test_cq_write_fails },
	{ "fatal needs reset", test_fatal_needs_reset },
	CU_TEST_INFO_NULL,
};
