/*
 * Command validation: everything in a command record comes from the host and
 * is checked here before the firmware touches memory or starts a unit.
 */
#include "fw_internal.h"

/* Card memory size from the identity registers. */
static uint64_t fw_mem_size(const struct fw *fw)
{
	return fw_reg_read64(fw, FLLM_REG_MEM_SIZE_LO);
}

/* 1 if [addr, addr + bytes) lies inside card memory (no wrap-around). */
static int fw_range_ok(const struct fw *fw, uint64_t addr, uint64_t bytes)
{
	uint64_t size = fw_mem_size(fw);

	return addr <= size && bytes <= size - addr;
}

/* 1 if the n words are all zero. */
static int fw_words_zero(const uint64_t *w, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (w[i])
			return 0;
	return 1;
}

/* Index of the first inventory unit of type, or -1. */
static int fw_find_cu(const struct fw *fw, uint32_t type)
{
	uint32_t count = fw->hal->reg_read(fw->hal->ctx, FLLM_REG_CU_COUNT);

	if (count > FLLM_CU_MAX)
		count = FLLM_CU_MAX;
	for (uint32_t i = 0; i < count; i++) {
		uint32_t info = fw->hal->reg_read(fw->hal->ctx, FLLM_REG_CU_INFO(i));

		if (FLLM_CU_INFO_TYPE(info) == type)
			return (int)i;
	}
	return -1;
}

/* TIMESTAMP: arg0 is an 8-aligned card address, the rest unused. */
static int fw_validate_timestamp(const struct fw *fw, const struct fllm_cmd *cmd)
{
	if (!fw_words_zero(&cmd->arg[1], 5))
		return FLLM_CARD_ERR_FLAGS;
	if (cmd->arg[0] & 7)
		return FLLM_CARD_ERR_ALIGN;
	if (!fw_range_ok(fw, cmd->arg[0], 8))
		return FLLM_CARD_ERR_ADDR;
	return FLLM_CARD_OK;
}

/* DMA_COPY: direction, size and the card-side ranges. */
static int fw_validate_copy(const struct fw *fw, const struct fllm_cmd *cmd)
{
	struct fllm_cmd_dma_copy a;

	fw_memcpy(&a, cmd->arg, sizeof(a));
	if (!fw_words_zero(a.reserved, 2))
		return FLLM_CARD_ERR_FLAGS;
	if (a.dir > FLLM_COPY_C2H)
		return FLLM_CARD_ERR_PARAM;
	if (a.bytes == 0 || a.bytes > FLLM_COPY_MAX_BYTES)
		return FLLM_CARD_ERR_SIZE;
	if (a.dir != FLLM_COPY_H2C && !fw_range_ok(fw, a.src, a.bytes))
		return FLLM_CARD_ERR_ADDR;
	if (a.dir != FLLM_COPY_C2H && !fw_range_ok(fw, a.dst, a.bytes))
		return FLLM_CARD_ERR_ADDR;
	return FLLM_CARD_OK;
}

/* TEST: operation, pattern and range; SPIN uses seed only. */
static int fw_validate_test(const struct fw *fw, const struct fllm_cmd *cmd)
{
	struct fllm_cmd_test a;

	fw_memcpy(&a, cmd->arg, sizeof(a));
	if (a.reserved)
		return FLLM_CARD_ERR_FLAGS;
	if (a.op > FLLM_TEST_SPIN)
		return FLLM_CARD_ERR_PARAM;
	if (a.op == FLLM_TEST_SPIN)
		return (a.addr || a.bytes || a.pattern) ? FLLM_CARD_ERR_FLAGS : FLLM_CARD_OK;
	if (a.pattern > FLLM_PAT_PRNG)
		return FLLM_CARD_ERR_PARAM;
	if (a.addr & 7)
		return FLLM_CARD_ERR_ALIGN;
	if (a.bytes == 0)
		return FLLM_CARD_ERR_SIZE;
	if (a.bytes & 7)
		return FLLM_CARD_ERR_ALIGN;
	if (!fw_range_ok(fw, a.addr, a.bytes))
		return FLLM_CARD_ERR_ADDR;
	return FLLM_CARD_OK;
}

