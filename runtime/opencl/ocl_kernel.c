/*
 * Kernels of built-in programs: argument setting and queries, and the
 * launch. A launch runs the unit once: the NDRange must be a single work
 * item (docs/opencl.md).
 */
#include <stdlib.h>
#include <string.h>

#include "ocl_internal.h"

static int kernel_ok(cl_kernel k)
{
	return ocl_is(k, OCL_MAGIC_KERNEL);
}

static cl_kernel kernel_new(cl_program p, const struct ocl_builtin *bi, cl_int *err)
{
	cl_kernel k = calloc(1, sizeof(*k));

	if (!k) {
		*err = CL_OUT_OF_HOST_MEMORY;
		return NULL;
	}
	ocl_head_init(&k->h, OCL_MAGIC_KERNEL);
	pthread_mutex_init(&k->lock, NULL);
	k->prog = p;
	k->bi = bi;
	atomic_fetch_add(&p->h.refs, 1);
	atomic_fetch_add(&p->n_kernel_objs, 1);
	*err = CL_SUCCESS;
	return k;
}

static cl_kernel CL_API_CALL ocl_CreateKernel(cl_program p, const char *name, cl_int *errcode_ret)
{
	cl_kernel k;
	cl_int err;

	if (!ocl_is(p, OCL_MAGIC_PROGRAM))
		return ocl_fail(errcode_ret, CL_INVALID_PROGRAM);
	if (!name)
		return ocl_fail(errcode_ret, CL_INVALID_VALUE);
	for (uint32_t i = 0; i < p->n_kernels; i++) {
		if (strcmp(p->kernels[i]->name, name))
			continue;
		k = kernel_new(p, p->kernels[i], &err);
		if (errcode_ret)
			*errcode_ret = err;
		return k;
	}
	return ocl_fail(errcode_ret, CL_INVALID_KERNEL_NAME);
}

static void kernel_release(cl_kernel k)
{
	if (atomic_fetch_sub(&k->h.refs, 1) != 1)
		return;
	for (uint32_t i = 0; i < OCL_ARGS_MAX; i++)
		if (k->args[i].mem)
			ocl_mem_release(k->args[i].mem);
	pthread_mutex_destroy(&k->lock);
	atomic_fetch_sub(&k->prog->n_kernel_objs, 1);
	ocl_program_release(k->prog);
	k->h.magic = OCL_MAGIC_DEAD;
	free(k);
}

static cl_int CL_API_CALL ocl_CreateKernelsInProgram(cl_program p, cl_uint n, cl_kernel *kernels,
						     cl_uint *n_ret)
{
	cl_int err = CL_SUCCESS;

	if (!ocl_is(p, OCL_MAGIC_PROGRAM))
		return CL_INVALID_PROGRAM;
	if (kernels && n < p->n_kernels)
		return CL_INVALID_VALUE;
	for (uint32_t i = 0; kernels && i < p->n_kernels; i++) {
		kernels[i] = kernel_new(p, p->kernels[i], &err);
		if (err) {
			while (i--)
				kernel_release(kernels[i]);
			return err;
		}
	}
	if (n_ret)
		*n_ret = p->n_kernels;
	return CL_SUCCESS;
}

static cl_int CL_API_CALL ocl_RetainKernel(cl_kernel k)
{
	return ocl_retain(k, OCL_MAGIC_KERNEL, CL_INVALID_KERNEL);
}

static cl_int CL_API_CALL ocl_ReleaseKernel(cl_kernel k)
{
	if (!kernel_ok(k))
		return CL_INVALID_KERNEL;
	kernel_release(k);
	return CL_SUCCESS;
}

/*
 * Buffer arguments take a cl_mem (or NULL for none) and hold a reference
 * until replaced or the kernel is freed; scalars take 4 bytes.
 */
