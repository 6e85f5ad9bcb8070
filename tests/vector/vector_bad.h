/*
 * The parameter-block error cases of the vector unit (docs/numerics.md
 * "Vector unit: validation"): each starts from a valid block of one op,
 * breaks one field, and names the code the unit must answer. Shared by the
 * golden model's tests (test_vector_params.c) and the RTL's
 * (tests/rtl/test_rtl_vector.c).
 */
#ifndef FLLM_VECTOR_BAD_H
#define FLLM_VECTOR_BAD_H

#include <stddef.h>
#include <stdint.h>

#include "vector_case.h"

/* How a case changes its field. */
enum vbad_how {
	VBAD_SET,	/* field = val */
	VBAD_ADD,	/* field += val */
	VBAD_FROM,	/* field = field at offset from + val */
	VBAD_MEM,	/* field = mem_bytes + val */
};

struct vbad {
	const char *what;
	uint32_t op, flags;
	size_t off, size;
	enum vbad_how how;
	int64_t val;
	size_t from;
	enum fllm_card_err err;
};

extern const struct vbad vbad_cases[];
extern const uint32_t vbad_count;

/* The valid case a vbad starts from: n 64, 2 rows, group 32, head_dim 8. */
int vbad_make(struct vcase *c, uint32_t op, uint32_t flags);

/* Apply b's change to c->p (the image's copy is the caller's to store). */
void vbad_apply(struct vcase *c, const struct vbad *b);

/*
 * Apply b to c->p and store the block in the image; returns a malloc'd copy
 * of the image as it is now (mem_bytes), to compare with after the run, or
 * NULL when out of memory.
 */
uint8_t *vbad_break(struct vcase *c, const struct vbad *b);

/* Free c and the copy vbad_break returned. */
void vbad_free(struct vcase *c, uint8_t *copy);

#endif /* FLLM_VECTOR_BAD_H */
