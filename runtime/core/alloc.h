/*
 * One allocation idiom of the runtime: an object together with the array
 * it owns (a command list's records, an emulated card job's completions).
 * Private to libfllm.
 */
#ifndef FLLM_CORE_ALLOC_H
#define FLLM_CORE_ALLOC_H

#include <stdlib.h>

/*
 * calloc an object of obj_size bytes and an array of n elements of
 * elem_size bytes for it. Returns the object with *arr set, or NULL with
 * nothing allocated.
 */
static inline void *fllm_calloc_with_array(size_t obj_size, size_t n, size_t elem_size,
					   void **arr)
{
	void *obj = calloc(1, obj_size);

	if (!obj)
		return NULL;
	*arr = calloc(n, elem_size);
	if (!*arr) {
		free(obj);
		return NULL;
	}
	return obj;
}

#endif /* FLLM_CORE_ALLOC_H */
