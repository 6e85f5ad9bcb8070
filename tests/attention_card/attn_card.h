/*
 * An attention case (tests/attention/attn_case.h) placed in a card buffer:
 * the case's addresses are offsets into its image, so the card's copy of
 * the block and the descriptors is relocated to the buffer's card address.
 * Shared by the emu:0 test (tests/attention_card) and the driver's
 * (tests/kmd).
 */
#ifndef FLLM_ATTN_CARD_H
#define FLLM_ATTN_CARD_H

#include <stdint.h>

#include "attn_case.h"

/* The case's block for its current op with every used address moved by base. */
struct fllm_attention_params acard_params(const struct acase *c, uint64_t base);

/* Descriptor s of the case with its table address moved by base. */
struct fllm_attention_seq acard_seq(const struct acase *c, uint32_t s, uint64_t base);

/* Write the relocated block and descriptors into img, a copy of the case's image. */
void acard_relocate(const struct acase *c, uint64_t base, uint8_t *img /* (mem_bytes) */);

/*
 * Compare a card's image got with the host image ref, the relocated bytes
 * (block, descriptors) excepted. Returns the first differing offset, after
 * printing both bytes, or UINT64_MAX.
 */
uint64_t acard_diff(const struct acase *c, const uint8_t *got /* (mem_bytes) */,
		    const uint8_t *ref /* (mem_bytes) */);

#endif /* FLLM_ATTN_CARD_H */
