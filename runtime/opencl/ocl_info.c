/* Helpers of every object type: info answers, object heads, clocks, errors. */
#include <string.h>
#include <time.h>

#include "ocl_internal.h"

/* Copy an answer of src_size bytes; a buffer too small is CL_INVALID_VALUE. */
cl_int ocl_info(size_t size, void *value, size_t *size_ret, const void *src, size_t src_size)
{
	if (value) {
		if (size < src_size)
			return CL_INVALID_VALUE;
		if (src_size)
			memcpy(value, src, src_size);
	}
	if (size_ret)
		*size_ret = src_size;
	return CL_SUCCESS;
}

cl_int ocl_info_str(size_t size, void *value, size_t *size_ret, const char *s)
{
	return ocl_info(size, value, size_ret, s, strlen(s) + 1);
}

cl_int ocl_info_u32(size_t size, void *value, size_t *size_ret, cl_uint v)
{
	return ocl_info(size, value, size_ret, &v, sizeof(v));
}

cl_int ocl_info_u64(size_t size, void *value, size_t *size_ret, cl_ulong v)
{
	return ocl_info(size, value, size_ret, &v, sizeof(v));
}

cl_int ocl_info_size(size_t size, void *value, size_t *size_ret, size_t v)
{
	return ocl_info(size, value, size_ret, &v, sizeof(v));
}

cl_int ocl_info_ptr(size_t size, void *value, size_t *size_ret, const void *p)
{
	return ocl_info(size, value, size_ret, &p, sizeof(p));
}

void *ocl_fail(cl_int *errcode_ret, cl_int err)
{
	if (errcode_ret)
		*errcode_ret = err;
	return NULL;
}

void ocl_head_init(struct ocl_head *h, enum ocl_magic magic)
{
	h->dispatch = &ocl_dispatch;
	h->magic = magic;
	atomic_init(&h->refs, 1);
}

/* A handle of the given type that is still alive. */
int ocl_is(const void *obj, enum ocl_magic magic)
{
	const struct ocl_head *h = obj;

	return h && h->dispatch == &ocl_dispatch && h->magic == magic;
}

cl_int ocl_retain(void *obj, enum ocl_magic magic, cl_int invalid)
{
	struct ocl_head *h = obj;

	if (!ocl_is(obj, magic))
		return invalid;
	atomic_fetch_add(&h->refs, 1);
	return CL_SUCCESS;
}

cl_ulong ocl_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (cl_ulong)ts.tv_sec * 1000000000u + (cl_ulong)ts.tv_nsec;
}

/* The OpenCL error closest to a runtime status. */
cl_int ocl_status_err(fllm_status st)
{
	switch (st) {
	case FLLM_OK:
		return CL_SUCCESS;
	case FLLM_E_NO_MEMORY:
		return CL_OUT_OF_HOST_MEMORY;
	case FLLM_E_NO_CARD_MEMORY:
		return CL_MEM_OBJECT_ALLOCATION_FAILURE;
	case FLLM_E_INVALID_ARG:
	case FLLM_E_OUT_OF_RANGE:
		return CL_INVALID_VALUE;
	case FLLM_E_UNSUPPORTED:
		return CL_INVALID_OPERATION;
	case FLLM_E_NO_DEVICE:
		return CL_DEVICE_NOT_AVAILABLE;
	default:
		return CL_OUT_OF_RESOURCES;
	}
}
