/*
 * Commands on an XRT card. Records run one after another at submit: NOP and
 * FENCE complete at once; LUTGEMM starts the LUT-GEMM kernel of the image
 * on the block's buffer and waits for it (10 s budget, then WATCHDOG), on a
 * card only when that buffer starts at device address 0 (else ADDR);
 * every other opcode completes with NO_CU, as the card has no unit for it.
 */
#include <string.h>

#include "xrt_dev.h"

#define XRT_RUN_BUDGET_MS 10000u

/* The BO holding card address addr (lock held), or NULL. */
static struct xrt_bo *bo_at(struct xrt_dev *x, uint64_t addr)
{
	for (struct xrt_bo *b = x->bos; b; b = b->next)
		if (addr >= b->addr && addr - b->addr < b->size)
			return b;
	return NULL;
}

/*
 * Arguments as hls/vitis/fllm_lutgemm_krnl.c takes them: ctl and the 32
 * weight ports on the buffer that holds the block, then mem_bytes, the
 * block's address and size, and a status address past memory (the kernel
 * then writes no status word; the run's state is the completion).
 */
static uint16_t run_lutgemm(struct xrt_dev *x, const struct fllm_cmd *cmd)
{
	const struct fllm_image_meta *m = &x->img.meta;
	enum ert_cmd_state state;
	struct xrt_bo *b;
	xrtRunHandle r;
	int rc = 0;

	if (!x->lg)
		return FLLM_CARD_ERR_NO_CU;
	pthread_mutex_lock(&x->lock);
	b = bo_at(x, cmd->arg[0]);
	pthread_mutex_unlock(&x->lock);
	if (!b || cmd->arg[1] > b->addr + b->size - cmd->arg[0])
		return FLLM_CARD_ERR_ADDR;
	/*
	 * The kernel reads every address of the block from its port base, so on
	 * a card the buffer must start at device address 0, or the kernel would
	 * read and write the wrong memory: refuse instead (docs/xrt.md).
	 */
	if (!x->emulated && b->addr != 0)
		return FLLM_CARD_ERR_ADDR;
	r = xrtRunOpen(x->lg);
	if (!r)
		return FLLM_CARD_ERR_INTERNAL;
	for (int a = 0; a < 33 && !rc; a++)
		rc = xrtRunSetArg(r, a, b->h);
	if (!rc)
		rc = xrtRunSetArg(r, 33, (unsigned long)m->mem_size);
	if (!rc)
		rc = xrtRunSetArg(r, 34, (unsigned long)cmd->arg[0]);
	if (!rc)
		rc = xrtRunSetArg(r, 35, (unsigned long)cmd->arg[1]);
	if (!rc)
		rc = xrtRunSetArg(r, 36, (unsigned long)m->mem_size);
	if (!rc)
		rc = xrtRunStart(r);
	state = rc ? ERT_CMD_STATE_ERROR : xrtRunWaitFor(r, XRT_RUN_BUDGET_MS);
	xrtRunClose(r);
	if (state == ERT_CMD_STATE_COMPLETED)
		return FLLM_CARD_OK;
	return state == ERT_CMD_STATE_TIMEOUT || state == ERT_CMD_STATE_NEW ||
	       state == ERT_CMD_STATE_QUEUED || state == ERT_CMD_STATE_SUBMITTED ||
	       state == ERT_CMD_STATE_RUNNING ?
		FLLM_CARD_ERR_WATCHDOG : FLLM_CARD_ERR_INTERNAL;
}

void xrt_queue_run(struct xrt_dev *x, const struct fllm_cmd *cmd, struct fllm_cpl *cpl)
{
	memset(cpl, 0, sizeof(*cpl));
	cpl->seq = cmd->seq;
	switch (cmd->opcode) {
	case FLLM_OP_NOP:
	case FLLM_OP_FENCE:
		cpl->status = FLLM_CARD_OK;
		break;
	case FLLM_OP_LUTGEMM:
		cpl->status = run_lutgemm(x, cmd);
		break;
	default:
		cpl->status = FLLM_CARD_ERR_NO_CU;
		break;
	}
}
