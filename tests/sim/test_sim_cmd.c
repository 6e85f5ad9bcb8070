/*
 * The model's command processor through the submission and completion rings:
 * NOP, TIMESTAMP, DMA_COPY, the test unit (fill, check, a deliberate
 * mismatch), malformed commands, the watchdog.
 */
#include <stdlib.h>
#include <string.h>

#include "fllm_pattern.h"
#include "test_host.h"
#include "test_main.h"
#include "test_sim.h"

static struct test_host th;

static struct fllm_cmd test_cmd(uint32_t op, uint64_t addr, uint64_t bytes, uint32_t pattern,
				uint64_t seed)
{
	struct fllm_cmd c = { .opcode = FLLM_OP_TEST, .seq = op + 10 };
	struct fllm_cmd_test a = { .op = op, .addr = addr, .bytes = bytes, .pattern = pattern,
				   .seed = seed };

	memcpy(c.arg, &a, sizeof(a));
	return c;
}

static struct fllm_cmd copy_cmd(uint32_t dir, uint64_t s, uint64_t d, uint64_t bytes)
{
	struct fllm_cmd c = { .opcode = FLLM_OP_DMA_COPY, .seq = 99 };
	struct fllm_cmd_dma_copy a = { .src = s, .dst = d, .bytes = bytes, .dir = dir };

	memcpy(c.arg, &a, sizeof(a));
	return c;
}

/* Run cmd and expect status; returns the completion. */
static struct fllm_cpl run(const struct fllm_cmd *cmd, int status)
{
	struct fllm_cpl cpl = { 0 };

	CU_ASSERT_FATAL(th_cmd(&th, cmd, &cpl, 3000) == 0);
	FLLM_ASSERT_STATUS(cpl.status, status);
	FLLM_ASSERT_EQ_U64(cpl.seq, cmd->seq);
	return cpl;
}

/* The card still runs commands: a NOP completes OK. */
static void expect_alive(void)
{
	struct fllm_cmd nop = { .opcode = FLLM_OP_NOP, .seq = 0x5150 };

	run(&nop, FLLM_CARD_OK);
}

static void test_nop(void)
{
	struct fllm_cmd nop = { .opcode = FLLM_OP_NOP, .seq = 7 };
	struct fllm_cpl cpl;

	CU_ASSERT_FATAL(th_open(&th, NULL) == 0);
	cpl = run(&nop, FLLM_CARD_OK);
	FLLM_ASSERT_EQ_U64(cpl.flags, FLLM_CPL_F_PHASE);
	FLLM_ASSERT_EQ_U64(th_reg(&th, FLLM_REG_SQ_HEAD), 1);
	FLLM_ASSERT_EQ_U64(th_reg64(&th, FLLM_REG_TEL_CMDS_LO), 1);
	/* A second pass over the ring flips the phase. */
	for (uint32_t i = 1; i < TH_RING + 1; i++) {
		nop.seq = i;
		cpl = run(&nop, FLLM_CARD_OK);
		FLLM_ASSERT_EQ_U64(cpl.flags, i < TH_RING ? FLLM_CPL_F_PHASE : 0);
	}
	CU_ASSERT(th_close(&th) == 0);
}

/* TIMESTAMP values grow, and the one in card memory equals the result. */
static void test_timestamp(void)
{
	struct fllm_cmd ts = { .opcode = FLLM_OP_TIMESTAMP, .seq = 1, .arg = { 4096 } };
	uint64_t *back = aligned_alloc(64, 64);	/* (8) u64 read back from card */
	struct fllm_cpl a, b;

	CU_ASSERT_FATAL(th_open(&th, NULL) == 0 && back);
	th_map(&th, back, 64);
	a = run(&ts, FLLM_CARD_OK);
	th_sleep_ms(2);
	ts.arg[0] = 4104;
	b = run(&ts, FLLM_CARD_OK);
	CU_ASSERT(b.result > a.result);
	/* 2 ms at 300 MHz is at least 600000 cycles. */
	CU_ASSERT(b.result - a.result >= 600000);
	FLLM_ASSERT_EQ_U64(th_dma(&th, FLLM_DMA_C2H, (uintptr_t)back, 4096, 16, 0),
			   FLLM_DESC_S_MAKE(0));
	FLLM_ASSERT_EQ_U64(back[0], a.result);
	FLLM_ASSERT_EQ_U64(back[1], b.result);
	CU_ASSERT(th_close(&th) == 0);
	free(back);
}

