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
#include "test_rng.h"

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

/*
 * Lay out a command of shape s; every record byte is random (fields the
 * tests care about are then overwritten). Returns 0, or -1 when out of memory.
 */
int lg_case_init(struct lg_case *c, const struct lg_shape *s, uint64_t seed);

/* lg_case_init, then lg_case_randomize from rng state rng_seed; 0 or -1. */
int lg_case_init_random(struct lg_case *c, const struct lg_shape *s, uint64_t seed,
			uint64_t rng_seed);

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

/*
 * Exponent sums far out of range, so outputs flush to +0 or saturate: a
 * random case of M = 40, K = 172, g = 32, q = 4, N = 4 with row exponents
 * of -32768 ... 32767 and token exponents of INT32_MIN ... 60. 0 or -1.
 */
int lg_case_init_out_of_range(struct lg_case *c);

void lg_case_free(struct lg_case *c);

/*
 * The golden sweep's shape i (0 .. LG_GOLDEN_SHAPES - 1): every g (16 ..
 * 256) with every q (1 .. 8); K = 172 / 3g + 8 / 2g / 1 / 2g - 1 in turn,
 * N = 1 and 16 and offsets on and off alternating; M (1 .. max_m) and then
 * the slices (1 .. max_slices, at most M) drawn from rng.
 */
#define LG_GOLDEN_SHAPES 40u
void lg_golden_shape(struct lg_shape *s, uint32_t i, uint64_t *rng, uint32_t max_m,
		     uint32_t max_slices);

/* The golden edge shapes: M = 1; many tiles with 32 slices and N = 32; K = 172 with every g. */
#define LG_EDGE_SHAPES 7u
extern const struct lg_shape lg_edge_shapes[LG_EDGE_SHAPES];

#endif /* FLLM_LUTGEMM_CASE_H */
