/*
 * fw_validate: every valid command form passes, and each test breaks one
 * field of a valid command and expects its error code; the same command with
 * the field restored passes again.
 */
#include <string.h>

#include "fake_hal.h"
#include "test_fw.h"
#include "test_main.h"

static struct fake_card fc;

static struct fllm_cmd cmd_nop(void)
{
	return (struct fllm_cmd){ .opcode = FLLM_OP_NOP, .seq = 1 };
}

static struct fllm_cmd cmd_timestamp(void)
{
	return (struct fllm_cmd){ .opcode = FLLM_OP_TIMESTAMP, .arg = { 64 } };
}

static struct fllm_cmd cmd_copy(uint32_t dir)
{
	struct fllm_cmd c = { .opcode = FLLM_OP_DMA_COPY };
	struct fllm_cmd_dma_copy a = { .src = 0, .dst = 4096, .bytes = 256, .dir = dir };

	memcpy(c.arg, &a, sizeof(a));
	return c;
}

static struct fllm_cmd cmd_test(uint32_t op)
{
	struct fllm_cmd c = { .opcode = FLLM_OP_TEST, .timeout_us = 100 };
	struct fllm_cmd_test a = { .op = op, .addr = 1024, .bytes = 2048,
				   .pattern = FLLM_PAT_PRNG, .seed = 7 };

	if (op == FLLM_TEST_SPIN)
		a = (struct fllm_cmd_test){ .op = op, .seed = 100 };
	memcpy(c.arg, &a, sizeof(a));
	return c;
}

static struct fllm_cmd cmd_gemm(void)
{
	struct fllm_cmd c = { .opcode = FLLM_OP_LUTGEMM };
	struct fllm_cmd_cu a = { .params = 128, .params_bytes = 256 };

	memcpy(c.arg, &a, sizeof(a));
	return c;
}

/* Validate c, expecting want; also the index for unit commands. */
static void expect(const struct fllm_cmd *c, int want)
{
	uint32_t cu = 99;

	FLLM_ASSERT_STATUS(fw_validate(&fc.fw, c, &cu), want);
}

/* Each valid form passes; unit commands name their unit. */
static void test_valid_forms(void)
{
	struct fllm_cmd c;
	uint32_t cu = 99;

	fake_init(&fc);
	c = cmd_nop();
	expect(&c, FLLM_CARD_OK);
	c.opcode = FLLM_OP_FENCE;
	c.flags = FLLM_CMD_F_FENCE | FLLM_CMD_F_IRQ;
	expect(&c, FLLM_CARD_OK);
	c = cmd_timestamp();
	expect(&c, FLLM_CARD_OK);
	for (uint32_t dir = FLLM_COPY_C2C; dir <= FLLM_COPY_C2H; dir++) {
		c = cmd_copy(dir);
		expect(&c, FLLM_CARD_OK);
	}
	for (uint32_t op = FLLM_TEST_FILL; op <= FLLM_TEST_SPIN; op++) {
		c = cmd_test(op);
		FLLM_ASSERT_STATUS(fw_validate(&fc.fw, &c, &cu), FLLM_CARD_OK);
		FLLM_ASSERT_EQ_U64(cu, 0);
	}
	c = cmd_gemm();
	FLLM_ASSERT_STATUS(fw_validate(&fc.fw, &c, &cu), FLLM_CARD_OK);
	FLLM_ASSERT_EQ_U64(cu, 1);
}

/*
 * One test per broken field: build the valid command, break it, expect the
 * error, then check that the untouched valid command still passes.
 */
