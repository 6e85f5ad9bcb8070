/*
 * In-order command queues. Each queue owns a command list and a small
 * buffer object for unit parameter blocks; its lock makes one command run
 * at a time, to completion, inside the enqueue call.
 */
#include <stdlib.h>

#include "ocl_internal.h"

int ocl_queue_ok(cl_command_queue q)
{
	return ocl_is(q, OCL_MAGIC_QUEUE);
}

void ocl_queue_release(cl_command_queue q)
{
	cl_context ctx = q->ctx;

	if (atomic_fetch_sub(&q->h.refs, 1) != 1)
		return;
	fllm_cmdlist_free(q->cl);
	fllm_bo_free(q->params);
	pthread_mutex_destroy(&q->lock);
	q->h.magic = OCL_MAGIC_DEAD;
	free(q);
	ocl_context_release(ctx);
}

static cl_command_queue queue_new(cl_context ctx, cl_device_id dev,
				  cl_command_queue_properties props, cl_int *errcode_ret)
{
	cl_command_queue q;
	fllm_status st;

	if (!ocl_context_ok(ctx))
		return ocl_fail(errcode_ret, CL_INVALID_CONTEXT);
	if (!ocl_device_ok(dev) || dev != ctx->device)
		return ocl_fail(errcode_ret, CL_INVALID_DEVICE);
	if (props & ~(cl_command_queue_properties)(CL_QUEUE_PROFILING_ENABLE |
						   CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE))
		return ocl_fail(errcode_ret, CL_INVALID_VALUE);
	if (props & CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE)
		return ocl_fail(errcode_ret, CL_INVALID_QUEUE_PROPERTIES);
	q = calloc(1, sizeof(*q));
	if (!q)
		return ocl_fail(errcode_ret, CL_OUT_OF_HOST_MEMORY);
	st = fllm_cmdlist_create(dev->dev, &q->cl);
	if (st)
		goto err_free_queue;
	st = fllm_bo_alloc(dev->dev, OCL_PARAMS_BYTES, NULL, &q->params);
	if (st)
		goto err_free_cmdlist;
	ocl_head_init(&q->h, OCL_MAGIC_QUEUE);
	pthread_mutex_init(&q->lock, NULL);
	q->ctx = ctx;
	ocl_context_retain(ctx);
	q->device = dev;
	q->props = props;
	if (errcode_ret)
		*errcode_ret = CL_SUCCESS;
	return q;

err_free_cmdlist:
	fllm_cmdlist_free(q->cl);
err_free_queue:
	free(q);
	return ocl_fail(errcode_ret, ocl_status_err(st));
}

static cl_command_queue CL_API_CALL ocl_CreateCommandQueue(cl_context ctx, cl_device_id dev,
							   cl_command_queue_properties props,
							   cl_int *errcode_ret)
{
	return queue_new(ctx, dev, props, errcode_ret);
}

/* The OpenCL 2.0 form, for hosts written against newer headers: only CL_QUEUE_PROPERTIES. */
static cl_command_queue CL_API_CALL
ocl_CreateCommandQueueWithProperties(cl_context ctx, cl_device_id dev,
				     const cl_queue_properties *props, cl_int *errcode_ret)
{
	cl_command_queue_properties bits = 0;

	for (; props && props[0]; props += 2) {
		if (props[0] != CL_QUEUE_PROPERTIES)
			return ocl_fail(errcode_ret, CL_INVALID_VALUE);
		bits = props[1];
	}
	return queue_new(ctx, dev, bits, errcode_ret);
}

static cl_int CL_API_CALL ocl_RetainCommandQueue(cl_command_queue q)
{
	return ocl_retain(q, OCL_MAGIC_QUEUE, CL_INVALID_COMMAND_QUEUE);
}

static cl_int CL_API_CALL ocl_ReleaseCommandQueue(cl_command_queue q)
{
	if (!ocl_queue_ok(q))
		return CL_INVALID_COMMAND_QUEUE;
	ocl_queue_release(q);
	return CL_SUCCESS;
}

static cl_int CL_API_CALL ocl_GetCommandQueueInfo(cl_command_queue q,
						  cl_command_queue_info param, size_t size,
						  void *value, size_t *size_ret)
{
	if (!ocl_queue_ok(q))
		return CL_INVALID_COMMAND_QUEUE;
	switch (param) {
	case CL_QUEUE_CONTEXT:
		return ocl_info_ptr(size, value, size_ret, q->ctx);
	case CL_QUEUE_DEVICE:
		return ocl_info_ptr(size, value, size_ret, q->device);
	case CL_QUEUE_REFERENCE_COUNT:
		return ocl_info_u32(size, value, size_ret, atomic_load(&q->h.refs));
	case CL_QUEUE_PROPERTIES:
		return ocl_info_u64(size, value, size_ret, q->props);
	default:
		return CL_INVALID_VALUE;
	}
}

/* Every command has completed by the time its enqueue call returned. */
static cl_int CL_API_CALL ocl_Flush(cl_command_queue q)
{
	return ocl_queue_ok(q) ? CL_SUCCESS : CL_INVALID_COMMAND_QUEUE;
}

