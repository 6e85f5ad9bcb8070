/* Command lists: card command records built and range-checked on the host. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "fllm_card_attention.h"
#include "internal.h"

/* An empty list bound to dev. */
fllm_status fllm_cmdlist_create(fllm_device *dev, fllm_cmdlist **out)
{
	fllm_cmdlist *cl;
	void *cmds;

	assert(dev && out);
	cl = fllm_calloc_with_array(sizeof(*cl), FLLM_CMDLIST_MAX, sizeof(*cl->cmds), &cmds);
	if (!cl)
		return FLLM_E_NO_MEMORY;
	cl->cmds = cmds;
	cl->dev = dev;
	fllm_device_child_add(dev, FLLM_HANDLE_CMDLIST);
	*out = cl;
	return FLLM_OK;
}

void fllm_cmdlist_free(fllm_cmdlist *cl)
{
	if (!cl)
		return;
	fllm_device_child_del(cl->dev, FLLM_HANDLE_CMDLIST);
	free(cl->cmds);
	free(cl);
}

void fllm_cmdlist_reset(fllm_cmdlist *cl)
{
	assert(cl);
	cl->n = 0;
}

uint32_t fllm_cmdlist_count(const fllm_cmdlist *cl)
{
	assert(cl);
	return cl->n;
}

/*
 * Append a record of opcode with flags and timeout whose argument area
 * starts with args (n bytes, the rest zero). INVALID_ARG when the list is
 * full.
 */
static fllm_status append_record(fllm_cmdlist *cl, uint16_t opcode, uint16_t flags,
				 uint32_t timeout_us, const void *args, size_t n)
{
	struct fllm_cmd *c;

	assert(n <= sizeof(c->arg));
	if (cl->n >= FLLM_CMDLIST_MAX)
		return FLLM_E_INVALID_ARG;
	c = &cl->cmds[cl->n++];
	memset(c, 0, sizeof(*c));
	c->opcode = opcode;
	c->flags = flags;
	c->timeout_us = timeout_us;
	if (n)
		memcpy(c->arg, args, n);
	return FLLM_OK;
}

/* A BO range used by a command: same device, inside the BO, not empty. */
static fllm_status check_bo(const fllm_cmdlist *cl, const fllm_bo *bo, uint64_t off,
			    uint64_t len)
{
	assert(bo);
	if (bo->dev != cl->dev || !len)
		return FLLM_E_INVALID_ARG;
	if (off > bo->size || len > bo->size - off)
		return FLLM_E_OUT_OF_RANGE;
	return FLLM_OK;
}

fllm_status fllm_cmdlist_nop(fllm_cmdlist *cl)
{
	assert(cl);
	return append_record(cl, FLLM_OP_NOP, 0, 0, NULL, 0);
}

fllm_status fllm_cmdlist_fence(fllm_cmdlist *cl)
{
	assert(cl);
	return append_record(cl, FLLM_OP_FENCE, FLLM_CMD_F_FENCE, 0, NULL, 0);
}

/* The card's cycle counter into 8 bytes at offset (8-aligned). */
fllm_status fllm_cmdlist_timestamp(fllm_cmdlist *cl, fllm_bo *bo, uint64_t offset)
{
	uint64_t addr;
	fllm_status st;

	assert(cl);
	st = check_bo(cl, bo, offset, 8);
	if (st)
		return st;
	if (offset & 7)
		return FLLM_E_INVALID_ARG;
	addr = bo->card_addr + offset;
	return append_record(cl, FLLM_OP_TIMESTAMP, 0, 0, &addr, sizeof(addr));
}

/* Card-to-card copy of len bytes. */
fllm_status fllm_cmdlist_copy(fllm_cmdlist *cl, fllm_bo *dst, uint64_t dst_off, fllm_bo *src,
			      uint64_t src_off, uint64_t len)
{
	struct fllm_cmd_dma_copy a = { 0 };
	fllm_status st;

	assert(cl);
	st = check_bo(cl, dst, dst_off, len);
	if (!st)
		st = check_bo(cl, src, src_off, len);
	if (st)
		return st;
	if (len > FLLM_COPY_MAX_BYTES)
		return FLLM_E_INVALID_ARG;
	a.src = src->card_addr + src_off;
	a.dst = dst->card_addr + dst_off;
	a.bytes = len;
	a.dir = FLLM_COPY_C2C;
	return append_record(cl, FLLM_OP_DMA_COPY, 0, 0, &a, sizeof(a));
}

/* A test-unit record; shared by fill, check and spin. */
static fllm_status record_test(fllm_cmdlist *cl, const struct fllm_cmd_test *t,
			       uint32_t timeout_us)
{
	return append_record(cl, FLLM_OP_TEST, 0, timeout_us, t, sizeof(*t));
}

