/*
 * Programs: only built-in kernel programs (clCreateProgramWithBuiltInKernels).
 * There is no OpenCL C compiler: programs from source, binaries or IL are
 * refused with the errors docs/opencl.md lists, and building a built-in
 * program succeeds at once.
 */
#include <stdlib.h>
#include <string.h>

#include "ocl_internal.h"

#define OCL_PROGRAM_KERNELS_MAX (sizeof(((struct _cl_program *)0)->kernels) / \
				 sizeof(((struct _cl_program *)0)->kernels[0]))

static int program_ok(cl_program p)
{
	return ocl_is(p, OCL_MAGIC_PROGRAM);
}

/* The device list of a program call: the context's one device, or none given. */
static cl_int devices_check(cl_context ctx, cl_uint n, const cl_device_id *devs)
{
	if (!n != !devs)
		return CL_INVALID_VALUE;
	for (cl_uint i = 0; i < n; i++)
		if (devs[i] != ctx->device)
			return CL_INVALID_DEVICE;
	return CL_SUCCESS;
}

/* Add one name of the ';'-separated list (surrounding blanks ignored). */
static cl_int program_add(cl_program p, const char *name, size_t len)
{
	const struct ocl_builtin *bi;

	while (len && (*name == ' ' || *name == '\t'))
		name++, len--;
	while (len && (name[len - 1] == ' ' || name[len - 1] == '\t'))
		len--;
	bi = ocl_builtin_find(name, len);
	if (!bi || !ocl_builtin_on_device(bi, p->ctx->device))
		return CL_INVALID_VALUE;
	for (uint32_t i = 0; i < p->n_kernels; i++)
		if (p->kernels[i] == bi)
			return CL_SUCCESS;
	if (p->n_kernels == OCL_PROGRAM_KERNELS_MAX)
		return CL_INVALID_VALUE;
	p->kernels[p->n_kernels++] = bi;
	if (p->names[0])
		strcat(p->names, ";");
	strcat(p->names, bi->name);
	return CL_SUCCESS;
}

static cl_program CL_API_CALL ocl_CreateProgramWithBuiltInKernels(cl_context ctx, cl_uint n,
								  const cl_device_id *devs,
								  const char *names,
								  cl_int *errcode_ret)
{
	cl_program p;
	cl_int err;

	if (!ocl_context_ok(ctx))
		return ocl_fail(errcode_ret, CL_INVALID_CONTEXT);
	if (!n || !devs || !names)
		return ocl_fail(errcode_ret, CL_INVALID_VALUE);
	err = devices_check(ctx, n, devs);
	if (err)
		return ocl_fail(errcode_ret, err);
	p = calloc(1, sizeof(*p));
	if (!p)
		return ocl_fail(errcode_ret, CL_OUT_OF_HOST_MEMORY);
	p->ctx = ctx;
	for (const char *s = names; !err;) {
		size_t len = strcspn(s, ";");

		err = program_add(p, s, len);
		if (!s[len])
			break;
		s += len + 1;
	}
	if (!err && !p->n_kernels)
		err = CL_INVALID_VALUE;
	if (err) {
		free(p);
		return ocl_fail(errcode_ret, err);
	}
	ocl_head_init(&p->h, OCL_MAGIC_PROGRAM);
	ocl_context_retain(ctx);
	if (errcode_ret)
		*errcode_ret = CL_SUCCESS;
	return p;
}

/* No OpenCL C compiler on this platform. */
static cl_program CL_API_CALL ocl_CreateProgramWithSource(cl_context ctx, cl_uint count,
							  const char **strings,
							  const size_t *lengths,
							  cl_int *errcode_ret)
{
	if (!ocl_context_ok(ctx))
		return ocl_fail(errcode_ret, CL_INVALID_CONTEXT);
	if (!count || !strings)
		return ocl_fail(errcode_ret, CL_INVALID_VALUE);
	return ocl_fail(errcode_ret, CL_INVALID_OPERATION);
}

/* No binary format exists for the card's fixed units. */
static cl_program CL_API_CALL ocl_CreateProgramWithBinary(cl_context ctx, cl_uint n,
							  const cl_device_id *devs,
							  const size_t *lengths,
							  const unsigned char **binaries,
							  cl_int *status, cl_int *errcode_ret)
{
	cl_int err;

	if (!ocl_context_ok(ctx))
		return ocl_fail(errcode_ret, CL_INVALID_CONTEXT);
	if (!n || !devs || !lengths || !binaries)
		return ocl_fail(errcode_ret, CL_INVALID_VALUE);
	err = devices_check(ctx, n, devs);
	if (err)
		return ocl_fail(errcode_ret, err);
	for (cl_uint i = 0; status && i < n; i++)
		status[i] = CL_INVALID_BINARY;
	return ocl_fail(errcode_ret, CL_INVALID_BINARY);
}

static cl_int CL_API_CALL ocl_RetainProgram(cl_program p)
{
	return ocl_retain(p, OCL_MAGIC_PROGRAM, CL_INVALID_PROGRAM);
}

