// SPDX-License-Identifier: GPL-2.0
/*
 * SUBMIT's safety check: a command may only name card memory that belongs to
 * the submitting file. For every opcode the driver knows, each card range the
 * record names must lie inside one of the file's BOs; the job takes a
 * reference on that BO. A record that fails is replaced by a NOP and its
 * completion is preset to FLLM_CARD_ERR_ADDR with FLLM_UAPI_CPL_F_REJECTED.
 * Unknown opcodes, unknown copy directions and unknown test operations go to
 * the card unchanged: it validates every record before it acts and rejects
 * those without touching memory.
 *
 * Limit: a compute unit's parameter block is checked as a range, but the card
 * addresses inside it are not: the block is in card memory, which the driver
 * cannot read here. docs/driver.md describes the gap and the planned fix.
 */
#include "fllm_drv.h"

/* One card range a record names. */
struct fllm_range {
	u64 addr;
	u64 len;
};

/* The card ranges of cmd (0, 1 or 2); -1 when it must not reach the card. */
static int fllm_check_ranges(const struct fllm_cmd *cmd, struct fllm_range *r)
{
	switch (cmd->opcode) {
	case FLLM_OP_TIMESTAMP:
		r[0] = (struct fllm_range){ cmd->arg[0], 8 };
		return 1;
	case FLLM_OP_DMA_COPY:
		switch (cmd->arg[3]) {
		case FLLM_COPY_C2C:
			r[0] = (struct fllm_range){ cmd->arg[0], cmd->arg[2] };
			r[1] = (struct fllm_range){ cmd->arg[1], cmd->arg[2] };
			return 2;
		case FLLM_COPY_H2C:
		case FLLM_COPY_C2H:
			return -1;	/* a host bus address from user space */
		}
		return 0;
	case FLLM_OP_TEST:
		if (cmd->arg[0] != FLLM_TEST_FILL && cmd->arg[0] != FLLM_TEST_CHECK)
			return 0;
		r[0] = (struct fllm_range){ cmd->arg[1], cmd->arg[2] };
		return 1;
	case FLLM_OP_LUTGEMM:
	case FLLM_OP_ATTENTION:
	case FLLM_OP_VECTOR:
		r[0] = (struct fllm_range){ cmd->arg[0], cmd->arg[1] };
		return 1;
	}
	return 0;
}

/* Turn a rejected record into a NOP and preset its completion. */
static void fllm_check_reject(struct fllm_cmd *cmd, struct fllm_uapi_cpl *cpl)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->opcode = FLLM_OP_NOP;
	cpl->status = FLLM_CARD_ERR_ADDR;
	cpl->flags = FLLM_UAPI_CPL_F_REJECTED;
}

/*
 * Check job->n records in cmds (rewriting rejected ones) and collect BO
 * references into job->bos (room for 2 per record). Returns the number of
 * rejected records.
 */
int fllm_check_cmds(struct fllm_file *ffile, struct fllm_cmd *cmds, struct fllm_job *job)
{
	struct fllm_range r[2];
	struct fllm_bo *bo[2];
	int rejected = 0, n, k;
	u32 i;

	mutex_lock(&ffile->lock);
	for (i = 0; i < job->n; i++) {
		n = fllm_check_ranges(&cmds[i], r);
		for (k = 0; k < n; k++) {
			bo[k] = fllm_bo_find_range(ffile, r[k].addr, r[k].len);
			if (!bo[k])
				break;
		}
		if (n < 0 || k < n) {
			fllm_check_reject(&cmds[i], &job->cpl[i]);
			rejected++;
			continue;
		}
		for (k = 0; k < n; k++) {
			fllm_bo_get(bo[k]);
			job->bos[job->nbos++] = bo[k];
		}
	}
	mutex_unlock(&ffile->lock);
	return rejected;
}