/* Fill or check: 8-aligned range and a known pattern. */
static fllm_status record_pattern(fllm_cmdlist *cl, uint64_t op, fllm_bo *bo, uint64_t offset,
				  uint64_t len, fllm_pattern pattern, uint64_t seed)
{
	struct fllm_cmd_test t = { 0 };
	fllm_status st;

	assert(cl);
	st = check_bo(cl, bo, offset, len);
	if (st)
		return st;
	if ((offset & 7) || (len & 7) || (unsigned)pattern > FLLM_PATTERN_PRNG)
		return FLLM_E_INVALID_ARG;
	t.op = op;
	t.addr = bo->card_addr + offset;
	t.bytes = len;
	t.pattern = (uint64_t)pattern;
	t.seed = seed;
	return record_test(cl, &t, 0);
}

fllm_status fllm_cmdlist_fill(fllm_cmdlist *cl, fllm_bo *bo, uint64_t offset, uint64_t len,
			      fllm_pattern pattern, uint64_t seed)
{
	return record_pattern(cl, FLLM_TEST_FILL, bo, offset, len, pattern, seed);
}

fllm_status fllm_cmdlist_check(fllm_cmdlist *cl, fllm_bo *bo, uint64_t offset, uint64_t len,
			       fllm_pattern pattern, uint64_t seed)
{
	return record_pattern(cl, FLLM_TEST_CHECK, bo, offset, len, pattern, seed);
}

/* Busy the test unit for cycles (UINT64_MAX: until the watchdog). */
fllm_status fllm_cmdlist_spin(fllm_cmdlist *cl, uint64_t cycles, uint32_t timeout_us)
{
	struct fllm_cmd_test t = { 0 };

	assert(cl);
	t.op = FLLM_TEST_SPIN;
	t.seed = cycles;
	return record_test(cl, &t, timeout_us);
}

/* A compute-unit command (struct fllm_cmd_cu) whose parameter block is in params. */
static fllm_status record_cu(fllm_cmdlist *cl, uint16_t opcode, fllm_bo *params,
			     uint64_t offset, uint32_t bytes)
{
	struct fllm_cmd_cu a = { 0 };
	fllm_status st;

	assert(cl);
	st = check_bo(cl, params, offset, bytes);
	if (st)
		return st;
	if (bytes > FLLM_CU_PARAMS_MAX || (params->card_addr + offset) & 63)
		return FLLM_E_INVALID_ARG;
	a.params = params->card_addr + offset;
	a.params_bytes = bytes;
	return append_record(cl, opcode, 0, 0, &a, sizeof(a));
}

/* LUT-GEMM with its parameter block in params; the card checks the block's contents. */
fllm_status fllm_cmdlist_lutgemm(fllm_cmdlist *cl, fllm_bo *params, uint64_t offset,
				 uint32_t bytes)
{
	return record_cu(cl, FLLM_OP_LUTGEMM, params, offset, bytes);
}

/* Vector op with its parameter block in params; the card checks the block's contents. */
fllm_status fllm_cmdlist_vector(fllm_cmdlist *cl, fllm_bo *params, uint64_t offset,
				uint32_t bytes)
{
	return record_cu(cl, FLLM_OP_VECTOR, params, offset, bytes);
}

/* Attention with its 192-byte parameter block in params; the card checks its contents. */
fllm_status fllm_cmdlist_attention(fllm_cmdlist *cl, fllm_bo *params, uint64_t offset)
{
	return record_cu(cl, FLLM_OP_ATTENTION, params, offset,
			 sizeof(struct fllm_attention_params));
}

/* A record passed through unchecked, for card-side validation tests. */
fllm_status fllm_cmdlist_raw(fllm_cmdlist *cl, const void *record64)
{
	assert(cl && record64);
	if (cl->n >= FLLM_CMDLIST_MAX)
		return FLLM_E_INVALID_ARG;
	memcpy(&cl->cmds[cl->n++], record64, sizeof(cl->cmds[0]));
	return FLLM_OK;
}

/* Hand the records to the backend; ev NULL means wait here. */
fllm_status fllm_cmdlist_submit(fllm_cmdlist *cl, fllm_event **ev)
{
	struct fllm_backend_job *job;
	fllm_event *e;
	fllm_status st;

	assert(cl);
	if (!cl->n)
		return FLLM_E_INVALID_ARG;
	st = cl->dev->ops->submit(cl->dev->priv, cl->cmds, cl->n, &job);
	if (st)
		return st;
	st = fllm_event_create(cl->dev, job, cl->n, &e);
	if (st) {
		/* the commands run anyway; the backend drops their completions */
		cl->dev->ops->job_free(cl->dev->priv, job);
		return st;
	}
	if (ev) {
		*ev = e;
		return FLLM_OK;
	}
	st = fllm_event_wait(e, UINT64_MAX);
	fllm_event_free(e);
	return st;
}