#define BAD(name, make, breakit, err)                                                      \
	static void name(void)                                                             \
	{                                                                                  \
		struct fllm_cmd c;                                                         \
		struct fllm_cmd_dma_copy *cp = (struct fllm_cmd_dma_copy *)c.arg;          \
		struct fllm_cmd_test *t = (struct fllm_cmd_test *)c.arg;                   \
		struct fllm_cmd_cu *u = (struct fllm_cmd_cu *)c.arg;                       \
                                                                                           \
		fake_init(&fc);                                                            \
		c = make;                                                                  \
		(void)cp;                                                                  \
		(void)t;                                                                   \
		(void)u;                                                                   \
		breakit;                                                                   \
		expect(&c, err);                                                           \
		fake_init(&fc);                                                            \
		c = make;                                                                  \
		expect(&c, FLLM_CARD_OK);                                                  \
	}

BAD(test_bad_opcode, cmd_nop(), c.opcode = 0x7f, FLLM_CARD_ERR_OPCODE)
BAD(test_bad_opcode_gap, cmd_nop(), c.opcode = 0x05, FLLM_CARD_ERR_OPCODE)
BAD(test_bad_flags, cmd_nop(), c.flags = 1u << 4, FLLM_CARD_ERR_FLAGS)
BAD(test_bad_reserved, cmd_nop(), c.reserved = 1, FLLM_CARD_ERR_FLAGS)
BAD(test_nop_arg_set, cmd_nop(), c.arg[5] = 1, FLLM_CARD_ERR_FLAGS)
BAD(test_ts_misaligned, cmd_timestamp(), c.arg[0] = 68, FLLM_CARD_ERR_ALIGN)
BAD(test_ts_out_of_range, cmd_timestamp(), c.arg[0] = FAKE_CARD_SIZE, FLLM_CARD_ERR_ADDR)
BAD(test_ts_wraps, cmd_timestamp(), c.arg[0] = UINT64_MAX - 7, FLLM_CARD_ERR_ADDR)
BAD(test_ts_extra_arg, cmd_timestamp(), c.arg[1] = 1, FLLM_CARD_ERR_FLAGS)
BAD(test_copy_zero, cmd_copy(FLLM_COPY_C2C), cp->bytes = 0, FLLM_CARD_ERR_SIZE)
BAD(test_copy_too_big, cmd_copy(FLLM_COPY_H2C), cp->bytes = FLLM_COPY_MAX_BYTES + 1,
    FLLM_CARD_ERR_SIZE)
BAD(test_copy_bad_dir, cmd_copy(FLLM_COPY_C2C), cp->dir = 3, FLLM_CARD_ERR_PARAM)
BAD(test_copy_reserved, cmd_copy(FLLM_COPY_C2C), cp->reserved[1] = 1, FLLM_CARD_ERR_FLAGS)
BAD(test_copy_src_range, cmd_copy(FLLM_COPY_C2C), cp->src = FAKE_CARD_SIZE - 255,
    FLLM_CARD_ERR_ADDR)
BAD(test_copy_dst_wraps, cmd_copy(FLLM_COPY_H2C), cp->dst = UINT64_MAX - 64,
    FLLM_CARD_ERR_ADDR)
BAD(test_copy_c2h_src_range, cmd_copy(FLLM_COPY_C2H), cp->src = FAKE_CARD_SIZE,
    FLLM_CARD_ERR_ADDR)
BAD(test_test_bad_op, cmd_test(FLLM_TEST_FILL), t->op = 3, FLLM_CARD_ERR_PARAM)
BAD(test_test_bad_pattern, cmd_test(FLLM_TEST_CHECK), t->pattern = 4, FLLM_CARD_ERR_PARAM)
BAD(test_test_misaligned, cmd_test(FLLM_TEST_FILL), t->addr = 1028, FLLM_CARD_ERR_ALIGN)
BAD(test_test_zero_bytes, cmd_test(FLLM_TEST_FILL), t->bytes = 0, FLLM_CARD_ERR_SIZE)
BAD(test_test_odd_bytes, cmd_test(FLLM_TEST_CHECK), t->bytes = 12, FLLM_CARD_ERR_ALIGN)
BAD(test_test_range, cmd_test(FLLM_TEST_FILL), t->bytes = FAKE_CARD_SIZE, FLLM_CARD_ERR_ADDR)
BAD(test_test_reserved, cmd_test(FLLM_TEST_FILL), t->reserved = 1, FLLM_CARD_ERR_FLAGS)
BAD(test_spin_with_addr, cmd_test(FLLM_TEST_SPIN), t->addr = 8, FLLM_CARD_ERR_FLAGS)
BAD(test_test_no_unit, cmd_test(FLLM_TEST_FILL),
    fake_set_reg(&fc, FLLM_REG_CU_INFO(0), FLLM_CU_INFO_MAKE(FLLM_CU_VECTOR, 1)),
    FLLM_CARD_ERR_NO_CU)
