/*
 * The model's DMA engines driven through their rings: a round trip with a
 * data check, and each bad descriptor completing with its error while the
 * engine goes on with the next one.
 */
#include <stdlib.h>
#include <string.h>

#include "test_host.h"
#include "test_main.h"
#include "test_sim.h"

#define BUF 65536u

static struct test_host th;
static uint8_t *src, *dst;	/* (BUF) bytes each, mapped for the card */

static void open_card(void)
{
	CU_ASSERT_FATAL(th_open(&th, NULL) == 0);
	src = malloc(BUF);
	dst = malloc(BUF);
	CU_ASSERT_FATAL(src && dst);
	for (uint32_t i = 0; i < BUF; i++)
		src[i] = (uint8_t)(rand() >> 7);
	memset(dst, 0, BUF);
	th_map(&th, src, BUF);
	th_map(&th, dst, BUF);
}

static void close_card(void)
{
	CU_ASSERT(th_close(&th) == 0);
	free(src);
	free(dst);
}

/* H2C then C2H of the same card range returns the data. */
static void round_trip(uint64_t card_addr, uint32_t len)
{
	memset(dst, 0, len);
	FLLM_ASSERT_EQ_U64(th_dma(&th, FLLM_DMA_H2C, (uintptr_t)src, card_addr, len, 0),
			   FLLM_DESC_S_MAKE(FLLM_CARD_OK));
	FLLM_ASSERT_EQ_U64(th_dma(&th, FLLM_DMA_C2H, (uintptr_t)dst, card_addr, len, 0),
			   FLLM_DESC_S_MAKE(FLLM_CARD_OK));
	CU_ASSERT(memcmp(src, dst, len) == 0);
}

static void test_round_trip(void)
{
	open_card();
	round_trip(12345, BUF);
	round_trip(0, 1);
	FLLM_ASSERT_EQ_U64(th_reg64(&th, FLLM_REG_DMA(FLLM_DMA_H2C, FLLM_DMA_BYTES_LO)), BUF + 1);
	FLLM_ASSERT_EQ_U64(th_reg64(&th, FLLM_REG_DMA(FLLM_DMA_C2H, FLLM_DMA_BYTES_LO)), BUF + 1);
	FLLM_ASSERT_EQ_U64(th_reg(&th, FLLM_REG_TEL_DMA_ERRORS), 0);
	CU_ASSERT_FALSE(th_reg(&th, FLLM_REG_DMA(0, FLLM_DMA_STATUS)) & FLLM_DMA_STATUS_ERROR);
	/* The cookie is the host's: untouched. */
	FLLM_ASSERT_EQ_U64(th.dq[0][0].cookie, 0xc0ffee);
	close_card();
}

/* A descriptor error: status, ERROR bit, counter; then a good one clears ERROR. */
static void expect_desc_error(uint32_t ch, int status, int err)
{
	FLLM_ASSERT_EQ_U64(status, FLLM_DESC_S_MAKE((uint32_t)err));
	CU_ASSERT(th_reg(&th, FLLM_REG_DMA(ch, FLLM_DMA_STATUS)) & FLLM_DMA_STATUS_ERROR);
	FLLM_ASSERT_EQ_U64(th_reg(&th, FLLM_REG_TEL_DMA_ERRORS), 1);
	round_trip(4096, 4096);
	CU_ASSERT_FALSE(th_reg(&th, FLLM_REG_DMA(FLLM_DMA_C2H, FLLM_DMA_STATUS)) &
			FLLM_DMA_STATUS_ERROR);
}

static void test_len_zero(void)
{
	open_card();
	expect_desc_error(0, th_dma(&th, 0, (uintptr_t)src, 0, 0, 0), FLLM_CARD_ERR_SIZE);
	close_card();
}

static void test_len_too_big(void)
{
	uint32_t max;

	open_card();
	max = th_reg(&th, FLLM_REG_DMA_MAX_LEN);
	expect_desc_error(0, th_dma(&th, 0, (uintptr_t)src, 0, max + 1, 0), FLLM_CARD_ERR_SIZE);
	close_card();
}

static void test_bad_flags(void)
{
	open_card();
	expect_desc_error(1, th_dma(&th, 1, (uintptr_t)dst, 0, 64, 0x8), FLLM_CARD_ERR_FLAGS);
	close_card();
}