void ocl_program_release(cl_program p)
{
	cl_context ctx = p->ctx;

	if (atomic_fetch_sub(&p->h.refs, 1) != 1)
		return;
	p->h.magic = OCL_MAGIC_DEAD;
	free(p);
	ocl_context_release(ctx);
}

static cl_int CL_API_CALL ocl_ReleaseProgram(cl_program p)
{
	if (!program_ok(p))
		return CL_INVALID_PROGRAM;
	ocl_program_release(p);
	return CL_SUCCESS;
}

/* Built-in programs are ready as made; the callback runs at once. */
static cl_int CL_API_CALL ocl_BuildProgram(cl_program p, cl_uint n, const cl_device_id *devs,
					   const char *options,
					   void(CL_CALLBACK *notify)(cl_program, void *),
					   void *data)
{
	cl_int err;

	if (!program_ok(p))
		return CL_INVALID_PROGRAM;
	if (!notify && data)
		return CL_INVALID_VALUE;
	err = devices_check(p->ctx, n, devs);
	if (err)
		return err;
	if (atomic_load(&p->n_kernel_objs))
		return CL_INVALID_OPERATION;
	if (notify)
		notify(p, data);
	return CL_SUCCESS;
}

static cl_int CL_API_CALL ocl_GetProgramInfo(cl_program p, cl_program_info param, size_t size,
					     void *value, size_t *size_ret)
{
	if (!program_ok(p))
		return CL_INVALID_PROGRAM;
	switch (param) {
	case CL_PROGRAM_REFERENCE_COUNT:
		return ocl_info_u32(size, value, size_ret, atomic_load(&p->h.refs));
	case CL_PROGRAM_CONTEXT:
		return ocl_info_ptr(size, value, size_ret, p->ctx);
	case CL_PROGRAM_NUM_DEVICES:
		return ocl_info_u32(size, value, size_ret, 1);
	case CL_PROGRAM_DEVICES:
		return ocl_info_ptr(size, value, size_ret, p->ctx->device);
	case CL_PROGRAM_SOURCE:
		return ocl_info_str(size, value, size_ret, "");
	case CL_PROGRAM_BINARY_SIZES:
		return ocl_info_size(size, value, size_ret, 0);
	case CL_PROGRAM_BINARIES:
		/* one pointer per device; a zero-size binary leaves it alone */
		if (value && size < sizeof(unsigned char *))
			return CL_INVALID_VALUE;
		if (size_ret)
			*size_ret = sizeof(unsigned char *);
		return CL_SUCCESS;
	case CL_PROGRAM_NUM_KERNELS:
		return ocl_info_size(size, value, size_ret, p->n_kernels);
	case CL_PROGRAM_KERNEL_NAMES:
		return ocl_info_str(size, value, size_ret, p->names);
	default:
		return CL_INVALID_VALUE;
	}
}

static cl_int CL_API_CALL ocl_GetProgramBuildInfo(cl_program p, cl_device_id d,
						  cl_program_build_info param, size_t size,
						  void *value, size_t *size_ret)
{
	if (!program_ok(p))
		return CL_INVALID_PROGRAM;
	if (d != p->ctx->device)
		return CL_INVALID_DEVICE;
	switch (param) {
	case CL_PROGRAM_BUILD_STATUS:
		return ocl_info_u32(size, value, size_ret, (cl_uint)CL_BUILD_SUCCESS);
	case CL_PROGRAM_BUILD_OPTIONS:
	case CL_PROGRAM_BUILD_LOG:
		return ocl_info_str(size, value, size_ret, "");
	case CL_PROGRAM_BINARY_TYPE:
		return ocl_info_u32(size, value, size_ret, CL_PROGRAM_BINARY_TYPE_EXECUTABLE);
	default:
		return CL_INVALID_VALUE;
	}
}

/* Nothing to unload: there is no compiler. */
static cl_int CL_API_CALL ocl_UnloadCompiler(void)
{
	return CL_SUCCESS;
}

static cl_int CL_API_CALL ocl_UnloadPlatformCompiler(cl_platform_id platform)
{
	return platform == &ocl_platform ? CL_SUCCESS : CL_INVALID_PLATFORM;
}

void ocl_dispatch_program(cl_icd_dispatch *t)
{
	t->clCreateProgramWithBuiltInKernels = ocl_CreateProgramWithBuiltInKernels;
	t->clCreateProgramWithSource = ocl_CreateProgramWithSource;
	t->clCreateProgramWithBinary = ocl_CreateProgramWithBinary;
	t->clRetainProgram = ocl_RetainProgram;
	t->clReleaseProgram = ocl_ReleaseProgram;
	t->clBuildProgram = ocl_BuildProgram;
	t->clGetProgramInfo = ocl_GetProgramInfo;
	t->clGetProgramBuildInfo = ocl_GetProgramBuildInfo;
	t->clUnloadCompiler = ocl_UnloadCompiler;
	t->clUnloadPlatformCompiler = ocl_UnloadPlatformCompiler;
}
