/*
 * The CPU executor: fp32 reference arithmetic, written to follow llama2.c's
 * run.c step for step (same formulas), with the vector steps of f32_ops.c:
 * dot products with 8 partial sums four rows at a time, attention scores
 * four positions at a time, softmax and SwiGLU with f32_ops.c's e^x, each
 * in a fixed order (deterministic on every ISA and thread count). Matmul
 * rows are split across the thread pool when a matrix is big enough to
 * repay the hand-off.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "executor.h"
#include "f32_ops.h"
#include "kv_cache.h"
#include "threadpool.h"

/* Below this many multiply-adds a matmul runs on the calling thread. */
#define CPU_PAR_MIN_MACS 32768u

struct exec_cpu {
	struct fllm_exec base;
	const fllm_model_info *info;
	struct fllm_threadpool *pool;
	struct fllm_kv_cache *kv;	/* (n_slots) made on first selection */
	struct fllm_kv_cache *cur;	/* the selected slot's */
	uint32_t n_ctx, n_slots;
	float *att;		/* (n_heads, n_ctx) attention scores */
	float *inv_freq;	/* (head_dim / 2) RoPE frequency of pair i */
};

struct linear_job {
	const struct fllm_weight *w;
	const float *x;		/* (cols) */
	float *y;		/* (rows) */
};

/* Rows [part * rows / n, (part + 1) * rows / n) of one matmul. A weight
 * kept in its stored form (a model too large for an fp32 copy) is
 * dequantized a row at a time: the same fp32 values, the same result. */
static void linear_part(void *arg, uint32_t part, uint32_t n)
{
	const struct linear_job *j = arg;
	uint32_t rows = j->w->rows, cols = j->w->cols;
	uint32_t r0 = (uint32_t)((uint64_t)rows * part / n);
	uint32_t r1 = (uint32_t)((uint64_t)rows * (part + 1) / n);
	uint32_t r = r0;
	float *row;

	if (j->w->f32) {
		f32_rows(j->w->f32, cols, j->x, j->y, r0, r1);
		return;
	}
	row = malloc((size_t)cols * sizeof(float));
	for (; r < r1; r++) {
		/* checked finite at load, so dequantizing cannot fail */
		if (!row || fllm_weight_rows(j->w, r, 1, row, NULL))
			j->y[r] = NAN;
		else
			j->y[r] = f32_dot(row, j->x, cols);
	}
	free(row);
}

/* Bytes of memory the system could give now (MemAvailable), or UINT64_MAX
 * when it cannot be read. */
static uint64_t cpu_mem_available(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	unsigned long long kb;
	uint64_t avail = UINT64_MAX;

	if (!f)
		return avail;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			avail = (uint64_t)kb * 1024;
	fclose(f);
	return avail;
}

static void cpu_linear(struct fllm_exec *ex, const struct fllm_weight *w, const float *x,
		       float *y)
{
	struct exec_cpu *c = (struct exec_cpu *)ex;
	struct linear_job job = { w, x, y };

	if ((uint64_t)w->rows * w->cols < CPU_PAR_MIN_MACS)
		linear_part(&job, 0, 1);
	else
		fllm_threadpool_run(c->pool, linear_part, &job);
}

/* run.c's form: w[j] * (x[j] / rms). */
static void cpu_rmsnorm(struct fllm_exec *ex, float *out, const float *x, const float *w,
			uint32_t n, float eps)
{
	float ss = 0.0f;

	for (uint32_t j = 0; j < n; j++)
		ss += x[j] * x[j];
	ss /= (float)n;
	ss += eps;
	ss = 1.0f / sqrtf(ss);
	for (uint32_t j = 0; j < n; j++)
		out[j] = w[j] * (ss * x[j]);
}

/* Adjacent pairs (x[2i], x[2i+1]) of every head turn by pos * theta^(-2i/hd). */
static void cpu_rope(struct fllm_exec *ex, float *q, float *k, uint32_t pos)
{
	struct exec_cpu *c = (struct exec_cpu *)ex;
	uint32_t hd = c->info->head_dim;
	uint32_t dim = c->info->n_heads * hd, kv_dim = c->info->n_kv_heads * hd;

	for (uint32_t i = 0; i < hd; i += 2) {
		float val = (float)pos * c->inv_freq[i / 2];
		float fcr = cosf(val), fci = sinf(val);

		for (uint32_t h = 0; h < dim; h += hd) {
			float v0 = q[h + i], v1 = q[h + i + 1];

			q[h + i] = v0 * fcr - v1 * fci;
			q[h + i + 1] = v0 * fci + v1 * fcr;
		}
		for (uint32_t h = 0; h < kv_dim; h += hd) {
			float v0 = k[h + i], v1 = k[h + i + 1];

			k[h + i] = v0 * fcr - v1 * fci;
			k[h + i + 1] = v0 * fci + v1 * fcr;
		}
	}
}