/* DMA_COPY host -> card -> card -> host returns the data. */
static void test_dma_copy(void)
{
	enum { N = 8192 };
	uint8_t *a = malloc(N), *b = malloc(N);	/* (N) bytes each */
	struct fllm_cmd c;

	CU_ASSERT_FATAL(th_open(&th, NULL) == 0 && a && b);
	for (int i = 0; i < N; i++)
		a[i] = (uint8_t)(i * 7 + 3);
	memset(b, 0, N);
	th_map(&th, a, N);
	th_map(&th, b, N);
	c = copy_cmd(FLLM_COPY_H2C, (uintptr_t)a, 1 << 20, N);
	run(&c, FLLM_CARD_OK);
	c = copy_cmd(FLLM_COPY_C2C, 1 << 20, 3 << 20, N);
	run(&c, FLLM_CARD_OK);
	c = copy_cmd(FLLM_COPY_C2H, 3 << 20, (uintptr_t)b, N);
	run(&c, FLLM_CARD_OK);
	CU_ASSERT(memcmp(a, b, N) == 0);
	/* An unmapped host address fails the command, not the card. */
	c = copy_cmd(FLLM_COPY_C2H, 0, (uintptr_t)b + N, 64);
	run(&c, FLLM_CARD_ERR_HOST_DMA);
	expect_alive();
	CU_ASSERT(th_close(&th) == 0);
	free(a);
	free(b);
}

/* FILL then CHECK is clean; the host sees the same pattern; one flipped word counts. */
static void test_fill_check(void)
{
	enum { N = 65536, ADDR = 8 << 20 };
	uint64_t *buf = aligned_alloc(64, N);	/* (N / 8) words read back */
	struct fllm_cmd c;
	struct fllm_cpl cpl;
	uint64_t bad = 0;

	CU_ASSERT_FATAL(th_open(&th, NULL) == 0 && buf);
	th_map(&th, buf, N);
	for (uint32_t pat = FLLM_PAT_CONST; pat <= FLLM_PAT_PRNG; pat++) {
		c = test_cmd(FLLM_TEST_FILL, ADDR, N, pat, 0x5eed + pat);
		run(&c, FLLM_CARD_OK);
		c = test_cmd(FLLM_TEST_CHECK, ADDR, N, pat, 0x5eed + pat);
		cpl = run(&c, FLLM_CARD_OK);
		FLLM_ASSERT_EQ_U64(cpl.result, 0);
		CU_ASSERT(cpl.cycles >= N / 64);
		FLLM_ASSERT_EQ_U64(th_dma(&th, FLLM_DMA_C2H, (uintptr_t)buf, ADDR, N, 0),
				   FLLM_DESC_S_MAKE(0));
		for (uint64_t i = 0; i < N / 8; i++)
			bad += buf[i] != fllm_pattern_word(pat, 0x5eed + pat, i, ADDR + 8 * i);
		FLLM_ASSERT_EQ_U64(bad, 0);
	}
	/* Corrupt two words through H2C: CHECK reports exactly two. */
	buf[3] ^= 1;
	buf[100] = ~buf[100];
	FLLM_ASSERT_EQ_U64(th_dma(&th, FLLM_DMA_H2C, (uintptr_t)buf, ADDR, N, 0),
			   FLLM_DESC_S_MAKE(0));
	cpl = run(&c, FLLM_CARD_OK);
	FLLM_ASSERT_EQ_U64(cpl.result, 2);
	/* A different seed mismatches everywhere. */
	c = test_cmd(FLLM_TEST_CHECK, ADDR, N, FLLM_PAT_PRNG, 1);
	cpl = run(&c, FLLM_CARD_OK);
	FLLM_ASSERT_EQ_U64(cpl.result, N / 8);
	CU_ASSERT(th_close(&th) == 0);
	free(buf);
}