static void test_card_out_of_range(void)
{
	uint64_t size;

	open_card();
	size = th_reg64(&th, FLLM_REG_MEM_SIZE_LO);
	expect_desc_error(0, th_dma(&th, 0, (uintptr_t)src, size - 64, 128, 0),
			  FLLM_CARD_ERR_ADDR);
	close_card();
}

static void test_card_addr_wraps(void)
{
	open_card();
	expect_desc_error(1, th_dma(&th, 1, (uintptr_t)dst, UINT64_MAX - 15, 64, 0),
			  FLLM_CARD_ERR_ADDR);
	close_card();
}

static void test_host_unmapped(void)
{
	uint8_t *stray = malloc(256);	/* (256) bytes never mapped for the card */

	open_card();
	expect_desc_error(0, th_dma(&th, 0, (uintptr_t)stray, 0, 256, 0),
			  FLLM_CARD_ERR_HOST_DMA);
	free(stray);
	close_card();
}

/* A descriptor crossing the end of a mapped buffer is refused too. */
static void test_host_overrun(void)
{
	open_card();
	expect_desc_error(1, th_dma(&th, 1, (uintptr_t)dst + BUF - 8, 0, 64, 0),
			  FLLM_CARD_ERR_HOST_DMA);
	close_card();
}

/* FLLM_DESC_F_IRQ raises the channel's source and vector. */
static void test_desc_irq(void)
{
	open_card();
	th_set_reg(&th, FLLM_REG_IRQ_MASK, FLLM_IRQ_ALL);
	FLLM_ASSERT_EQ_U64(th_dma(&th, 1, (uintptr_t)dst, 0, 64, FLLM_DESC_F_IRQ),
			   FLLM_DESC_S_MAKE(FLLM_CARD_OK));
	CU_ASSERT(th_reg(&th, FLLM_REG_IRQ_STATUS) & FLLM_IRQ_DMA_C2H);
	FLLM_ASSERT_EQ_U64(atomic_load(&th.msi[2]), 1);
	FLLM_ASSERT_EQ_U64(atomic_load(&th.msi[1]), 0);
	close_card();
}

/* A ring the engine cannot read halts it; RUN off and on restarts it. */
static void test_ring_unreadable(void)
{
	open_card();
	th_unmap(&th, th.dq[0]);
	th.dq_tail[0] = 1;
	th_set_reg(&th, FLLM_REG_DMA(0, FLLM_DMA_TAIL), 1);
	CU_ASSERT(th_wait_reg(&th, FLLM_REG_DMA(0, FLLM_DMA_STATUS), FLLM_DMA_STATUS_ERROR,
			      FLLM_DMA_STATUS_ERROR, 1000) == 0);
	FLLM_ASSERT_EQ_U64(th_reg(&th, FLLM_REG_DMA(0, FLLM_DMA_HEAD)), 0);
	th_map(&th, th.dq[0], TH_RING * sizeof(struct fllm_dma_desc));
	th_set_reg(&th, FLLM_REG_DMA(0, FLLM_DMA_CONTROL), 0);
	th_set_reg(&th, FLLM_REG_DMA(0, FLLM_DMA_TAIL), 0);
	th_sleep_ms(5);
	th.dq_tail[0] = 0;
	th_set_reg(&th, FLLM_REG_DMA(0, FLLM_DMA_CONTROL), FLLM_DMA_CTRL_RUN);
	round_trip(0, 512);
	close_card();
}

CU_TestInfo sim_dma_tests[] = {
	{ "H2C/C2H round trip", test_round_trip },
	{ "len zero", test_len_zero },
	{ "len above DMA_MAX_LEN", test_len_too_big },
	{ "unknown flag", test_bad_flags },
	{ "card range outside memory", test_card_out_of_range },
	{ "card range wraps", test_card_addr_wraps },
	{ "host address unmapped", test_host_unmapped },
	{ "host range overruns buffer", test_host_overrun },
	{ "descriptor IRQ", test_desc_irq },
	{ "ring unreadable halts engine", test_ring_unreadable },
	CU_TEST_INFO_NULL,
};
