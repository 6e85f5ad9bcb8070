/*
 * Random vector-unit commands for the tests: a card-memory image holding a
 * parameter block and every operand at 64-aligned addresses, everything
 * else random bytes, so a comparison of whole images also proves the unit
 * wrote nothing outside its outputs.
 */
#ifndef FLLM_VECTOR_CASE_H
#define FLLM_VECTOR_CASE_H

#include <stdint.h>

#include "fllm_vector.h"
#include "test_rng.h"

/* How inputs are drawn. */
enum vcase_dist {
	VC_NORMAL,	/* sums of uniforms times a random scale 2^-12 .. 2^12 */
	VC_WIDE,	/* random sign, exponent (subnormals too), zeros; raw weights/tables */
	VC_SPECIAL,	/* Inf, NaN, +-FLT_MAX, +-0, subnormals, mixed with normal values */
	VC_ZERO,	/* every input +-0 */
	VC_DIST_COUNT
};

struct vcase {
	struct fllm_vector_params p;	/* addresses are offsets into mem */
	uint8_t *mem;			/* (mem_bytes) image; the block at p_addr */
	uint64_t mem_bytes;
	uint64_t p_addr;
};

/*
 * Build a case of op with flags over rows x n (group for activation
 * records, head_dim for ROPE, ignored otherwise). in_place: out shares the
 * fp32 input's region (where the rules allow it). Returns 0, or -1 when the
 * block the builder made is not valid (a bug in the caller's shape).
 */
int vcase_make(struct vcase *c, uint32_t op, uint32_t flags, uint32_t n, uint32_t rows,
	       uint32_t group, uint32_t head_dim, enum vcase_dist dist, int in_place,
	       uint64_t seed);

/*
 * The differential sweeps: case (size s, distribution d) of the sweep of op
 * with flags and seed: n from VCASE_SWEEP_SIZES (made even for ROPE, whose
 * head_dim is 2, 8 or 128), 1-3 rows, a group size and in-place choice
 * drawn from the case seed *case_seed. Returns vcase_make's result.
 */
#define VCASE_SWEEP_SIZES 11u
int vcase_sweep_make(struct vcase *c, uint32_t op, uint32_t flags, uint64_t seed, uint32_t s,
		     uint32_t d, uint64_t *case_seed);

/* Store c->p into the image again (after a test changed it). */
void vcase_store_params(struct vcase *c);

void vcase_free(struct vcase *c);

/*
 * Run c with the hls kernel and with the reference on two copies of the
 * image and compare the images byte for byte and the non-finite counts.
 * Prints the first difference with both values and `what`. Returns 0 if
 * identical.
 */
int vcase_compare(const struct vcase *c, const char *what);

#endif /* FLLM_VECTOR_CASE_H */
