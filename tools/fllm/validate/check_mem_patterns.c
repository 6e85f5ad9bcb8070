/* Check "memory_patterns": card-generated patterns across memory channels. */
#include <stdlib.h>

#include "check.h"
#include "fllm_card.h"
#include "fllm_pattern.h"

#define MEMPAT_CHANNELS_MAX 4

static const struct {
	fllm_pattern pattern;
	const char *name;
} mempat_patterns[] = {
	{ FLLM_PATTERN_WALKING_ONES, "walking ones" },
	{ FLLM_PATTERN_ADDRESS, "address-in-address" },
	{ FLLM_PATTERN_PRNG, "prng" },
};

/* One pattern on one BO: card FILL, card CHECK (0 mismatches), read back and
 * verified word by word on the host with the shared pattern definition. */
static int mempat_one(struct val_ctx *ctx, struct val_result *res, fllm_bo *bo, uint64_t bytes,
		      size_t p, uint64_t seed, uint64_t *words)
{
	fllm_cmd_result r[2] = { { 0 }, { 0 } };
	uint64_t base = fllm_bo_card_addr(bo), want;
	fllm_cmdlist *cl;
	fllm_status st;
	size_t i;

	st = fllm_cmdlist_create(ctx->dev, &cl);
	if (st != FLLM_OK)
		goto err;
	st = fllm_cmdlist_fill(cl, bo, 0, bytes, mempat_patterns[p].pattern, seed);
	if (st == FLLM_OK)
		st = fllm_cmdlist_check(cl, bo, 0, bytes, mempat_patterns[p].pattern, seed);
	if (st == FLLM_OK)
		st = val_submit_wait(cl, r, 2);
	fllm_cmdlist_free(cl);
	if (st != FLLM_OK)
		goto err;
	if (r[1].result) {
		val_fail(res, "%s on channel %d: card CHECK counted %llu mismatches",
			 mempat_patterns[p].name, fllm_bo_channel(bo),
			 (unsigned long long)r[1].result);
		return -1;
	}
	st = fllm_bo_read(bo, 0, words, bytes);
	if (st != FLLM_OK)
		goto err;
	for (i = 0; i < bytes / 8; i++) {
		want = fllm_pattern_word((uint32_t)mempat_patterns[p].pattern, seed, i,
					 base + 8 * i);
		if (words[i] != want) {
			val_fail(res, "%s on channel %d: word %zu (card 0x%llx) read 0x%016llx, "
				 "expected 0x%016llx", mempat_patterns[p].name,
				 fllm_bo_channel(bo), i, (unsigned long long)(base + 8 * i),
				 (unsigned long long)words[i], (unsigned long long)want);
			return -1;
		}
	}
	return 0;
err:
	val_fail(res, "%s on channel %d: %s", mempat_patterns[p].name, fllm_bo_channel(bo),
		 fllm_status_str(st));
	return -1;
}

/* First, last and middle channels (first only without HBM channels), each
 * with every pattern; --quick uses smaller buffers, and a buffer never takes
 * more than half a channel. */
void val_check_mem_patterns(struct val_ctx *ctx, struct val_result *res)
{
	uint64_t bytes = ctx->quick ? 64 * 1024 : 1024 * 1024, *words;
	uint32_t nch = ctx->info.mem_channels ? ctx->info.mem_channels : 1;
	int32_t chans[MEMPAT_CHANNELS_MAX];
	fllm_bo_params params = { 0, 0, 0 };
	size_t c, p, nchans = 0;
	fllm_status st;
	fllm_bo *bo;

	if (bytes > ctx->info.mem_size / nch / 2)
		bytes = (ctx->info.mem_size / nch / 2) & ~4095ull;
	if (!bytes) {
		val_skip(res, "memory channels smaller than 8 KiB");
		return;
	}
	chans[nchans++] = 0;
	if (nch > 1)
		chans[nchans++] = (int32_t)(nch - 1);
	if (nch > 2)
		chans[nchans++] = (int32_t)(nch / 2);
	words = malloc(bytes);
	if (!words) {
		val_fail(res, "no host memory");
		return;
	}
	for (c = 0; c < nchans; c++) {
		params.channel = nch > 1 ? chans[c] : FLLM_BO_ANY_CHANNEL;
		st = fllm_bo_alloc(ctx->dev, bytes, &params, &bo);
		if (st != FLLM_OK) {
			val_fail(res, "allocating on channel %d: %s", chans[c],
				 fllm_status_str(st));
			goto err_free_words;
		}
		for (p = 0; p < sizeof(mempat_patterns) / sizeof(mempat_patterns[0]); p++) {
			if (mempat_one(ctx, res, bo, bytes, p, 0x1000 * c + p, words)) {
				fllm_bo_free(bo);
				goto err_free_words;
			}
		}
		fllm_bo_free(bo);
	}
	val_pass(res, "%zu patterns x %zu channels of %u, %llu KiB each",
		 sizeof(mempat_patterns) / sizeof(mempat_patterns[0]), nchans, nch,
		 (unsigned long long)(bytes / 1024));
err_free_words:
	free(words);
}