/* LUTGEMM, ATTENTION, VECTOR: the parameter block in card memory. */
static int fw_validate_cu_params(const struct fw *fw, const struct fllm_cmd *cmd)
{
	struct fllm_cmd_cu a;

	fw_memcpy(&a, cmd->arg, sizeof(a));
	if (!fw_words_zero(a.reserved, 4))
		return FLLM_CARD_ERR_FLAGS;
	if (a.params & 63)
		return FLLM_CARD_ERR_ALIGN;
	if (a.params_bytes == 0 || a.params_bytes > FLLM_CU_PARAMS_MAX)
		return FLLM_CARD_ERR_SIZE;
	if (!fw_range_ok(fw, a.params, a.params_bytes))
		return FLLM_CARD_ERR_ADDR;
	return FLLM_CARD_OK;
}

/* Unit type an opcode runs on, FLLM_CU_NONE for firmware-run opcodes. */
static uint32_t fw_opcode_cu_type(uint32_t opcode)
{
	switch (opcode) {
	case FLLM_OP_TEST:
		return FLLM_CU_TEST;
	case FLLM_OP_LUTGEMM:
		return FLLM_CU_LUTGEMM;
	case FLLM_OP_ATTENTION:
		return FLLM_CU_ATTENTION;
	case FLLM_OP_VECTOR:
		return FLLM_CU_VECTOR;
	default:
		return FLLM_CU_NONE;
	}
}

/* 1 for the opcodes of this interface version. */
static int fw_opcode_known(uint32_t opcode)
{
	switch (opcode) {
	case FLLM_OP_NOP:
	case FLLM_OP_FENCE:
	case FLLM_OP_TIMESTAMP:
	case FLLM_OP_DMA_COPY:
	case FLLM_OP_TEST:
	case FLLM_OP_LUTGEMM:
	case FLLM_OP_ATTENTION:
	case FLLM_OP_VECTOR:
		return 1;
	default:
		return 0;
	}
}

/* See fw.h; checks run in the order the semantics block lists them. */
int fw_validate(const struct fw *fw, const struct fllm_cmd *cmd, uint32_t *cu)
{
	uint32_t type;
	int err, idx;

	if (!fw_opcode_known(cmd->opcode))
		return FLLM_CARD_ERR_OPCODE;
	if (cmd->flags & ~FLLM_CMD_F_MASK)
		return FLLM_CARD_ERR_FLAGS;
	if (cmd->reserved)
		return FLLM_CARD_ERR_FLAGS;
	switch (cmd->opcode) {
	case FLLM_OP_NOP:
	case FLLM_OP_FENCE:
		err = fw_words_zero(cmd->arg, 6) ? FLLM_CARD_OK : FLLM_CARD_ERR_FLAGS;
		break;
	case FLLM_OP_TIMESTAMP:
		err = fw_validate_timestamp(fw, cmd);
		break;
	case FLLM_OP_DMA_COPY:
		err = fw_validate_copy(fw, cmd);
		break;
	case FLLM_OP_TEST:
		err = fw_validate_test(fw, cmd);
		break;
	case FLLM_OP_LUTGEMM:
	case FLLM_OP_ATTENTION:
	case FLLM_OP_VECTOR:
		err = fw_validate_cu_params(fw, cmd);
		break;
	default:
		return FLLM_CARD_ERR_OPCODE;
	}
	if (err)
		return err;
	type = fw_opcode_cu_type(cmd->opcode);
	if (type == FLLM_CU_NONE)
		return FLLM_CARD_OK;
	idx = fw_find_cu(fw, type);
	if (idx < 0)
		return FLLM_CARD_ERR_NO_CU;
	if (cu)
		*cu = (uint32_t)idx;
	return FLLM_CARD_OK;
}
