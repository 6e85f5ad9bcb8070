/* Check "dma_unaligned": odd offsets and lengths touch exactly their bytes. */
#include <stdlib.h>
#include <string.h>

#include "check.h"

#define UNALIGNED_BO_SIZE (64u * 1024)

/* Write a background, then odd (offset, length) pieces, keeping a host model
 * of what the BO must hold; read the whole BO back after each piece, so a
 * transfer that spills over its neighbours or comes up short is caught. */
void val_check_dma_unaligned(struct val_ctx *ctx, struct val_result *res)
{
	static const struct {
		uint32_t off, len;
	} cases[] = {
		{ 1, 1 },     { 3, 5 },	       { 7, 4093 }, { 4095, 2 },    { 4097, 8191 },
		{ 12289, 3 }, { 63, 32769 }, { 0, 65535 }, { 65535, 1 }, { 511, 4097 },
	};
	unsigned char *model, *piece, *back;
	fllm_status st;
	fllm_bo *bo;
	size_t i, j;

	model = malloc(UNALIGNED_BO_SIZE);
	piece = malloc(UNALIGNED_BO_SIZE);
	back = malloc(UNALIGNED_BO_SIZE);
	if (!model || !piece || !back) {
		val_fail(res, "no host memory");
		goto err_free;
	}
	st = fllm_bo_alloc(ctx->dev, UNALIGNED_BO_SIZE, NULL, &bo);
	if (st != FLLM_OK) {
		val_fail(res, "allocating card memory: %s", fllm_status_str(st));
		goto err_free;
	}
	val_random_fill(model, UNALIGNED_BO_SIZE, 77);
	st = fllm_bo_write(bo, 0, model, UNALIGNED_BO_SIZE);
	if (st != FLLM_OK) {
		val_fail(res, "background write: %s", fllm_status_str(st));
		goto err_free_bo;
	}
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		val_random_fill(piece, cases[i].len, 1000 + i);
		memcpy(model + cases[i].off, piece, cases[i].len);
		st = fllm_bo_write(bo, cases[i].off, piece, cases[i].len);
		if (st == FLLM_OK)
			st = fllm_bo_read(bo, 0, back, UNALIGNED_BO_SIZE);
		if (st != FLLM_OK) {
			val_fail(res, "offset %u length %u: %s", cases[i].off, cases[i].len,
				 fllm_status_str(st));
			goto err_free_bo;
		}
		for (j = 0; j < UNALIGNED_BO_SIZE; j++)
			if (back[j] != model[j])
				break;
		if (j != UNALIGNED_BO_SIZE) {
			val_fail(res, "after writing offset %u length %u: byte %zu is 0x%02x, "
				 "expected 0x%02x", cases[i].off, cases[i].len, j, back[j],
				 model[j]);
			goto err_free_bo;
		}
		/* the odd range read on its own must match too */
		memset(piece, 0, cases[i].len);
		st = fllm_bo_read(bo, cases[i].off, piece, cases[i].len);
		if (st != FLLM_OK || memcmp(piece, model + cases[i].off, cases[i].len)) {
			val_fail(res, "reading offset %u length %u back %s", cases[i].off,
				 cases[i].len, st != FLLM_OK ? fllm_status_str(st) : "differs");
			goto err_free_bo;
		}
	}
	val_pass(res, "%zu odd ranges in a %u-byte buffer", i, UNALIGNED_BO_SIZE);
err_free_bo:
	fllm_bo_free(bo);
err_free:
	free(back);
	free(piece);
	free(model);
}
