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
 * block's sequence descriptors are copied the same way, next to the
 * blocks: each is checked (fllm_params_attention_seq), its block table must
 * lie in one of the file's BOs, and the copied block points at the copied
 * descriptors. The tables' contents stay in the process's BO: the unit
 * uses them only as block indices into the checked pool.
 */
#include <linux/mm.h>
#include <linux/slab.h>

#include "fllm_drv.h"
#include "fllm_card_attention.h"

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

	for (i = 0; i < n; i++) {
		if (fllm_check_is_cu(&cmds[i]))
			max += FLLM_PARAMS_RANGES_MAX;
		if (cmds[i].opcode == FLLM_OP_ATTENTION)
			max += FLLM_ATTN_SEQS_MAX;	/* one per block table */
	}
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
 * A unit record of the job: its index in cmds and where the copies of its
 * block (slot * FLLM_PARAMS_SLOT) and of its attention descriptors (seq_off,
 * n_seqs of them; none for other units) lie in the driver's buffer and area.
 */
struct fllm_check_unit {
	u32 cmd;
	u32 n_seqs;
	u64 seq_off;
};

/*
 * The ranges of each fetched block (ffile->lock held): all inside the
 * file's BOs, which the job then references, or the record is rejected.
 * Returns the number of rejected records.
 */
