/*
 * Buffer transfers: read, write, copy (a card DMA command), fill, map and
 * unmap. Each runs to completion inside its enqueue call.
 */
#include <stdlib.h>
#include <string.h>

#include "fllm_card.h"
#include "ocl_internal.h"

#define OCL_FILL_CHUNK (64u * 1024u)
#define OCL_WAIT_NS (60ull * 1000000000ull)

/* A buffer of the queue's context with [offset, offset+size) inside it. */
static cl_int range_check(cl_command_queue q, cl_mem m, size_t offset, size_t size)
{
	if (!ocl_is(m, OCL_MAGIC_MEM))
		return CL_INVALID_MEM_OBJECT;
	if (m->ctx != q->ctx)
		return CL_INVALID_CONTEXT;
	if (!size || offset > m->size || size > m->size - offset)
		return CL_INVALID_VALUE;
	return CL_SUCCESS;
}

/* The host may read (want_write 0) or write the buffer under its HOST_ flags. */
static int host_may(cl_mem m, int want_write)
{
	if (m->flags & CL_MEM_HOST_NO_ACCESS)
		return 0;
	return want_write ? !(m->flags & CL_MEM_HOST_READ_ONLY)
			  : !(m->flags & CL_MEM_HOST_WRITE_ONLY);
}

/* Read (dst set) or write (src set) a range between host memory and the buffer. */
static cl_int host_transfer(cl_command_queue q, cl_mem m, size_t offset, size_t size, void *dst,
			    const void *src, cl_uint n_wait, const cl_event *wait,
			    cl_event *event)
{
	cl_ulong tq, ts;
	cl_int err;

	if (!ocl_queue_ok(q))
		return CL_INVALID_COMMAND_QUEUE;
	err = range_check(q, m, offset, size);
	if (err)
		return err;
	if (!dst && !src)
		return CL_INVALID_VALUE;
	if (!host_may(m, src != NULL))
		return CL_INVALID_OPERATION;
	err = ocl_enqueue_begin(q, n_wait, wait, &tq);
	if (err)
		return err;
	ts = ocl_now_ns();
	err = ocl_status_err(src ? fllm_bo_write(m->bo, offset, src, size)
				 : fllm_bo_read(m->bo, offset, dst, size));
	return ocl_enqueue_end(q, src ? CL_COMMAND_WRITE_BUFFER : CL_COMMAND_READ_BUFFER, tq, ts,
			       err ? err : CL_COMPLETE, event);
}

static cl_int CL_API_CALL ocl_EnqueueReadBuffer(cl_command_queue q, cl_mem m, cl_bool blocking,
						size_t offset, size_t size, void *ptr,
						cl_uint n_wait, const cl_event *wait,
						cl_event *event)
{
	return host_transfer(q, m, offset, size, ptr, NULL, n_wait, wait, event);
}

static cl_int CL_API_CALL ocl_EnqueueWriteBuffer(cl_command_queue q, cl_mem m, cl_bool blocking,
						 size_t offset, size_t size, const void *ptr,
						 cl_uint n_wait, const cl_event *wait,
						 cl_event *event)
{
	return host_transfer(q, m, offset, size, NULL, ptr, n_wait, wait, event);
}

/* Record, submit and wait for what q->cl holds (q->lock held). */
cl_int ocl_queue_run(cl_command_queue q, uint64_t *result)
{
	fllm_event *ev;
	fllm_cmd_result res;
	fllm_status st;

	st = fllm_cmdlist_submit(q->cl, &ev);
	if (st)
		return ocl_status_err(st);
	st = fllm_event_wait(ev, OCL_WAIT_NS);
	if (fllm_event_result(ev, 0, &res))
		memset(&res, 0, sizeof(res));
	fllm_event_free(ev);
	if (!st) {
		if (result)
			*result = res.result;
		return CL_SUCCESS;
	}
	/* the unit refused what the arguments described */
	if (st == FLLM_E_CARD && (res.card_status == FLLM_CARD_ERR_PARAM ||
				  res.card_status == FLLM_CARD_ERR_FLAGS ||
				  res.card_status == FLLM_CARD_ERR_ADDR ||
				  res.card_status == FLLM_CARD_ERR_ALIGN ||
				  res.card_status == FLLM_CARD_ERR_SIZE))
		return CL_INVALID_KERNEL_ARGS;
	return CL_OUT_OF_RESOURCES;
}

