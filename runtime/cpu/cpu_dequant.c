/*
 * The naive baseline: dequantize a row record to fp32 weights, then an fp32
 * dot product. Same bytes streamed as the integer kernel, but per-bit work
 * and fp32 arithmetic; it shows what the LUT-GEMM formulation buys.
 */
#include <assert.h>
#include <math.h>

#include "cpu_internal.h"

/* w[k] = (sum_i a_i b_i + zq) * 2^-(E_r + min(d, 62)) for k < K, fp32. */
void fllm_cpu_dequant_row(const fllm_cpu_lutgemm_weights *w, uint32_t r, float *out /* (k) */)
{
	uint32_t g = w->group, q = w->planes, groups = fllm_lutgemm_groups(w->k, g);
	uint32_t row_bytes = fllm_lutgemm_row_bytes(w->k, g, q);
	const uint8_t *rec = fllm_cpu_lg_row(w, row_bytes, r);
	/* bit-planes, (G, q, g/8) */
	const uint8_t *pl = rec + fllm_lutgemm_row_planes_offset(w->k, g, q);
	int32_t e_row = fllm_cpu_rd_i16(rec);

	for (uint32_t grp = 0; grp < groups; grp++) {
		const uint8_t *se = rec + fllm_lutgemm_row_scale_offset(q, grp);
		const uint8_t *gp = pl + (size_t)grp * q * (g / 8);	/* (q, g/8) */
		uint32_t d = se[0] > FLLM_LUTGEMM_D_MAX ? FLLM_LUTGEMM_D_MAX : se[0];
		uint32_t len = w->k - grp * g < g ? w->k - grp * g : g;
		double scale = ldexp(1.0, -(e_row + (int32_t)d));
		int32_t wi[FLLM_LUTGEMM_G_MAX];	/* (g) integer weights W[k] */

		for (uint32_t j = 0; j < len; j++)
			wi[j] = w->flags & FLLM_LUTGEMM_F_OFFSET ? fllm_cpu_rd_i16(se + 2) : 0;
		for (uint32_t i = 0; i < q; i++) {
			int32_t a = fllm_cpu_rd_i16(se + 4 + 2 * i);

			for (uint32_t j = 0; j < len; j++)
				wi[j] += gp[i * (g / 8) + j / 8] >> (j % 8) & 1 ? a : -a;
		}
		for (uint32_t j = 0; j < len; j++)
			out[grp * g + j] = (float)(wi[j] * scale);
	}
}

struct dq_task {
	fllm_cpu_ctx *ctx;
	const fllm_cpu_lutgemm_weights *w;
	uint32_t n;
	const float *x;		/* (n, x_stride) */
	size_t x_stride;
	float *y;		/* (n, y_stride) */
	size_t y_stride;
};

/* One thread's rows: dequantize each into scratch, then the variant's dot. */
static void dq_task_run(void *arg, uint32_t index, uint32_t count)
{
	struct dq_task *t = arg;
	float *row = t->ctx->scratch[index].row;	/* (k) */
	uint32_t r0, r1;

	fllm_cpu_split(t->w->m, index, count, &r0, &r1);
	for (uint32_t r = r0; r < r1; r++) {
		struct fllm_cpu_f32_job job = { t->w->k, t->n, row, t->w->k, t->x, t->x_stride,
						t->y + r, t->y_stride };

		fllm_cpu_dequant_row(t->w, r, row);
		t->ctx->kern->f32_rows(&job, 0, 1);
	}
}

/* y[n] = dequantized(W) x[n], fp32. */
fllm_status fllm_cpu_dequant_gemv(fllm_cpu_ctx *ctx, const fllm_cpu_lutgemm_weights *w,
				  uint32_t n, const float *x, size_t x_stride, float *y,
				  size_t y_stride)
{
	struct dq_task task = { ctx, w, n, x, x_stride, y, y_stride };
	fllm_status st;

	assert(ctx && w && x && y && w->slice);
	st = fllm_cpu_lg_weights_check(w);
	if (st != FLLM_OK)
		return st;
	if (n == 0 || n > FLLM_LUTGEMM_N_MAX || x_stride < w->k || y_stride < w->m)
		return FLLM_E_INVALID_ARG;
	fllm_threadpool_run(ctx->pool, dq_task_run, &task);
	return FLLM_OK;
}
