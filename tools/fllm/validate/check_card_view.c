/* Check "card_view": what the host wrote is what the card's own test unit sees. */
#include <stdlib.h>

#include "check.h"
#include "fllm_card.h"
#include "fllm_pattern.h"

#define CARD_VIEW_BYTES (256u * 1024)
#define CARD_VIEW_SEED 0x5eed0f11ull

/* A card CHECK of the whole BO bo. */
static fllm_status card_view_record(fllm_cmdlist *cl, void *bo)
{
	return fllm_cmdlist_check(cl, bo, 0, CARD_VIEW_BYTES, FLLM_PATTERN_PRNG, CARD_VIEW_SEED);
}

/* Run one card CHECK of the whole BO; *mismatches receives the card's count. */
static fllm_status card_view_check(fllm_device *dev, fllm_bo *bo, uint64_t *mismatches)
{
	fllm_cmd_result r = { 0 };
	fllm_status st = val_run_one(dev, card_view_record, bo, &r);

	*mismatches = r.result;
	return st;
}

/* The host computes PRNG pattern words for the BO's card addresses and DMAs
 * them in; the card must count 0 mismatches, and exactly 1 after the host
 * flips one word. This proves host and card agree on addresses and layout. */
void val_check_card_view(struct val_ctx *ctx, struct val_result *res)
{
	uint64_t *words, base, bad, mism;
	size_t i, n = CARD_VIEW_BYTES / 8;
	fllm_status st;
	fllm_bo *bo;

	words = malloc(CARD_VIEW_BYTES);
	if (!words) {
		val_fail(res, "no host memory");
		return;
	}
	st = fllm_bo_alloc(ctx->dev, CARD_VIEW_BYTES, NULL, &bo);
	if (st != FLLM_OK) {
		val_fail(res, "allocating card memory: %s", fllm_status_str(st));
		goto err_free_words;
	}
	base = fllm_bo_card_addr(bo);
	for (i = 0; i < n; i++)
		words[i] = fllm_pattern_word(FLLM_PAT_PRNG, CARD_VIEW_SEED, i, base + 8 * i);
	st = fllm_bo_write(bo, 0, words, CARD_VIEW_BYTES);
	if (st == FLLM_OK)
		st = card_view_check(ctx->dev, bo, &mism);
	if (st != FLLM_OK) {
		val_fail(res, "write and card CHECK: %s", fllm_status_str(st));
		goto err_free_bo;
	}
	if (mism) {
		val_fail(res, "card counted %llu mismatching words in host-written data, "
			 "expected 0", (unsigned long long)mism);
		goto err_free_bo;
	}
	i = n / 3 + 5;
	bad = ~words[i];
	st = fllm_bo_write(bo, 8 * i, &bad, sizeof(bad));
	if (st == FLLM_OK)
		st = card_view_check(ctx->dev, bo, &mism);
	if (st != FLLM_OK) {
		val_fail(res, "flip and card CHECK: %s", fllm_status_str(st));
		goto err_free_bo;
	}
	if (mism != 1) {
		val_fail(res, "card counted %llu mismatches after one flipped word, expected 1",
			 (unsigned long long)mism);
		goto err_free_bo;
	}
	val_pass(res, "%zu words at card address 0x%llx: 0 mismatches, then 1 after a flip", n,
		 (unsigned long long)base);
err_free_bo:
	fllm_bo_free(bo);
err_free_words:
	free(words);
}