/* Query head h reads kv head h / (n_heads / n_kv_heads): GQA, MQA and MHA. */
static fllm_status cpu_attention(struct fllm_exec *ex, uint32_t layer, uint32_t pos,
				 const float *q, const float *k, const float *v, float *out)
{
	struct exec_cpu *c = (struct exec_cpu *)ex;
	const fllm_model_info *i = c->info;
	uint32_t hd = i->head_dim, kv_dim = i->n_kv_heads * hd;
	uint32_t group = i->n_heads / i->n_kv_heads;
	float scale = sqrtf((float)hd);

	if (pos >= c->n_ctx)
		return FLLM_E_STATE;
	memcpy(fllm_kv_k(c->cur, layer, pos), k, kv_dim * sizeof(float));
	memcpy(fllm_kv_v(c->cur, layer, pos), v, kv_dim * sizeof(float));
	for (uint32_t h = 0; h < i->n_heads; h++) {
		const float *qh = q + (size_t)h * hd;
		float *att = c->att + (size_t)h * c->n_ctx;
		float *oh = out + (size_t)h * hd;
		uint32_t kvo = (h / group) * hd;

		f32_scores(qh, fllm_kv_k(c->cur, layer, 0) + kvo, kv_dim, hd, pos + 1, scale, att);
		f32_softmax(att, pos + 1);
		f32_weighted_sum(att, fllm_kv_v(c->cur, layer, 0) + kvo, kv_dim, hd, pos + 1, oh);
	}
	return FLLM_OK;
}

/* SiLU(g) * u, as run.c: g * (1 / (1 + e^-g)) * u (f32_ops.c's e^x). */
static void cpu_swiglu(struct fllm_exec *ex, float *g, const float *u, uint32_t n)
{
	(void)ex;
	f32_swiglu(g, u, n);
}

static void cpu_add(struct fllm_exec *ex, float *x, const float *y, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		x[i] += y[i];
}

static void cpu_free(struct fllm_exec *ex)
{
	struct exec_cpu *c = (struct exec_cpu *)ex;

	if (!c)
		return;
	fllm_threadpool_free(c->pool);
	if (c->kv)
		for (uint32_t s = 0; s < c->n_slots; s++)
			fllm_kv_cache_release(&c->kv[s]);
	free(c->kv);
	free(c->att);
	free(c->inv_freq);
	free(c);
}

/* Slot's cache from now on, made (n_ctx positions, every layer) at first use. */
static fllm_status cpu_seq_select(struct fllm_exec *ex, uint32_t slot)
{
	struct exec_cpu *c = (struct exec_cpu *)ex;
	const fllm_model_info *i = c->info;
	struct fllm_kv_cache *kv = &c->kv[slot];

	if (!kv->k) {
		fllm_status st = fllm_kv_cache_init(kv, i->n_layers, c->n_ctx,
						    i->n_kv_heads * i->head_dim);
		if (st)
			return st;
	}
	c->cur = kv;
	return FLLM_OK;
}

static const struct fllm_exec_ops cpu_ops = {
	.name = "cpu",
	.layer = NULL,
	.linear = cpu_linear,
	.rmsnorm = cpu_rmsnorm,
	.rope = cpu_rope,
	.attention = cpu_attention,
	.swiglu = cpu_swiglu,
	.add = cpu_add,
	.free = cpu_free,
	.seq_select = cpu_seq_select,
};

/* See executor.h. RoPE frequencies as run.c computes them. */
fllm_status fllm_exec_cpu_create(const fllm_model *m, uint32_t n_ctx, uint32_t n_threads,
				 uint32_t n_slots, struct fllm_exec **out)
{
	const fllm_model_info *i = &m->info;
	struct exec_cpu *c;
	const char *copy;
	fllm_status st;

	*out = NULL;
	/* fp32 copies of the matrices when the machine can hold them with room
	 * to spare (FLLM_CPU_FP32_COPY=0: never, for tests); else rows are
	 * dequantized as the matmuls read them */
	copy = getenv("FLLM_CPU_FP32_COPY");
	if ((!copy || strcmp(copy, "0")) && 4 * i->n_params < cpu_mem_available() / 2) {
		st = fllm_model_need_f32(m, NULL);
		if (st)
			return st;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return FLLM_E_NO_MEMORY;
	c->base.ops = &cpu_ops;
	c->info = i;
	c->n_ctx = n_ctx;
	c->n_slots = n_slots ? n_slots : 1;
	c->kv = calloc(c->n_slots, sizeof(*c->kv));
	c->att = malloc((size_t)i->n_heads * n_ctx * sizeof(float));
	c->inv_freq = malloc(i->head_dim / 2 * sizeof(float));
	st = FLLM_E_NO_MEMORY;
	if (!c->kv || !c->att || !c->inv_freq)
		goto err_free;
	for (uint32_t k = 0; k < i->head_dim; k += 2)
		c->inv_freq[k / 2] = 1.0f / powf(i->rope_theta, (float)k / (float)i->head_dim);
	st = cpu_seq_select(&c->base, 0);
	if (st)
		goto err_free;
	st = fllm_threadpool_create(n_threads, &c->pool);
	if (st)
		goto err_free;
	*out = &c->base;
	return FLLM_OK;

err_free:
	cpu_free(&c->base);
	return st;
}
