/*
 * Test-unit data patterns (FLLM_OP_TEST, enum fllm_test_pattern).
 *
 * One definition shared by the card (hls/test_unit.c fills and checks card
 * memory with it) and the host (the validation tool checks data it read back),
 * so both agree bit for bit. Header only, freestanding.
 */
#ifndef FLLM_PATTERN_H
#define FLLM_PATTERN_H

#include <stdint.h>
#include "fllm_card.h"

/*
 * The 64-bit word of a pattern. index counts 64-bit words from the start of
 * the filled range, addr is the word's own card address (start + 8 * index):
 *   CONST         seed
 *   WALKING_ONES  1 << ((index + seed) % 64)
 *   ADDRESS       addr ^ seed
 *   PRNG          splitmix64 finalizer of (addr ^ seed)
 * An unknown pattern gives 0 (the firmware rejects it before it gets here).
 */
static inline uint64_t fllm_pattern_word(uint32_t pattern, uint64_t seed, uint64_t index,
					 uint64_t addr)
{
	uint64_t z;

	switch (pattern) {
	case FLLM_PAT_CONST:
		return seed;
	case FLLM_PAT_WALKING_ONES:
		return (uint64_t)1 << ((index + seed) % 64);
	case FLLM_PAT_ADDRESS:
		return addr ^ seed;
	case FLLM_PAT_PRNG:
		z = (addr ^ seed) + 0x9e3779b97f4a7c15ull;
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
		return z ^ (z >> 31);
	default:
		return 0;
	}
}

#endif /* FLLM_PATTERN_H */