/* Each malformed command completes with its error; the next command runs. */
static void test_malformed(void)
{
	struct {
		struct fllm_cmd cmd;
		int err;
	} cases[] = {
		{ { .opcode = 0x33 }, FLLM_CARD_ERR_OPCODE },
		{ { .opcode = FLLM_OP_NOP, .flags = 0x80 }, FLLM_CARD_ERR_FLAGS },
		{ { .opcode = FLLM_OP_NOP, .reserved = 1 }, FLLM_CARD_ERR_FLAGS },
		{ { .opcode = FLLM_OP_TIMESTAMP, .arg = { 3 } }, FLLM_CARD_ERR_ALIGN },
		{ { .opcode = FLLM_OP_TIMESTAMP, .arg = { 64ull << 20 } }, FLLM_CARD_ERR_ADDR },
		{ copy_cmd(FLLM_COPY_C2C, 0, 64, 0), FLLM_CARD_ERR_SIZE },
		{ copy_cmd(4, 0, 64, 8), FLLM_CARD_ERR_PARAM },
		{ copy_cmd(FLLM_COPY_C2C, 0, (64ull << 20) - 4, 8), FLLM_CARD_ERR_ADDR },
		{ test_cmd(FLLM_TEST_FILL, 4, 64, FLLM_PAT_CONST, 0), FLLM_CARD_ERR_ALIGN },
		{ test_cmd(FLLM_TEST_FILL, 0, 0, FLLM_PAT_CONST, 0), FLLM_CARD_ERR_SIZE },
		{ test_cmd(FLLM_TEST_CHECK, 0, 64, 9, 0), FLLM_CARD_ERR_PARAM },
		{ test_cmd(7, 0, 64, 0, 0), FLLM_CARD_ERR_PARAM },
		{ { .opcode = FLLM_OP_ATTENTION, .arg = { 0, 64 } }, FLLM_CARD_ERR_SIZE },
		{ { .opcode = FLLM_OP_LUTGEMM, .arg = { 0, 64 } }, FLLM_CARD_ERR_SIZE },
		{ { .opcode = FLLM_OP_VECTOR, .arg = { 32, 64 } }, FLLM_CARD_ERR_ALIGN },
	};
	uint32_t n = sizeof(cases) / sizeof(cases[0]);

	CU_ASSERT_FATAL(th_open(&th, NULL) == 0);
	for (uint32_t i = 0; i < n; i++) {
		cases[i].cmd.seq = 1000 + i;
		run(&cases[i].cmd, cases[i].err);
		expect_alive();
	}
	FLLM_ASSERT_EQ_U64(th_reg(&th, FLLM_REG_TEL_CMD_ERRORS), n);
	FLLM_ASSERT_EQ_U64(th_reg64(&th, FLLM_REG_TEL_CMDS_LO), 2 * n);
	CU_ASSERT(th_close(&th) == 0);
}

/* SPIN forever with a 2 ms budget: the watchdog fires, then a fill works. */
static void test_watchdog(void)
{
	struct fllm_cmd c = test_cmd(FLLM_TEST_SPIN, 0, 0, 0, UINT64_MAX);
	struct fllm_cpl cpl;

	CU_ASSERT_FATAL(th_open(&th, NULL) == 0);
	th_set_reg(&th, FLLM_REG_IRQ_MASK, FLLM_IRQ_ALL);
	c.timeout_us = 2000;
	cpl = run(&c, FLLM_CARD_ERR_WATCHDOG);
	CU_ASSERT(cpl.cycles >= 600000);
	FLLM_ASSERT_EQ_U64(th_reg(&th, FLLM_REG_TEL_WATCHDOG), 1);
	CU_ASSERT(th_reg(&th, FLLM_REG_IRQ_STATUS) & FLLM_IRQ_ERROR);
	FLLM_ASSERT_EQ_U64(atomic_load(&th.msi[3]), 1);
	/* A finite spin completes by itself. */
	c = test_cmd(FLLM_TEST_SPIN, 0, 0, 0, 30000);
	cpl = run(&c, FLLM_CARD_OK);
	CU_ASSERT(cpl.cycles >= 30000);
	c = test_cmd(FLLM_TEST_FILL, 0, 4096, FLLM_PAT_ADDRESS, 0);
	run(&c, FLLM_CARD_OK);
	c = test_cmd(FLLM_TEST_CHECK, 0, 4096, FLLM_PAT_ADDRESS, 0);
	FLLM_ASSERT_EQ_U64(run(&c, FLLM_CARD_OK).result, 0);
	FLLM_ASSERT_EQ_U64(th_reg(&th, FLLM_REG_TEL_WATCHDOG), 1);
	CU_ASSERT(th_close(&th) == 0);
}

CU_TestInfo sim_cmd_tests[] = {
	{ "NOP and phase", test_nop },
	{ "TIMESTAMP monotonic", test_timestamp },
	{ "DMA_COPY all directions", test_dma_copy },
	{ "TEST fill and check", test_fill_check },
	{ "malformed commands", test_malformed },
	{ "watchdog", test_watchdog },
	CU_TEST_INFO_NULL,
};
