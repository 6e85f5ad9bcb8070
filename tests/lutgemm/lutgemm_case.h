/*
 * One LUT-GEMM test command laid out in a private card memory: parameter
 * block at 0, activation records, an output region and one region per slice,
 * with random gaps between them. Shared by the differential, validation and
 * sanity tests.
 */
#ifndef FLLM_LUTGEMM_CASE_H
#define FLLM_LUTGEMM_CASE_H

#include <stdint.h>
#include "fllm_lutgemm_unit.h"

struct lg_shape {
	uint32_t m, k, g, q, offset, n, slices;
};

struct lg_case {
	struct lg_shape shape;
	uint64_t seed;
	uint64_t mem_bytes;
	uint8_t *mem;			/* (mem_bytes) card memory */
	struct fllm_lutgemm_params p;	/* also written at card address 0 */
};

/* splitmix64 step: the tests' only random source, so every seed replays. */
uint64_t lg_rand(uint64_t *state);

/*
 * Lay out a command of shape s; every record byte is random (fields the
 * tests care about are then overwritten). Returns 0, or -1 when out of memory.
 */
int lg_case_init(struct lg_case *c, const struct lg_shape *s, uint64_t seed);

/* Write c->p into card memory at address 0 (after a test changed it). */
void lg_case_store_params(struct lg_case *c);

/* Card address of row r's record / token n's activation record. */
uint64_t lg_case_row(const struct lg_case *c, uint32_t r);
uint64_t lg_case_act(const struct lg_case *c, uint32_t n);

/* Random records with exponents drawn so most outputs are normal (see .c). */
void lg_case_randomize(struct lg_case *c, uint64_t *rng);

/*
 * The largest magnitudes the arithmetic must carry: 3 rows x K = 65536, q = 8,
 * 3 tokens with xq = +127 / -127 / -128, mantissas +-32767 and -32768 with
 * matching plane bits, msx = 65535, d = 0 (shrink: 40..42). 0 or -1.
 */
int lg_case_init_extreme(struct lg_case *c, uint32_t g, uint32_t shrink);

void lg_case_free(struct lg_case *c);

#endif /* FLLM_LUTGEMM_CASE_H */
