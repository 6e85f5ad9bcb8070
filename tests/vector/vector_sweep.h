/*
 * The differential sweeps of the vector unit as CUnit tests, shared by the
 * golden model's program (test_vector_diff.c, against the reference) and the
 * RTL's (tests/rtl/test_rtl_vector.c, against the golden model): every op
 * and flag at every sweep size and input distribution, then the largest row
 * at +-FLT_MAX. Each built case goes to the program's compare function.
 */
#ifndef FLLM_VECTOR_SWEEP_H
#define FLLM_VECTOR_SWEEP_H

#include <CUnit/CUnit.h>
#include <stdint.h>

#include "vector_case.h"

/*
 * Compare one case: what names it (NULL for a sweep case, which the compare
 * function labels itself), dist and seed rebuild it. Returns 1 on a mismatch,
 * after printing both values, 0 when the two sides agree.
 */
typedef int (*vsweep_compare_fn)(const struct vcase *c, const char *what, int dist,
				 uint64_t seed);

/* Compare with compare from now on; every sweep seed moves by 10 * seed_shift. */
void vsweep_use(vsweep_compare_fn compare, uint64_t seed_shift);

/* The nine sweeps and the largest row, NULL-terminated. */
extern CU_TestInfo vsweep_tests[];

#endif /* FLLM_VECTOR_SWEEP_H */
