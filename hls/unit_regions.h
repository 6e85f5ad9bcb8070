/*
 * Operand regions of a unit's parameter block and the placement checks the
 * LUT-GEMM, vector and attention units share (docs/numerics.md, each unit's
 * "Validation"): alignment, strides, inside card memory, and the written
 * region clear of the others.
 */
#ifndef FLLM_UNIT_REGIONS_H
#define FLLM_UNIT_REGIONS_H

#include <stdint.h>
#include "lutgemm_internal.h"

/* Bytes a region of rows rows of row_bytes, stride apart, spans (rows >= 1). */
static inline uint64_t fllm_region_span(uint32_t rows, uint64_t stride, uint64_t row_bytes)
{
	return (uint64_t)(rows - 1) * stride + row_bytes;
}

/*
 * One operand region of a unit's parameter block: rows rows of row_bytes,
 * stride apart, from addr (a plain range: rows 1, stride 0). Only used
 * regions are checked; only strided ones (rows of a tensor) have their
 * stride checked against row_bytes; an in_place one may be exactly the
 * written region (same address and stride). len is set by
 * fllm_regions_check.
 */
struct fllm_region {
	uint64_t addr, stride, row_bytes, len;
	uint32_t rows;
	int used, strided, in_place;
};

/*
 * The placement checks every unit makes, in their order: every used
 * address and stride a multiple of align (ALIGN), every strided stride at
 * least its row (SIZE), every used region inside a memory of mem_bytes,
 * checked without overflow (ADDR), the written region rg[0] clear of every
 * other used region unless that one is in_place and exactly rg[0] (PARAM).
 * Sets each len.
 */
static inline enum fllm_card_err fllm_regions_check(struct fllm_region *rg /* (n) */,
						    uint32_t n, uint64_t align,
						    uint64_t mem_bytes)
{
	for (uint32_t i = 0; i < n; i++)
		if (rg[i].used && (rg[i].addr % align || rg[i].stride % align))
			return FLLM_CARD_ERR_ALIGN;
	for (uint32_t i = 0; i < n; i++)
		if (rg[i].used && rg[i].strided && rg[i].stride < rg[i].row_bytes)
			return FLLM_CARD_ERR_SIZE;
	for (uint32_t i = 0; i < n; i++) {
		if (!rg[i].used)
			continue;
		/* a stride within memory keeps the span below 2^64 (rows <= 2^16) */
		if (rg[i].stride > mem_bytes)
			return FLLM_CARD_ERR_ADDR;
		rg[i].len = fllm_region_span(rg[i].rows, rg[i].stride, rg[i].row_bytes);
		if (!fllm_lg_range_ok(rg[i].addr, rg[i].len, mem_bytes))
			return FLLM_CARD_ERR_ADDR;
	}
	for (uint32_t i = 1; i < n; i++) {
		if (!rg[i].used || !fllm_lg_overlap(rg[0].addr, rg[0].len, rg[i].addr, rg[i].len))
			continue;
		if (!rg[i].in_place || rg[i].addr != rg[0].addr || rg[i].stride != rg[0].stride)
			return FLLM_CARD_ERR_PARAM;
	}
	return FLLM_CARD_OK;
}

#endif /* FLLM_UNIT_REGIONS_H */