static cl_int CL_API_CALL ocl_Finish(cl_command_queue q)
{
	return ocl_queue_ok(q) ? CL_SUCCESS : CL_INVALID_COMMAND_QUEUE;
}

cl_int ocl_enqueue_begin(cl_command_queue q, cl_uint n_wait, const cl_event *wait,
			 cl_ulong *t_queued)
{
	cl_int err;

	if (!ocl_queue_ok(q))
		return CL_INVALID_COMMAND_QUEUE;
	err = ocl_wait_list_check(q->ctx, n_wait, wait);
	if (err)
		return err;
	*t_queued = ocl_now_ns();
	pthread_mutex_lock(&q->lock);
	return CL_SUCCESS;
}

cl_int ocl_enqueue_end(cl_command_queue q, cl_command_type type, cl_ulong t_queued,
		       cl_ulong t_start, cl_int status, cl_event *event)
{
	pthread_mutex_unlock(&q->lock);
	if (status < 0)
		return status;
	return event ? ocl_event_new(q, type, t_queued, t_start, status, event) : CL_SUCCESS;
}

/* A command with nothing to do: marker, barrier, migration on one device. */
static cl_int empty_command(cl_command_queue q, cl_command_type type, cl_uint n_wait,
			    const cl_event *wait, cl_event *event)
{
	cl_ulong t;
	cl_int err = ocl_enqueue_begin(q, n_wait, wait, &t);

	if (err)
		return err;
	return ocl_enqueue_end(q, type, t, ocl_now_ns(), CL_COMPLETE, event);
}

static cl_int CL_API_CALL ocl_EnqueueMarkerWithWaitList(cl_command_queue q, cl_uint n_wait,
							const cl_event *wait, cl_event *event)
{
	return empty_command(q, CL_COMMAND_MARKER, n_wait, wait, event);
}

static cl_int CL_API_CALL ocl_EnqueueBarrierWithWaitList(cl_command_queue q, cl_uint n_wait,
							 const cl_event *wait, cl_event *event)
{
	return empty_command(q, CL_COMMAND_BARRIER, n_wait, wait, event);
}

static cl_int CL_API_CALL ocl_EnqueueMarker(cl_command_queue q, cl_event *event)
{
	if (!event)
		return CL_INVALID_VALUE;
	return empty_command(q, CL_COMMAND_MARKER, 0, NULL, event);
}

static cl_int CL_API_CALL ocl_EnqueueBarrier(cl_command_queue q)
{
	return empty_command(q, CL_COMMAND_BARRIER, 0, NULL, NULL);
}

static cl_int CL_API_CALL ocl_EnqueueWaitForEvents(cl_command_queue q, cl_uint n,
						   const cl_event *list)
{
	if (!n || !list)
		return CL_INVALID_VALUE;
	return empty_command(q, CL_COMMAND_BARRIER, n, list, NULL);
}

/* Buffers live on the context's one device: migration has nothing to move. */
static cl_int CL_API_CALL ocl_EnqueueMigrateMemObjects(cl_command_queue q, cl_uint n,
						       const cl_mem *mems,
						       cl_mem_migration_flags flags,
						       cl_uint n_wait, const cl_event *wait,
						       cl_event *event)
{
	if (!ocl_queue_ok(q))
		return CL_INVALID_COMMAND_QUEUE;
	if (!n || !mems || (flags & ~(cl_mem_migration_flags)(CL_MIGRATE_MEM_OBJECT_HOST |
				      CL_MIGRATE_MEM_OBJECT_CONTENT_UNDEFINED)))
		return CL_INVALID_VALUE;
	for (cl_uint i = 0; i < n; i++) {
		if (!ocl_is(mems[i], OCL_MAGIC_MEM))
			return CL_INVALID_MEM_OBJECT;
		if (mems[i]->ctx != q->ctx)
			return CL_INVALID_CONTEXT;
	}
	return empty_command(q, CL_COMMAND_MIGRATE_MEM_OBJECTS, n_wait, wait, event);
}

void ocl_dispatch_queue(cl_icd_dispatch *t)
{
	t->clCreateCommandQueue = ocl_CreateCommandQueue;
	t->clCreateCommandQueueWithProperties = ocl_CreateCommandQueueWithProperties;
	t->clRetainCommandQueue = ocl_RetainCommandQueue;
	t->clReleaseCommandQueue = ocl_ReleaseCommandQueue;
	t->clGetCommandQueueInfo = ocl_GetCommandQueueInfo;
	t->clFlush = ocl_Flush;
	t->clFinish = ocl_Finish;
	t->clEnqueueMarker = ocl_EnqueueMarker;
	t->clEnqueueBarrier = ocl_EnqueueBarrier;
	t->clEnqueueWaitForEvents = ocl_EnqueueWaitForEvents;
	t->clEnqueueMarkerWithWaitList = ocl_EnqueueMarkerWithWaitList;
	t->clEnqueueBarrierWithWaitList = ocl_EnqueueBarrierWithWaitList;
	t->clEnqueueMigrateMemObjects = ocl_EnqueueMigrateMemObjects;
}
