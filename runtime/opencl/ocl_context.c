/* Contexts: one fllm device each (docs/opencl.md). */
#include <stdlib.h>

#include "ocl_internal.h"

int ocl_context_ok(cl_context c)
{
	return ocl_is(c, OCL_MAGIC_CONTEXT);
}

void ocl_context_retain(cl_context c)
{
	atomic_fetch_add(&c->h.refs, 1);
}

void ocl_context_release(cl_context c)
{
	if (atomic_fetch_sub(&c->h.refs, 1) != 1)
		return;
	c->h.magic = OCL_MAGIC_DEAD;
	free(c);
}

/* Check a property list: only CL_CONTEXT_PLATFORM, naming this platform. */
static cl_int props_check(const cl_context_properties *props, cl_uint *n)
{
	*n = 0;
	if (!props)
		return CL_SUCCESS;
	for (; props[0]; props += 2) {
		if (props[0] != CL_CONTEXT_PLATFORM)
			return CL_INVALID_PROPERTY;
		if (*n)
			return CL_INVALID_PROPERTY;	/* given twice */
		if ((cl_platform_id)props[1] != &ocl_platform)
			return CL_INVALID_PLATFORM;
		*n = 3;
	}
	return CL_SUCCESS;
}

static cl_context context_new(const cl_context_properties *props, cl_device_id dev,
			      void(CL_CALLBACK *notify)(const char *, const void *, size_t, void *),
			      void *data, cl_int *errcode_ret)
{
	cl_context c;
	cl_uint n;
	cl_int err;

	if (!notify && data)
		return ocl_fail(errcode_ret, CL_INVALID_VALUE);
	err = props_check(props, &n);
	if (err)
		return ocl_fail(errcode_ret, err);
	c = calloc(1, sizeof(*c));
	if (!c)
		return ocl_fail(errcode_ret, CL_OUT_OF_HOST_MEMORY);
	ocl_head_init(&c->h, OCL_MAGIC_CONTEXT);
	c->device = dev;
	c->n_props = n;
	if (n) {
		c->props[0] = CL_CONTEXT_PLATFORM;
		c->props[1] = (cl_context_properties)&ocl_platform;
	}
	c->notify = notify;
	c->notify_data = data;
	if (errcode_ret)
		*errcode_ret = CL_SUCCESS;
	return c;
}

static cl_context CL_API_CALL ocl_CreateContext(const cl_context_properties *props,
						cl_uint num_devices, const cl_device_id *devices,
						void(CL_CALLBACK *notify)(const char *, const void *,
									  size_t, void *),
						void *data, cl_int *errcode_ret)
{
	if (!num_devices || !devices)
		return ocl_fail(errcode_ret, CL_INVALID_VALUE);
	for (cl_uint i = 0; i < num_devices; i++)
		if (!ocl_device_ok(devices[i]) || devices[i] != devices[0])
			return ocl_fail(errcode_ret, CL_INVALID_DEVICE);
	return context_new(props, devices[0], notify, data, errcode_ret);
}

static cl_context CL_API_CALL ocl_CreateContextFromType(const cl_context_properties *props,
							cl_device_type type,
							void(CL_CALLBACK *notify)(const char *,
										  const void *,
										  size_t, void *),
							void *data, cl_int *errcode_ret)
{
	cl_device_id dev;
	cl_int err;

	err = ocl_dispatch.clGetDeviceIDs(&ocl_platform, type, 1, &dev, NULL);
	if (err)
		return ocl_fail(errcode_ret, err);
	return context_new(props, dev, notify, data, errcode_ret);
}

static cl_int CL_API_CALL ocl_RetainContext(cl_context c)
{
	return ocl_retain(c, OCL_MAGIC_CONTEXT, CL_INVALID_CONTEXT);
}

static cl_int CL_API_CALL ocl_ReleaseContext(cl_context c)
{
	if (!ocl_context_ok(c))
		return CL_INVALID_CONTEXT;
	ocl_context_release(c);
	return CL_SUCCESS;
}

static cl_int CL_API_CALL ocl_GetContextInfo(cl_context c, cl_context_info param, size_t size,
					     void *value, size_t *size_ret)
{
	if (!ocl_context_ok(c))
		return CL_INVALID_CONTEXT;
	switch (param) {
	case CL_CONTEXT_REFERENCE_COUNT:
		return ocl_info_u32(size, value, size_ret, atomic_load(&c->h.refs));
	case CL_CONTEXT_NUM_DEVICES:
		return ocl_info_u32(size, value, size_ret, 1);
	case CL_CONTEXT_DEVICES:
		return ocl_info_ptr(size, value, size_ret, c->device);
	case CL_CONTEXT_PROPERTIES:
		return ocl_info(size, value, size_ret, c->props,
				c->n_props * sizeof(cl_context_properties));
	default:
		return CL_INVALID_VALUE;
	}
}

void ocl_dispatch_context(cl_icd_dispatch *t)
{
	t->clCreateContext = ocl_CreateContext;
	t->clCreateContextFromType = ocl_CreateContextFromType;
	t->clRetainContext = ocl_RetainContext;
	t->clReleaseContext = ocl_ReleaseContext;
	t->clGetContextInfo = ocl_GetContextInfo;
}
