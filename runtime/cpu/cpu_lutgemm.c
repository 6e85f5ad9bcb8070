/*
 * LUT-GEMM front end: check the call, copy the tokens into zero-padded
 * scratch (so inputs k >= K are 0 whatever the caller's array holds, and the
 * variants may load whole vectors past a group's end), compute every group
 * sum S_G once, build the lookup tables for a prepared (tiled) matrix, then
 * split the rows (or 16-row tiles) over the pool.
 */
#include <assert.h>
#include <string.h>

#include "cpu_internal.h"

/* A group size the card accepts. */
static int lg_group_ok(uint32_t g)
{
	return g == 16 || g == 32 || g == 64 || g == 128 || g == 256;
}

/* The weight shape, flag and slice checks of docs/numerics.md 6. */
fllm_status fllm_cpu_lg_weights_check(const fllm_cpu_lutgemm_weights *w)
{
	if (w->m == 0 || w->m > FLLM_LUTGEMM_M_MAX || w->k == 0 || w->k > FLLM_LUTGEMM_K_MAX ||
	    !lg_group_ok(w->group) || w->planes == 0 || w->planes > FLLM_LUTGEMM_Q_MAX ||
	    w->flags & ~FLLM_LUTGEMM_F_MASK || w->slices == 0 ||
	    w->slices > FLLM_LUTGEMM_SLICES_MAX || w->slices > w->m)
		return FLLM_E_INVALID_ARG;
	return FLLM_OK;
}

/* Copy each token's xq (k < K) into scratch, zero the rest, sum every group. */
static void lg_prepare(fllm_cpu_ctx *ctx, const fllm_cpu_lutgemm_weights *w,
		       const fllm_cpu_lutgemm_acts *x, uint32_t groups)
{
	size_t padded = (size_t)groups * w->group;

	for (uint32_t n = 0; n < x->n; n++) {
		int8_t *dst = ctx->xq + n * ctx->xq_stride;	/* (groups * g + pad) */
		int32_t *sum = ctx->sums + (size_t)n * groups;	/* (groups) */

		memcpy(dst, x->xq + n * padded, w->k);
		memset(dst + w->k, 0, padded - w->k + FLLM_CPU_XQ_PAD);
		for (uint32_t grp = 0; grp < groups; grp++) {
			int32_t s = 0;

			for (uint32_t j = 0; j < w->group; j++)
				s += dst[grp * w->group + j];
			sum[grp] = s;
		}
	}
}

struct lg_task {
	fllm_cpu_ctx *ctx;
	const struct fllm_cpu_lg_job *job;
};

/* One thread's share of the rows (card records) or of the tiles (packed). */
static void lg_task_run(void *arg, uint32_t index, uint32_t count)
{
	struct lg_task *t = arg;
	const struct fllm_cpu_lutgemm_pack *pk = t->job->pk;
	uint32_t r0, r1;

	if (pk) {
		fllm_cpu_split(pk->n_tiles, index, count, &r0, &r1);
		if (r0 < r1)
			t->ctx->kern->lutgemm_tiles(t->job, r0, r1);
		return;
	}
	fllm_cpu_split(t->job->w->m, index, count, &r0, &r1);
	if (r0 < r1)
		t->ctx->kern->lutgemm_rows(t->job, r0, r1, &t->ctx->scratch[index]);
}

/* Checks shared by both entry points, then the job: prepare, tables, split. */
static fllm_status lg_run(fllm_cpu_ctx *ctx, const fllm_cpu_lutgemm_weights *w,
			  const struct fllm_cpu_lutgemm_pack *pk, const fllm_cpu_lutgemm_acts *x,
			  float *y, size_t y_stride)
{
	struct fllm_cpu_lg_job job;
	struct lg_task task = { ctx, &job };
	fllm_status st;

	assert(x && y && x->ex && x->msx && x->xq);
	st = fllm_cpu_lg_weights_check(w);
	if (st != FLLM_OK)
		return st;
	if (x->n == 0 || x->n > FLLM_LUTGEMM_N_MAX || y_stride < w->m)
		return FLLM_E_INVALID_ARG;
	job = (struct fllm_cpu_lg_job){
		.w = w,
		.n = x->n,
		.groups = fllm_lutgemm_groups(w->k, w->group),
		.row_bytes = fllm_lutgemm_row_bytes(w->k, w->group, w->planes),
		.planes_off = fllm_lutgemm_row_planes_offset(w->k, w->group, w->planes),
		.xq = ctx->xq,
		.xq_stride = ctx->xq_stride,
		.sums = ctx->sums,
		.msx = x->msx,
		.ex = x->ex,
		.y = y,
		.y_stride = y_stride,
		.pk = pk,
		.tabs = ctx->tabs,
		.tab_stride = (size_t)(FLLM_LUTGEMM_K_MAX / 32) * FLLM_CPU_LV_TAB_LINE,
	};
	lg_prepare(ctx, w, x, job.groups);
	if (pk)
		ctx->kern->lutgemm_tables(&job);
	fllm_threadpool_run(ctx->pool, lg_task_run, &task);
	return FLLM_OK;
}

/* y = LUT-GEMM(w, x), bit for bit as the card computes it. */
fllm_status fllm_cpu_lutgemm(fllm_cpu_ctx *ctx, const fllm_cpu_lutgemm_weights *w,
			     const fllm_cpu_lutgemm_acts *x, float *y, size_t y_stride)
{
	assert(ctx && w && w->slice);
	return lg_run(ctx, w, NULL, x, y, y_stride);
}

/* The same on a prepared matrix: the tiled kernel, or the records it views. */
fllm_status fllm_cpu_lutgemm_packed(fllm_cpu_ctx *ctx, const fllm_cpu_lutgemm_pack *pk,
				    const fllm_cpu_lutgemm_acts *x, float *y, size_t y_stride)
{
	assert(ctx && pk);
	if (pk->isa != ctx->isa)
		return FLLM_E_INVALID_ARG;
	return lg_run(ctx, &pk->w, pk->tiles ? pk : NULL, x, y, y_stride);
}

/* See fllm_cpu.h: exponents, then scale mantissas, then codes, token-major. */
size_t fllm_cpu_lutgemm_acts_bytes(uint32_t n, uint32_t k, uint32_t g)
{
	size_t groups = fllm_lutgemm_groups(k, g);

	return (size_t)n * (4 + 2 * groups + groups * g);
}

/* See fllm_cpu.h. */
void fllm_cpu_lutgemm_acts_gather(const uint8_t *rec, uint64_t stride, uint32_t n, uint32_t k,
				  uint32_t g, void *buf, fllm_cpu_lutgemm_acts *x)
{
	uint32_t groups = fllm_lutgemm_groups(k, g);
	uint64_t codes = (uint64_t)groups * g;
	int32_t *ex = buf;
	uint16_t *msx = (uint16_t *)(ex + n);
	int8_t *xq = (int8_t *)(msx + (size_t)n * groups);

	for (uint32_t t = 0; t < n; t++) {
		const uint8_t *r = rec + t * stride;

		memcpy(&ex[t], r, 4);
		memcpy(msx + (size_t)t * groups, r + FLLM_LUTGEMM_ACT_MSX, 2ull * groups);
		memcpy(xq + t * codes, r + fllm_lutgemm_act_xq_offset(k, g), codes);
	}
	x->n = n;
	x->ex = ex;
	x->msx = msx;
	x->xq = xq;
}