/* A card-to-card DMA command. */
static cl_int CL_API_CALL ocl_EnqueueCopyBuffer(cl_command_queue q, cl_mem src, cl_mem dst,
						size_t src_off, size_t dst_off, size_t size,
						cl_uint n_wait, const cl_event *wait,
						cl_event *event)
{
	cl_ulong tq, ts;
	cl_int err;
	fllm_status st;

	if (!ocl_queue_ok(q))
		return CL_INVALID_COMMAND_QUEUE;
	err = range_check(q, src, src_off, size);
	if (!err)
		err = range_check(q, dst, dst_off, size);
	if (err)
		return err;
	if (src == dst && src_off < dst_off + size && dst_off < src_off + size)
		return CL_MEM_COPY_OVERLAP;
	err = ocl_enqueue_begin(q, n_wait, wait, &tq);
	if (err)
		return err;
	ts = ocl_now_ns();
	fllm_cmdlist_reset(q->cl);
	st = fllm_cmdlist_copy(q->cl, dst->bo, dst_off, src->bo, src_off, size);
	err = st ? ocl_status_err(st) : ocl_queue_run(q, NULL);
	return ocl_enqueue_end(q, CL_COMMAND_COPY_BUFFER, tq, ts, err ? err : CL_COMPLETE,
			       event);
}

/* Repeat the pattern over the range, written from a host chunk of copies. */
static cl_int CL_API_CALL ocl_EnqueueFillBuffer(cl_command_queue q, cl_mem m,
						const void *pattern, size_t pattern_size,
						size_t offset, size_t size, cl_uint n_wait,
						const cl_event *wait, cl_event *event)
{
	uint8_t *chunk;	/* (OCL_FILL_CHUNK) pattern repeated */
	cl_ulong tq, ts;
	cl_int err;

	if (!ocl_queue_ok(q))
		return CL_INVALID_COMMAND_QUEUE;
	err = range_check(q, m, offset, size);
	if (err)
		return err;
	if (!pattern || !pattern_size || pattern_size > 128 ||
	    (pattern_size & (pattern_size - 1)) || offset % pattern_size || size % pattern_size)
		return CL_INVALID_VALUE;
	chunk = malloc(OCL_FILL_CHUNK);
	if (!chunk)
		return CL_OUT_OF_HOST_MEMORY;
	for (size_t i = 0; i < OCL_FILL_CHUNK; i += pattern_size)
		memcpy(chunk + i, pattern, pattern_size);
	err = ocl_enqueue_begin(q, n_wait, wait, &tq);
	if (err)
		goto out_free;
	ts = ocl_now_ns();
	for (size_t done = 0; done < size && !err; done += OCL_FILL_CHUNK) {
		size_t len = size - done < OCL_FILL_CHUNK ? size - done : OCL_FILL_CHUNK;

		err = ocl_status_err(fllm_bo_write(m->bo, offset + done, chunk, len));
	}
	err = ocl_enqueue_end(q, CL_COMMAND_FILL_BUFFER, tq, ts, err ? err : CL_COMPLETE,
			      event);
out_free:
	free(chunk);
	return err;
}

/*
 * Map: the region is read into host memory (host_ptr's own bytes for
 * CL_MEM_USE_HOST_PTR, else a fresh allocation) unless the map only writes
 * and invalidates; unmap writes it back when the map allowed writing.
 */
