/*
 * Differential tests: random commands of every op, size and input
 * distribution (vector_sweep.c), run by the hls kernel and by the reference
 * on copies of one card-memory image; the images must agree byte for byte.
 */
#include <stdio.h>

#include "test_main.h"
#include "vector_case.h"
#include "vector_sweep.h"
#include "vector_tests.h"

/* vcase_compare with a sweep case labelled by its op, flags, size, distribution and seed. */
static int kernel_vs_reference(const struct vcase *c, const char *what, int dist,
			       uint64_t seed)
{
	char label[96];

	if (!what) {
		snprintf(label, sizeof(label), "op %u flags %u n %u dist %d seed %llu", c->p.op,
			 c->p.flags, c->p.n, dist, (unsigned long long)seed);
		what = label;
	}
	return vcase_compare(c, what);
}

static int diff_init(void)
{
	vsweep_use(kernel_vs_reference, 0);
	return 0;
}

int vt_register_diff(void)
{
	return fllm_test_add_suite("vector: kernel vs reference", diff_init, NULL, vsweep_tests);
}