static int fllm_check_blocks(struct fllm_file *ffile, struct fllm_cmd *cmds,
			     struct fllm_job *job, const struct fllm_check_unit *u, u32 units,
			     const u8 *buf)
{
	struct fllm_range r[FLLM_PARAMS_RANGES_MAX];
	struct fllm_bo *bo[FLLM_PARAMS_RANGES_MAX];
	int rejected = 0, n, k;
	u32 i, j;

	for (j = 0; j < units; j++) {
		i = u[j].cmd;
		n = fllm_params_ranges(cmds[i].opcode, buf + (size_t)j * FLLM_PARAMS_SLOT,
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
 * The copied descriptors of each attention record still accepted
 * (ffile->lock held): every one valid and its block table inside one of
 * the file's BOs, which the job then references, or the record is
 * rejected (references already taken stay until the job completes).
 * Returns the number of rejected records.
 */
static int fllm_check_seqs(struct fllm_file *ffile, struct fllm_cmd *cmds,
			   struct fllm_job *job, const struct fllm_check_unit *u, u32 units,
			   const u8 *buf)
{
	const struct fllm_attention_seq *d;
	struct fllm_bo *bo, *last;
	struct fllm_range r;
	int rejected = 0, st;
	u32 i, j, s;

	for (j = 0; j < units; j++) {
		i = u[j].cmd;
		if (cmds[i].opcode != FLLM_OP_ATTENTION || !u[j].n_seqs)
			continue;
		d = (const struct fllm_attention_seq *)(buf + u[j].seq_off);
		last = NULL;
		for (s = 0, st = 0; s < u[j].n_seqs && !st; s++) {
			st = fllm_params_attention_seq(buf + (size_t)j * FLLM_PARAMS_SLOT, &d[s],
						       &r);
			if (st)
				break;
			bo = fllm_bo_find_range(ffile, r.addr, r.len);
			if (!bo) {
				st = -FLLM_CARD_ERR_ADDR;
				break;
			}
			if (bo != last) {	/* tables usually share one BO */
				fllm_bo_get(bo);
				job->bos[job->nbos++] = bo;
				last = bo;
			}
		}
		if (st) {
			fllm_check_reject(&cmds[i], &job->cpl[i], -st);
			rejected++;
		}
	}
	return rejected;
}

/*
 * Place the descriptors of the attention records still accepted after the
 * units' block slots in the buffer (*buf, *bytes long, grown as needed)
 * and fetch them there. Returns 0 or -errno.
 */
static int fllm_check_fetch_seqs(struct fllm_dev *fdev, const struct fllm_cmd *cmds,
				 struct fllm_check_unit *u, u32 units, u8 **buf, u64 *bytes)
{
	const struct fllm_attention_params *p;
	u64 size = *bytes, len;
	u32 j;
	u8 *grown;
	int rc = 0;

	for (j = 0; j < units; j++) {
		if (cmds[u[j].cmd].opcode != FLLM_OP_ATTENTION)
			continue;
		p = (const void *)(*buf + (size_t)j * FLLM_PARAMS_SLOT);
		/* fllm_params_ranges() accepted the block: 1 <= n_seqs <= 256 */
		u[j].n_seqs = p->n_seqs;
		u[j].seq_off = size;
		len = round_up((u64)p->n_seqs * sizeof(struct fllm_attention_seq),
			       FLLM_ATTN_ALIGN);
		if (check_add_overflow(size, len, &size))
			return -EOVERFLOW;
	}
	if (size == *bytes)
		return 0;
	if (size > SIZE_MAX)
		return -EOVERFLOW;
	grown = kvzalloc(size, GFP_KERNEL);
	if (!grown)
		return -ENOMEM;
	memcpy(grown, *buf, *bytes);
	kvfree(*buf);
	*buf = grown;
	*bytes = size;
	for (j = 0; j < units && !rc; j++) {
		if (!u[j].n_seqs)
			continue;
		p = (const void *)(grown + (size_t)j * FLLM_PARAMS_SLOT);
		rc = fllm_dma_kbuf(fdev, FLLM_DMA_C2H, p->seq_addr, grown + u[j].seq_off,
				   (size_t)u[j].n_seqs * sizeof(struct fllm_attention_seq));
	}
	return rc;
}

/*
 * Fetch the parameter blocks of the job's unit records into a kernel
 * buffer, then the descriptors of its attention blocks, check what they
 * name, and put the checked copies into a card area the driver owns
 * (referenced by the job until it completes), pointing the records and
 * the copied attention blocks there. Returns the number of rejected
 * records or -errno.
 */
static int fllm_check_params(struct fllm_file *ffile, struct fllm_cmd *cmds,
			     struct fllm_job *job)
{
	struct fllm_dev *fdev = ffile->fdev;
	struct fllm_attention_params *p;
	struct fllm_check_unit *u;
	struct fllm_bo *area;
	u32 i, j, units = 0;
	int rc = 0, rejected = 0;
	u64 bytes;
	u8 *buf;

	for (i = 0; i < job->n; i++)
		units += fllm_check_is_cu(&cmds[i]);
	if (!units)
		return 0;
	u = kvcalloc(units, sizeof(*u), GFP_KERNEL);
	if (!u)
		return -ENOMEM;
	bytes = (u64)units * FLLM_PARAMS_SLOT;
	buf = kvzalloc(bytes, GFP_KERNEL);
	if (!buf) {
		rc = -ENOMEM;
		goto out_free_units;
	}
	for (i = 0, j = 0; i < job->n && !rc; i++) {
		if (!fllm_check_is_cu(&cmds[i]))
			continue;
		u[j].cmd = i;
		rc = fllm_dma_kbuf(fdev, FLLM_DMA_C2H, cmds[i].arg[0],
				   buf + (size_t)j++ * FLLM_PARAMS_SLOT, cmds[i].arg[1]);
	}
	if (rc)
		goto out_free_buf;
	mutex_lock(&ffile->lock);
	rejected = fllm_check_blocks(ffile, cmds, job, u, units, buf);
	mutex_unlock(&ffile->lock);
	/* the descriptors' ranges are in referenced BOs now */
	rc = fllm_check_fetch_seqs(fdev, cmds, u, units, &buf, &bytes);
	if (rc)
		goto out_free_buf;
	mutex_lock(&ffile->lock);
	rejected += fllm_check_seqs(ffile, cmds, job, u, units, buf);
	mutex_unlock(&ffile->lock);
	area = fllm_bo_alloc_kernel(fdev, bytes);
	if (IS_ERR(area)) {
		rc = PTR_ERR(area);
		goto out_free_buf;
	}
	job->bos[job->nbos++] = area;
	for (j = 0; j < units; j++) {
		i = u[j].cmd;
		if (!fllm_check_is_cu(&cmds[i]))
			continue;	/* rejected: a NOP now */
		cmds[i].arg[0] = area->card_addr + (u64)j * FLLM_PARAMS_SLOT;
		if (cmds[i].opcode == FLLM_OP_ATTENTION) {
			p = (void *)(buf + (size_t)j * FLLM_PARAMS_SLOT);
			p->seq_addr = area->card_addr + u[j].seq_off;
		}
	}
	rc = fllm_dma_kbuf(fdev, FLLM_DMA_H2C, area->card_addr, buf, bytes);
out_free_buf:
	kvfree(buf);
out_free_units:
	kvfree(u);
	return rc ? rc : rejected;
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