static void *CL_API_CALL ocl_EnqueueMapBuffer(cl_command_queue q, cl_mem m, cl_bool blocking,
					      cl_map_flags flags, size_t offset, size_t size,
					      cl_uint n_wait, const cl_event *wait,
					      cl_event *event, cl_int *errcode_ret)
{
	const cl_map_flags known = CL_MAP_READ | CL_MAP_WRITE | CL_MAP_WRITE_INVALIDATE_REGION;
	struct ocl_map *mp;
	cl_ulong tq, ts;
	cl_int err;

	if (!ocl_queue_ok(q))
		return ocl_fail(errcode_ret, CL_INVALID_COMMAND_QUEUE);
	err = range_check(q, m, offset, size);
	if (err)
		return ocl_fail(errcode_ret, err);
	if ((flags & ~known) || ((flags & CL_MAP_WRITE_INVALIDATE_REGION) &&
				 (flags & (CL_MAP_READ | CL_MAP_WRITE))))
		return ocl_fail(errcode_ret, CL_INVALID_VALUE);
	if (((flags & CL_MAP_READ) && !host_may(m, 0)) ||
	    ((flags & ~(cl_map_flags)CL_MAP_READ) && !host_may(m, 1)))
		return ocl_fail(errcode_ret, CL_INVALID_OPERATION);
	mp = calloc(1, sizeof(*mp));
	if (!mp)
		return ocl_fail(errcode_ret, CL_OUT_OF_HOST_MEMORY);
	mp->offset = offset;
	mp->size = size;
	mp->flags = flags;
	mp->owned = !m->host_ptr;
	mp->ptr = m->host_ptr ? (uint8_t *)m->host_ptr + offset : malloc(size);
	if (!mp->ptr) {
		free(mp);
		return ocl_fail(errcode_ret, CL_OUT_OF_HOST_MEMORY);
	}
	err = ocl_enqueue_begin(q, n_wait, wait, &tq);
	if (err)
		goto err_free_map;
	ts = ocl_now_ns();
	if (!(flags & CL_MAP_WRITE_INVALIDATE_REGION))
		err = ocl_status_err(fllm_bo_read(m->bo, offset, mp->ptr, size));
	if (!err) {
		pthread_mutex_lock(&m->lock);
		mp->next = m->maps;
		m->maps = mp;
		m->map_count++;
		pthread_mutex_unlock(&m->lock);
	}
	err = ocl_enqueue_end(q, CL_COMMAND_MAP_BUFFER, tq, ts, err ? err : CL_COMPLETE,
			      event);
	if (err)
		goto err_free_map;
	if (errcode_ret)
		*errcode_ret = CL_SUCCESS;
	return mp->ptr;

err_free_map:
	pthread_mutex_lock(&m->lock);
	for (struct ocl_map **pp = &m->maps; *pp; pp = &(*pp)->next) {
		if (*pp == mp) {
			*pp = mp->next;
			m->map_count--;
			break;
		}
	}
	pthread_mutex_unlock(&m->lock);
	if (mp->owned)
		free(mp->ptr);
	free(mp);
	return ocl_fail(errcode_ret, err);
}

static cl_int CL_API_CALL ocl_EnqueueUnmapMemObject(cl_command_queue q, cl_mem m, void *ptr,
						    cl_uint n_wait, const cl_event *wait,
						    cl_event *event)
{
	struct ocl_map *mp = NULL;
	cl_ulong tq, ts;
	cl_int err;

	if (!ocl_queue_ok(q))
		return CL_INVALID_COMMAND_QUEUE;
	if (!ocl_is(m, OCL_MAGIC_MEM))
		return CL_INVALID_MEM_OBJECT;
	if (m->ctx != q->ctx)
		return CL_INVALID_CONTEXT;
	pthread_mutex_lock(&m->lock);
	for (struct ocl_map **pp = &m->maps; *pp; pp = &(*pp)->next) {
		if ((*pp)->ptr == ptr) {
			mp = *pp;
			*pp = mp->next;
			m->map_count--;
			break;
		}
	}
	pthread_mutex_unlock(&m->lock);
	if (!mp)
		return CL_INVALID_VALUE;
	err = ocl_enqueue_begin(q, n_wait, wait, &tq);
	if (err) {
		/* put it back: the mapping stays valid */
		pthread_mutex_lock(&m->lock);
		mp->next = m->maps;
		m->maps = mp;
		m->map_count++;
		pthread_mutex_unlock(&m->lock);
		return err;
	}
	ts = ocl_now_ns();
	if (mp->flags & (CL_MAP_WRITE | CL_MAP_WRITE_INVALIDATE_REGION))
		err = ocl_status_err(fllm_bo_write(m->bo, mp->offset, mp->ptr, mp->size));
	if (mp->owned)
		free(mp->ptr);
	free(mp);
	return ocl_enqueue_end(q, CL_COMMAND_UNMAP_MEM_OBJECT, tq, ts, err ? err : CL_COMPLETE,
			       event);
}

void ocl_dispatch_transfer(cl_icd_dispatch *t)
{
	t->clEnqueueReadBuffer = ocl_EnqueueReadBuffer;
	t->clEnqueueWriteBuffer = ocl_EnqueueWriteBuffer;
	t->clEnqueueCopyBuffer = ocl_EnqueueCopyBuffer;
	t->clEnqueueFillBuffer = ocl_EnqueueFillBuffer;
	t->clEnqueueMapBuffer = ocl_EnqueueMapBuffer;
	t->clEnqueueUnmapMemObject = ocl_EnqueueUnmapMemObject;
}
