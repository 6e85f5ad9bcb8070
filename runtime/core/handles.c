/* Live-handle accounting: one atomic counter per handle kind. */
#include <assert.h>

#include "internal.h"

static atomic_uint_fast64_t live[FLLM_HANDLE_KINDS];

/* Count one more live handle of kind. */
void fllm_handle_add(enum fllm_handle_kind kind)
{
	assert(kind < FLLM_HANDLE_KINDS);
	atomic_fetch_add(&live[kind], 1);
}

/* Count one handle of kind as gone; underflow is a runtime bug. */
void fllm_handle_del(enum fllm_handle_kind kind)
{
	uint_fast64_t prev;

	assert(kind < FLLM_HANDLE_KINDS);
	prev = atomic_fetch_sub(&live[kind], 1);
	assert(prev > 0 && "handle counter underflow");
	(void)prev;
}

/* Sum over every kind, so tests can prove nothing leaked. */
uint64_t fllm_live_handles(void)
{
	uint64_t sum = 0;

	for (int k = 0; k < FLLM_HANDLE_KINDS; k++)
		sum += atomic_load(&live[k]);
	return sum;
}
