/* fp32 GEMV front end: check the call, split the rows over the pool. */
#include <assert.h>

#include "cpu_internal.h"

struct f32_task {
	fllm_cpu_ctx *ctx;
	const struct fllm_cpu_f32_job *job;
	uint32_t m;
};

/* One thread's share of the rows. */
static void f32_task_run(void *arg, uint32_t index, uint32_t count)
{
	struct f32_task *t = arg;
	uint32_t r0, r1;

	fllm_cpu_split(t->m, index, count, &r0, &r1);
	if (r0 < r1)
		t->ctx->kern->f32_rows(t->job, r0, r1);
}

/* y[n] = W x[n] in fp32 with the context's variant and threads. */
fllm_status fllm_cpu_gemv_f32(fllm_cpu_ctx *ctx, uint32_t m, uint32_t k, const float *w,
			      size_t w_stride, uint32_t n, const float *x, size_t x_stride,
			      float *y, size_t y_stride)
{
	struct fllm_cpu_f32_job job = { k, n, w, w_stride, x, x_stride, y, y_stride };
	struct f32_task task = { ctx, &job, m };

	assert(ctx && w && x && y);
	if (m == 0 || k == 0 || n == 0 || n > FLLM_LUTGEMM_N_MAX || w_stride < k ||
	    x_stride < k || y_stride < m)
		return FLLM_E_INVALID_ARG;
	fllm_threadpool_run(ctx->pool, f32_task_run, &task);
	return FLLM_OK;
}
