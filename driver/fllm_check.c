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
 * A LUTGEMM, VECTOR or ATTENTION record names a parameter block in a BO; the
 * card addresses inside it are checked too (fllm_check_params): the driver
 * DMA-reads every block into a kernel buffer, checks each range the block
 * makes the unit touch against the file's BOs, writes the checked copies into
 * card memory only the driver owns and points the records there. Nothing the
 * process changes in a block afterwards reaches the unit. An attention
 * block's descriptors and tables stay in the process's BO: fllm_params.c
 * says what the driver bounds of them.
 */
#include <linux/mm.h>
#include <linux/slab.h>

#include "fllm_drv.h"

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
		if (!cmd->arg[1] || cmd->arg[1] > FLLM_PARAMS_SLOT)
			return -1;
		r[0] = (struct fllm_range){ cmd->arg[0], cmd->arg[1] };
		return 1;
	}
	return 0;
}

/* A unit record that passed the range check: its block must be fetched. */
static bool fllm_check_is_cu(const struct fllm_cmd *cmd)
{
	return cmd->opcode == FLLM_OP_LUTGEMM || cmd->opcode == FLLM_OP_ATTENTION ||
	       cmd->opcode == FLLM_OP_VECTOR;
}

/* Room job->bos needs for the references that checking cmds may take. */
u32 fllm_check_bos_max(const struct fllm_cmd *cmds, u32 n)
{
	u32 i, max = 2 * n + 1;

	for (i = 0; i < n; i++)
		if (fllm_check_is_cu(&cmds[i]))
			max += FLLM_PARAMS_RANGES_MAX;
	return max;
}

/* Turn a rejected record into a NOP and preset its completion with status. */
static void fllm_check_reject(struct fllm_cmd *cmd, struct fllm_uapi_cpl *cpl, u16 status)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->opcode = FLLM_OP_NOP;
	cpl->status = status;
	cpl->flags = FLLM_UAPI_CPL_F_REJECTED;
}

/*
 * The ranges of each fetched block (job->n records, ffile->lock held): all
 * inside the file's BOs, which the job then references, or the record is
 * rejected. Returns the number of rejected records.
 */
static int fllm_check_blocks(struct fllm_file *ffile, struct fllm_cmd *cmds,
			     struct fllm_job *job, const u8 *blocks)
{
	struct fllm_range r[FLLM_PARAMS_RANGES_MAX];
	struct fllm_bo *bo[FLLM_PARAMS_RANGES_MAX];
	int rejected = 0, n, k;
	u32 i, slot = 0;

	for (i = 0; i < job->n; i++) {
		if (!fllm_check_is_cu(&cmds[i]))
			continue;
		n = fllm_params_ranges(cmds[i].opcode, blocks + slot++ * FLLM_PARAMS_SLOT,
				       cmds[i].arg[1], r);
		for (k = 0; k < n; k++) {
			bo[k] = fllm_bo_find_range(ffile, r[k].addr, r[k].len);
			if (!bo[k])
				break;
		}
		if (n < 0 || k < n) {
			fllm_check_reject(&cmds[i], &job->cpl[i],
					  n < 0 ? -n : FLLM_CARD_ERR_ADDR);
			rejected++;
			continue;
		}
		for (k = 0; k < n; k++) {
			fllm_bo_get(bo[k]);
			job->bos[job->nbos++] = bo[k];
		}
	}
	return rejected;
}

/*
 * Fetch the parameter blocks of the job's unit records into a kernel
 * buffer, check what they name, and put the checked copies into a card
 * area the driver owns (referenced by the job until it completes), pointing
 * the records there. Returns the number of rejected records or -errno.
 */
static int fllm_check_params(struct fllm_file *ffile, struct fllm_cmd *cmds,
			     struct fllm_job *job)
{
	struct fllm_dev *fdev = ffile->fdev;
	struct fllm_bo *area;
	u32 i, slots = 0, slot = 0;
	u8 *blocks;
	int rc = 0;

	for (i = 0; i < job->n; i++)
		slots += fllm_check_is_cu(&cmds[i]);
	if (!slots)
		return 0;
	blocks = kvzalloc(array_size(slots, FLLM_PARAMS_SLOT), GFP_KERNEL);
	if (!blocks)
		return -ENOMEM;
	for (i = 0; i < job->n && !rc; i++)
		if (fllm_check_is_cu(&cmds[i]))
			rc = fllm_dma_kbuf(fdev, FLLM_DMA_C2H, cmds[i].arg[0],
					   blocks + slot++ * FLLM_PARAMS_SLOT, cmds[i].arg[1]);
	if (rc)
		goto out_free;
	mutex_lock(&ffile->lock);
	rc = fllm_check_blocks(ffile, cmds, job, blocks);
	mutex_unlock(&ffile->lock);
	area = fllm_bo_alloc_kernel(fdev, (u64)slots * FLLM_PARAMS_SLOT);
	if (IS_ERR(area)) {
		rc = PTR_ERR(area);
		goto out_free;
	}
	job->bos[job->nbos++] = area;
	rc = fllm_dma_kbuf(fdev, FLLM_DMA_H2C, area->card_addr, blocks,
			   (size_t)slots * FLLM_PARAMS_SLOT) ?: rc;
	for (i = 0, slot = 0; i < job->n; i++)
		if (fllm_check_is_cu(&cmds[i]))
			cmds[i].arg[0] = area->card_addr + slot++ * FLLM_PARAMS_SLOT;
out_free:
	kvfree(blocks);
	return rc;
}

/*
 * Check job->n records in cmds (rewriting rejected ones, pointing unit
 * records at the driver's checked copies of their blocks) and collect BO
 * references into job->bos (room for fllm_check_bos_max()). Returns the
 * number of rejected records or -errno (then nothing may be queued).
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
			fllm_check_reject(&cmds[i], &job->cpl[i], FLLM_CARD_ERR_ADDR);
			rejected++;
			continue;
		}
		for (k = 0; k < n; k++) {
			fllm_bo_get(bo[k]);
			job->bos[job->nbos++] = bo[k];
		}
	}
	mutex_unlock(&ffile->lock);
	n = fllm_check_params(ffile, cmds, job);
	return n < 0 ? n : rejected + n;
}
