/* Check "command_errors": the command processor rejects malformed records. */
#include <string.h>

#include "../card_names.h"
#include "check.h"
#include "fllm_card.h"

#define CMDERR_BO_SIZE 4096u

/* The raw record cmd as it is. */
static fllm_status cmderr_record_raw(fllm_cmdlist *cl, void *cmd)
{
	return fllm_cmdlist_raw(cl, cmd);
}

/* Submit one raw record alone; *card_status receives its completion status. */
static fllm_status cmderr_submit_raw(fllm_device *dev, struct fllm_cmd *cmd,
				     uint16_t *card_status)
{
	fllm_cmd_result r = { 0 };
	fllm_status st = val_run_one(dev, cmderr_record_raw, cmd, &r);

	*card_status = r.card_status;
	return st;
}

/* A TEST FILL record over [addr, addr + bytes), valid unless the caller breaks it. */
static void cmderr_fill(struct fllm_cmd *cmd, uint64_t addr, uint64_t bytes)
{
	struct fllm_cmd_test t = { FLLM_TEST_FILL, addr, bytes, FLLM_PAT_CONST, 0x5a5a, 0 };

	memset(cmd, 0, sizeof(*cmd));
	cmd->opcode = FLLM_OP_TEST;
	memcpy(cmd->arg, &t, sizeof(t));
}

/* Each case starts from a valid record and breaks one field; the card must
 * complete it with the matching error (and the runtime report FLLM_E_CARD).
 * Afterwards a valid FILL + CHECK must still succeed. */
void val_check_cmd_errors(struct val_ctx *ctx, struct val_result *res)
{
	struct {
		const char *what;
		struct fllm_cmd cmd;
		uint16_t want;
	} cases[7];
	fllm_cmd_result r[2] = { { 0 }, { 0 } };
	uint64_t base, end = ctx->info.mem_size & ~7ull;
	fllm_cmdlist *cl;
	uint16_t got;
	fllm_status st;
	fllm_bo *bo;
	size_t i, n = 0;

	st = fllm_bo_alloc(ctx->dev, CMDERR_BO_SIZE, NULL, &bo);
	if (st != FLLM_OK) {
		val_fail(res, "allocating card memory: %s", fllm_status_str(st));
		return;
	}
	base = fllm_bo_card_addr(bo);
	memset(cases, 0, sizeof(cases));

	cases[n].what = "unknown opcode 0x7f";
	cases[n].cmd.opcode = 0x7f;
	cases[n++].want = FLLM_CARD_ERR_OPCODE;

	cases[n].what = "NOP with nonzero reserved field";
	cases[n].cmd.reserved = 1;
	cases[n++].want = FLLM_CARD_ERR_FLAGS;

	cases[n].what = "NOP with unknown flag 0x8000";
	cases[n].cmd.flags = 0x8000;
	cases[n++].want = FLLM_CARD_ERR_FLAGS;

	cases[n].what = "FILL beyond card memory";
	cmderr_fill(&cases[n].cmd, end, 64);
	cases[n++].want = FLLM_CARD_ERR_ADDR;

	cases[n].what = "FILL at a misaligned address";
	cmderr_fill(&cases[n].cmd, base + 4, 64);
	cases[n++].want = FLLM_CARD_ERR_ALIGN;

	cases[n].what = "FILL of zero bytes";
	cmderr_fill(&cases[n].cmd, base, 0);
	cases[n++].want = FLLM_CARD_ERR_SIZE;

	cases[n].what = "TEST with unknown operation 9";
	cmderr_fill(&cases[n].cmd, base, 64);
	cases[n].cmd.arg[0] = 9;
	cases[n++].want = FLLM_CARD_ERR_PARAM;

	for (i = 0; i < n; i++) {
		got = 0;
		st = cmderr_submit_raw(ctx->dev, &cases[i].cmd, &got);
		if (st == FLLM_E_UNSUPPORTED || st == FLLM_E_PERMISSION) {
			val_skip(res, "this backend refuses raw commands (%s)",
				 fllm_status_str(st));
			goto err_free_bo;
		}
		if (st != FLLM_E_CARD || got != cases[i].want) {
			val_fail(res, "%s: completed %s (%s), expected %s (%s)", cases[i].what,
				 cli_card_err_name(got), fllm_status_str(st),
				 cli_card_err_name(cases[i].want), fllm_status_str(FLLM_E_CARD));
			goto err_free_bo;
		}
	}

	cl = val_cmdlist_create(ctx, res);
	if (!cl)
		goto err_free_bo;
	st = fllm_cmdlist_fill(cl, bo, 0, CMDERR_BO_SIZE, FLLM_PATTERN_ADDRESS, 3);
	if (st == FLLM_OK)
		st = fllm_cmdlist_check(cl, bo, 0, CMDERR_BO_SIZE, FLLM_PATTERN_ADDRESS, 3);
	if (st == FLLM_OK)
		st = val_submit_wait(cl, r, 2);
	fllm_cmdlist_free(cl);
	if (st != FLLM_OK || r[1].result) {
		val_fail(res, "valid FILL + CHECK after the errors: %s, %llu mismatches",
			 fllm_status_str(st), (unsigned long long)r[1].result);
		goto err_free_bo;
	}
	val_pass(res, "%zu malformed commands rejected with the right error; card still works",
		 n);
err_free_bo:
	fllm_bo_free(bo);
}