static cl_int CL_API_CALL ocl_SetKernelArg(cl_kernel k, cl_uint index, size_t size,
					   const void *value)
{
	const struct ocl_arg_desc *d;
	struct ocl_arg_value nv = { .set = 1 };
	cl_mem old;

	if (!kernel_ok(k))
		return CL_INVALID_KERNEL;
	if (index >= k->bi->n_args)
		return CL_INVALID_ARG_INDEX;
	d = &k->bi->args[index];
	if (d->kind == OCL_ARG_MEM_IN || d->kind == OCL_ARG_MEM_OUT) {
		if (size != sizeof(cl_mem))
			return CL_INVALID_ARG_SIZE;
		if (value)
			memcpy(&nv.mem, value, sizeof(cl_mem));
		if (nv.mem && !ocl_is(nv.mem, OCL_MAGIC_MEM))
			return CL_INVALID_MEM_OBJECT;
		if (nv.mem && nv.mem->ctx != k->prog->ctx)
			return CL_INVALID_MEM_OBJECT;
		if (nv.mem)
			ocl_mem_retain(nv.mem);
	} else {
		if (size != sizeof(cl_uint))
			return CL_INVALID_ARG_SIZE;
		if (!value)
			return CL_INVALID_ARG_VALUE;
		memcpy(&nv.bits, value, sizeof(nv.bits));
	}
	pthread_mutex_lock(&k->lock);
	old = k->args[index].mem;
	k->args[index] = nv;
	pthread_mutex_unlock(&k->lock);
	if (old)
		ocl_mem_release(old);
	return CL_SUCCESS;
}

static cl_int CL_API_CALL ocl_GetKernelInfo(cl_kernel k, cl_kernel_info param, size_t size,
					    void *value, size_t *size_ret)
{
	if (!kernel_ok(k))
		return CL_INVALID_KERNEL;
	switch (param) {
	case CL_KERNEL_FUNCTION_NAME:
		return ocl_info_str(size, value, size_ret, k->bi->name);
	case CL_KERNEL_NUM_ARGS:
		return ocl_info_u32(size, value, size_ret, k->bi->n_args);
	case CL_KERNEL_REFERENCE_COUNT:
		return ocl_info_u32(size, value, size_ret, atomic_load(&k->h.refs));
	case CL_KERNEL_CONTEXT:
		return ocl_info_ptr(size, value, size_ret, k->prog->ctx);
	case CL_KERNEL_PROGRAM:
		return ocl_info_ptr(size, value, size_ret, k->prog);
	case CL_KERNEL_ATTRIBUTES:
		return ocl_info_str(size, value, size_ret, "");
	default:
		return CL_INVALID_VALUE;
	}
}

static cl_int CL_API_CALL ocl_GetKernelArgInfo(cl_kernel k, cl_uint index,
					       cl_kernel_arg_info param, size_t size,
					       void *value, size_t *size_ret)
{
	const struct ocl_arg_desc *d;
	int is_mem;

	if (!kernel_ok(k))
		return CL_INVALID_KERNEL;
	if (index >= k->bi->n_args)
		return CL_INVALID_ARG_INDEX;
	d = &k->bi->args[index];
	is_mem = d->kind == OCL_ARG_MEM_IN || d->kind == OCL_ARG_MEM_OUT;
	switch (param) {
	case CL_KERNEL_ARG_ADDRESS_QUALIFIER:
		return ocl_info_u32(size, value, size_ret,
				    is_mem ? CL_KERNEL_ARG_ADDRESS_GLOBAL
					   : CL_KERNEL_ARG_ADDRESS_PRIVATE);
	case CL_KERNEL_ARG_ACCESS_QUALIFIER:
		return ocl_info_u32(size, value, size_ret, CL_KERNEL_ARG_ACCESS_NONE);
	case CL_KERNEL_ARG_TYPE_NAME:
		return ocl_info_str(size, value, size_ret, d->type);
	case CL_KERNEL_ARG_TYPE_QUALIFIER:
		return ocl_info_u64(size, value, size_ret,
				    d->kind == OCL_ARG_MEM_IN ? CL_KERNEL_ARG_TYPE_CONST
							      : CL_KERNEL_ARG_TYPE_NONE);
	case CL_KERNEL_ARG_NAME:
		return ocl_info_str(size, value, size_ret, d->name);
	default:
		return CL_INVALID_VALUE;
	}
}

static cl_int CL_API_CALL ocl_GetKernelWorkGroupInfo(cl_kernel k, cl_device_id d,
						     cl_kernel_work_group_info param,
						     size_t size, void *value, size_t *size_ret)
{
	static const size_t zeros[3] = { 0, 0, 0 }, ones[3] = { 1, 1, 1 };

	if (!kernel_ok(k))
		return CL_INVALID_KERNEL;
	if (d && d != k->prog->ctx->device)
		return CL_INVALID_DEVICE;
	switch (param) {
	case CL_KERNEL_WORK_GROUP_SIZE:
	case CL_KERNEL_PREFERRED_WORK_GROUP_SIZE_MULTIPLE:
		return ocl_info_size(size, value, size_ret, 1);
	case CL_KERNEL_COMPILE_WORK_GROUP_SIZE:
		return ocl_info(size, value, size_ret, zeros, sizeof(zeros));
	case CL_KERNEL_GLOBAL_WORK_SIZE:
		return ocl_info(size, value, size_ret, ones, sizeof(ones));
	case CL_KERNEL_LOCAL_MEM_SIZE:
	case CL_KERNEL_PRIVATE_MEM_SIZE:
		return ocl_info_u64(size, value, size_ret, 0);
	default:
		return CL_INVALID_VALUE;
	}
}