BAD(test_cu_misaligned, cmd_gemm(), u->params = 96, FLLM_CARD_ERR_ALIGN)
BAD(test_cu_zero_bytes, cmd_gemm(), u->params_bytes = 0, FLLM_CARD_ERR_SIZE)
BAD(test_cu_too_big, cmd_gemm(), u->params_bytes = FLLM_CU_PARAMS_MAX + 1, FLLM_CARD_ERR_SIZE)
BAD(test_cu_range, cmd_gemm(), u->params = FAKE_CARD_SIZE - 128, FLLM_CARD_ERR_ADDR)
BAD(test_cu_reserved, cmd_gemm(), u->reserved[3] = 1, FLLM_CARD_ERR_FLAGS)
BAD(test_cu_no_unit, cmd_gemm(), c.opcode = FLLM_OP_ATTENTION, FLLM_CARD_ERR_NO_CU)
BAD(test_cu_count_hides_unit, cmd_gemm(), fake_set_reg(&fc, FLLM_REG_CU_COUNT, 1),
    FLLM_CARD_ERR_NO_CU)

CU_TestInfo fw_validate_tests[] = {
	{ "valid forms", test_valid_forms },
	{ "unknown opcode", test_bad_opcode },
	{ "opcode in a gap", test_bad_opcode_gap },
	{ "unknown flag", test_bad_flags },
	{ "reserved nonzero", test_bad_reserved },
	{ "NOP argument set", test_nop_arg_set },
	{ "TIMESTAMP misaligned", test_ts_misaligned },
	{ "TIMESTAMP out of range", test_ts_out_of_range },
	{ "TIMESTAMP range wraps", test_ts_wraps },
	{ "TIMESTAMP unused argument", test_ts_extra_arg },
	{ "DMA_COPY zero bytes", test_copy_zero },
	{ "DMA_COPY too big", test_copy_too_big },
	{ "DMA_COPY bad dir", test_copy_bad_dir },
	{ "DMA_COPY reserved", test_copy_reserved },
	{ "DMA_COPY src out of range", test_copy_src_range },
	{ "DMA_COPY dst wraps", test_copy_dst_wraps },
	{ "DMA_COPY C2H src out of range", test_copy_c2h_src_range },
	{ "TEST bad op", test_test_bad_op },
	{ "TEST bad pattern", test_test_bad_pattern },
	{ "TEST misaligned", test_test_misaligned },
	{ "TEST zero bytes", test_test_zero_bytes },
	{ "TEST bytes not multiple of 8", test_test_odd_bytes },
	{ "TEST out of range", test_test_range },
	{ "TEST reserved", test_test_reserved },
	{ "SPIN with address", test_spin_with_addr },
	{ "TEST no unit", test_test_no_unit },
	{ "CU params misaligned", test_cu_misaligned },
	{ "CU params zero", test_cu_zero_bytes },
	{ "CU params too big", test_cu_too_big },
	{ "CU params out of range", test_cu_range },
	{ "CU reserved", test_cu_reserved },
	{ "CU type missing", test_cu_no_unit },
	{ "CU beyond CU_COUNT", test_cu_count_hides_unit },
	CU_TEST_INFO_NULL,
};
