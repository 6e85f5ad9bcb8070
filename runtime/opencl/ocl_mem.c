/* Buffers: one fllm buffer object on the context's device each. */
#include <stdlib.h>

#include "ocl_internal.h"

#define OCL_MEM_ACCESS (CL_MEM_READ_WRITE | CL_MEM_WRITE_ONLY | CL_MEM_READ_ONLY)
#define OCL_MEM_HOST (CL_MEM_HOST_WRITE_ONLY | CL_MEM_HOST_READ_ONLY | CL_MEM_HOST_NO_ACCESS)
#define OCL_MEM_PTR (CL_MEM_USE_HOST_PTR | CL_MEM_ALLOC_HOST_PTR | CL_MEM_COPY_HOST_PTR)

/* At most one bit of mask set in flags. */
static int one_of(cl_mem_flags flags, cl_mem_flags mask)
{
	cl_mem_flags f = flags & mask;

	return (f & (f - 1)) == 0;
}

/* The flag rules of clCreateBuffer. */
static cl_int flags_check(cl_mem_flags flags, const void *host_ptr)
{
	if (flags & ~(cl_mem_flags)(OCL_MEM_ACCESS | OCL_MEM_HOST | OCL_MEM_PTR))
		return CL_INVALID_VALUE;
	if (!one_of(flags, OCL_MEM_ACCESS) || !one_of(flags, OCL_MEM_HOST))
		return CL_INVALID_VALUE;
	if ((flags & CL_MEM_USE_HOST_PTR) &&
	    (flags & (CL_MEM_ALLOC_HOST_PTR | CL_MEM_COPY_HOST_PTR)))
		return CL_INVALID_VALUE;
	if (!host_ptr != !(flags & (CL_MEM_USE_HOST_PTR | CL_MEM_COPY_HOST_PTR)))
		return CL_INVALID_HOST_PTR;
	return CL_SUCCESS;
}

static cl_mem CL_API_CALL ocl_CreateBuffer(cl_context ctx, cl_mem_flags flags, size_t size,
					   void *host_ptr, cl_int *errcode_ret)
{
	cl_mem m;
	fllm_status st;
	cl_int err;

	if (!ocl_context_ok(ctx))
		return ocl_fail(errcode_ret, CL_INVALID_CONTEXT);
	err = flags_check(flags, host_ptr);
	if (err)
		return ocl_fail(errcode_ret, err);
	if (!size || size > ctx->device->max_alloc)
		return ocl_fail(errcode_ret, CL_INVALID_BUFFER_SIZE);
	m = calloc(1, sizeof(*m));
	if (!m)
		return ocl_fail(errcode_ret, CL_OUT_OF_HOST_MEMORY);
	st = fllm_bo_alloc(ctx->device->dev, size, NULL, &m->bo);
	if (st) {
		err = st == FLLM_E_NO_MEMORY ? CL_OUT_OF_HOST_MEMORY
					     : CL_MEM_OBJECT_ALLOCATION_FAILURE;
		goto err_free_mem;
	}
	if (host_ptr) {
		st = fllm_bo_write(m->bo, 0, host_ptr, size);
		if (st) {
			err = ocl_status_err(st);
			goto err_free_bo;
		}
	}
	ocl_head_init(&m->h, OCL_MAGIC_MEM);
	pthread_mutex_init(&m->lock, NULL);
	m->ctx = ctx;
	ocl_context_retain(ctx);
	m->size = size;
	m->flags = (flags & OCL_MEM_ACCESS) ? flags : flags | CL_MEM_READ_WRITE;
	m->host_ptr = (flags & CL_MEM_USE_HOST_PTR) ? host_ptr : NULL;
	if (errcode_ret)
		*errcode_ret = CL_SUCCESS;
	return m;

err_free_bo:
	fllm_bo_free(m->bo);
err_free_mem:
	free(m);
	return ocl_fail(errcode_ret, err);
}

void ocl_mem_retain(cl_mem m)
{
	atomic_fetch_add(&m->h.refs, 1);
}

/* Last reference: drop maps the caller never unmapped, the BO, the context. */
void ocl_mem_release(cl_mem m)
{
	cl_context ctx = m->ctx;

	if (atomic_fetch_sub(&m->h.refs, 1) != 1)
		return;
	while (m->maps) {
		struct ocl_map *mp = m->maps;

		m->maps = mp->next;
		if (mp->owned)
			free(mp->ptr);
		free(mp);
	}
	fllm_bo_free(m->bo);
	pthread_mutex_destroy(&m->lock);
	m->h.magic = OCL_MAGIC_DEAD;
	free(m);
	ocl_context_release(ctx);
}

static cl_int CL_API_CALL ocl_RetainMemObject(cl_mem m)
{
	return ocl_retain(m, OCL_MAGIC_MEM, CL_INVALID_MEM_OBJECT);
}

static cl_int CL_API_CALL ocl_ReleaseMemObject(cl_mem m)
{
	if (!ocl_is(m, OCL_MAGIC_MEM))
		return CL_INVALID_MEM_OBJECT;
	ocl_mem_release(m);
	return CL_SUCCESS;
}

static cl_int CL_API_CALL ocl_GetMemObjectInfo(cl_mem m, cl_mem_info param, size_t size,
					       void *value, size_t *size_ret)
{
	cl_uint maps;

	if (!ocl_is(m, OCL_MAGIC_MEM))
		return CL_INVALID_MEM_OBJECT;
	switch (param) {
	case CL_MEM_TYPE:
		return ocl_info_u32(size, value, size_ret, CL_MEM_OBJECT_BUFFER);
	case CL_MEM_FLAGS:
		return ocl_info_u64(size, value, size_ret, m->flags);
	case CL_MEM_SIZE:
		return ocl_info_size(size, value, size_ret, m->size);
	case CL_MEM_HOST_PTR:
		return ocl_info_ptr(size, value, size_ret, m->host_ptr);
	case CL_MEM_MAP_COUNT:
		pthread_mutex_lock(&m->lock);
		maps = m->map_count;
		pthread_mutex_unlock(&m->lock);
		return ocl_info_u32(size, value, size_ret, maps);
	case CL_MEM_REFERENCE_COUNT:
		return ocl_info_u32(size, value, size_ret, atomic_load(&m->h.refs));
	case CL_MEM_CONTEXT:
		return ocl_info_ptr(size, value, size_ret, m->ctx);
	case CL_MEM_ASSOCIATED_MEMOBJECT:
		return ocl_info_ptr(size, value, size_ret, NULL);
	case CL_MEM_OFFSET:
		return ocl_info_size(size, value, size_ret, 0);
	default:
		return CL_INVALID_VALUE;
	}
}

void ocl_dispatch_mem(cl_icd_dispatch *t)
{
	t->clCreateBuffer = ocl_CreateBuffer;
	t->clRetainMemObject = ocl_RetainMemObject;
	t->clReleaseMemObject = ocl_ReleaseMemObject;
	t->clGetMemObjectInfo = ocl_GetMemObjectInfo;
}
