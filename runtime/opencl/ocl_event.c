/*
 * Events. Commands run when they are enqueued, so every event the ICD makes
 * is complete (CL_COMPLETE, or a negative status when the card failed the
 * command) and carries the host-clock times the command went through.
 */
#include <stdlib.h>

#include "ocl_internal.h"

cl_int ocl_event_new(cl_command_queue q, cl_command_type type, cl_ulong t_queued,
		     cl_ulong t_start, cl_int status, cl_event *out)
{
	cl_event e = calloc(1, sizeof(*e));

	if (!e)
		return CL_OUT_OF_HOST_MEMORY;
	ocl_head_init(&e->h, OCL_MAGIC_EVENT);
	e->queue = q;
	e->ctx = q->ctx;
	atomic_fetch_add(&q->h.refs, 1);
	ocl_context_retain(e->ctx);
	e->type = type;
	e->status = status;
	e->t_queued = t_queued;
	e->t_submit = t_start;
	e->t_start = t_start;
	e->t_end = ocl_now_ns();
	*out = e;
	return CL_SUCCESS;
}

cl_int ocl_wait_list_check(cl_context ctx, cl_uint n, const cl_event *list)
{
	if (!n != !list)
		return CL_INVALID_EVENT_WAIT_LIST;
	for (cl_uint i = 0; i < n; i++) {
		if (!ocl_is(list[i], OCL_MAGIC_EVENT))
			return CL_INVALID_EVENT_WAIT_LIST;
		if (ctx && list[i]->ctx != ctx)
			return CL_INVALID_CONTEXT;
	}
	for (cl_uint i = 0; i < n; i++)
		if (list[i]->status < 0)
			return CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST;
	return CL_SUCCESS;
}

static cl_int CL_API_CALL ocl_WaitForEvents(cl_uint n, const cl_event *list)
{
	cl_int err;

	if (!n || !list)
		return CL_INVALID_VALUE;
	for (cl_uint i = 0; i < n; i++)
		if (!ocl_is(list[i], OCL_MAGIC_EVENT))
			return CL_INVALID_EVENT;
	err = ocl_wait_list_check(list[0]->ctx, n, list);
	return err == CL_INVALID_EVENT_WAIT_LIST ? CL_INVALID_EVENT : err;
}

static cl_int CL_API_CALL ocl_GetEventInfo(cl_event e, cl_event_info param, size_t size,
					   void *value, size_t *size_ret)
{
	if (!ocl_is(e, OCL_MAGIC_EVENT))
		return CL_INVALID_EVENT;
	switch (param) {
	case CL_EVENT_COMMAND_QUEUE:
		return ocl_info_ptr(size, value, size_ret, e->queue);
	case CL_EVENT_CONTEXT:
		return ocl_info_ptr(size, value, size_ret, e->ctx);
	case CL_EVENT_COMMAND_TYPE:
		return ocl_info_u32(size, value, size_ret, e->type);
	case CL_EVENT_COMMAND_EXECUTION_STATUS:
		return ocl_info(size, value, size_ret, &e->status, sizeof(e->status));
	case CL_EVENT_REFERENCE_COUNT:
		return ocl_info_u32(size, value, size_ret, atomic_load(&e->h.refs));
	default:
		return CL_INVALID_VALUE;
	}
}

static cl_int CL_API_CALL ocl_RetainEvent(cl_event e)
{
	return ocl_retain(e, OCL_MAGIC_EVENT, CL_INVALID_EVENT);
}

static cl_int CL_API_CALL ocl_ReleaseEvent(cl_event e)
{
	if (!ocl_is(e, OCL_MAGIC_EVENT))
		return CL_INVALID_EVENT;
	if (atomic_fetch_sub(&e->h.refs, 1) != 1)
		return CL_SUCCESS;
	e->h.magic = OCL_MAGIC_DEAD;
	ocl_queue_release(e->queue);
	ocl_context_release(e->ctx);
	free(e);
	return CL_SUCCESS;
}

/* Host-clock times in ns; only for queues made with CL_QUEUE_PROFILING_ENABLE. */
static cl_int CL_API_CALL ocl_GetEventProfilingInfo(cl_event e, cl_profiling_info param,
						    size_t size, void *value, size_t *size_ret)
{
	if (!ocl_is(e, OCL_MAGIC_EVENT))
		return CL_INVALID_EVENT;
	if (!(e->queue->props & CL_QUEUE_PROFILING_ENABLE) || e->status != CL_COMPLETE)
		return CL_PROFILING_INFO_NOT_AVAILABLE;
	switch (param) {
	case CL_PROFILING_COMMAND_QUEUED:
		return ocl_info_u64(size, value, size_ret, e->t_queued);
	case CL_PROFILING_COMMAND_SUBMIT:
		return ocl_info_u64(size, value, size_ret, e->t_submit);
	case CL_PROFILING_COMMAND_START:
		return ocl_info_u64(size, value, size_ret, e->t_start);
	case CL_PROFILING_COMMAND_END:
	case CL_PROFILING_COMMAND_COMPLETE:
		return ocl_info_u64(size, value, size_ret, e->t_end);
	default:
		return CL_INVALID_VALUE;
	}
}

void ocl_dispatch_event(cl_icd_dispatch *t)
{
	t->clWaitForEvents = ocl_WaitForEvents;
	t->clGetEventInfo = ocl_GetEventInfo;
	t->clRetainEvent = ocl_RetainEvent;
	t->clReleaseEvent = ocl_ReleaseEvent;
	t->clGetEventProfilingInfo = ocl_GetEventProfilingInfo;
}