/* Take the arguments by role, with a reference on each buffer. */
static cl_int launch_take(cl_kernel k, struct ocl_launch *l)
{
	cl_int err = CL_SUCCESS;

	memset(l, 0, sizeof(*l));
	pthread_mutex_lock(&k->lock);
	for (uint32_t i = 0; i < k->bi->n_args; i++) {
		const struct ocl_arg_desc *d = &k->bi->args[i];

		if (!k->args[i].set)
			err = CL_INVALID_KERNEL_ARGS;
		else if (d->role < OCL_R_MEMS)
			l->mem[d->role] = k->args[i].mem;
		else
			l->v[d->role] = k->args[i].bits;
	}
	for (uint32_t r = 0; !err && r < OCL_R_MEMS; r++)
		if (l->mem[r])
			ocl_mem_retain(l->mem[r]);
	pthread_mutex_unlock(&k->lock);
	return err;
}

static void launch_drop(struct ocl_launch *l)
{
	for (uint32_t r = 0; r < OCL_R_MEMS; r++)
		if (l->mem[r])
			ocl_mem_release(l->mem[r]);
}

static cl_int CL_API_CALL ocl_EnqueueNDRangeKernel(cl_command_queue q, cl_kernel k, cl_uint dim,
						   const size_t *offset, const size_t *global,
						   const size_t *local, cl_uint n_wait,
						   const cl_event *wait, cl_event *event)
{
	struct ocl_launch l;
	cl_ulong tq, ts;
	cl_int err;

	if (!ocl_queue_ok(q))
		return CL_INVALID_COMMAND_QUEUE;
	if (!kernel_ok(k))
		return CL_INVALID_KERNEL;
	if (k->prog->ctx != q->ctx)
		return CL_INVALID_CONTEXT;
	if (dim < 1 || dim > 3)
		return CL_INVALID_WORK_DIMENSION;
	if (!global)
		return CL_INVALID_GLOBAL_WORK_SIZE;
	for (cl_uint i = 0; i < dim; i++) {
		if (global[i] != 1)
			return CL_INVALID_GLOBAL_WORK_SIZE;
		if (offset && offset[i])
			return CL_INVALID_GLOBAL_OFFSET;
		if (local && local[i] != 1)
			return CL_INVALID_WORK_GROUP_SIZE;
	}
	err = launch_take(k, &l);
	if (err)
		return err;
	err = ocl_enqueue_begin(q, n_wait, wait, &tq);
	if (err)
		goto out_drop;
	ts = ocl_now_ns();
	err = ocl_builtin_run(q, k->bi, &l);
	err = ocl_enqueue_end(q, CL_COMMAND_NDRANGE_KERNEL, tq, ts, err ? err : CL_COMPLETE,
			      event);
out_drop:
	launch_drop(&l);
	return err;
}

static cl_int CL_API_CALL ocl_EnqueueTask(cl_command_queue q, cl_kernel k, cl_uint n_wait,
					  const cl_event *wait, cl_event *event)
{
	static const size_t one[1] = { 1 };

	return ocl_EnqueueNDRangeKernel(q, k, 1, NULL, one, NULL, n_wait, wait, event);
}

void ocl_dispatch_kernel(cl_icd_dispatch *t)
{
	t->clCreateKernel = ocl_CreateKernel;
	t->clCreateKernelsInProgram = ocl_CreateKernelsInProgram;
	t->clRetainKernel = ocl_RetainKernel;
	t->clReleaseKernel = ocl_ReleaseKernel;
	t->clSetKernelArg = ocl_SetKernelArg;
	t->clGetKernelInfo = ocl_GetKernelInfo;
	t->clGetKernelArgInfo = ocl_GetKernelArgInfo;
	t->clGetKernelWorkGroupInfo = ocl_GetKernelWorkGroupInfo;
	t->clEnqueueNDRangeKernel = ocl_EnqueueNDRangeKernel;
	t->clEnqueueTask = ocl_EnqueueTask;
}
