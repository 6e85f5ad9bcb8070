/*
 * The CPU executor: fp32 reference arithmetic, written to follow llama2.c's
 * run.c step for step (same formulas, same order of operations) apart from
 * the dot products, which keep 8 partial sums in two 4-float vectors, four
 * rows at a time. Matmul rows are split across the thread pool when a matrix is big
 * enough to repay the hand-off.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "executor.h"
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

/*
 * Dot products with 8 partial sums, added in a fixed order: lane j of the
 * two 4-float vectors (GCC/Clang vector extensions, plain SSE on baseline
 * x86-64) sums the products i = j mod 8 in order of i, the tail goes to
 * lane i & 7, and the lanes are added as ((0+4)+(1+5))+((2+6)+(3+7)). The
 * result is the same for every row grouping and thread count. Four rows
 * run together so the eight accumulator chains hide the adds' latency.
 */
typedef float f32x4 __attribute__((vector_size(16)));

static inline f32x4 ld4(const float *p)
{
	f32x4 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* The 8 lanes and tail of one row (lanes lo, hi so far up to i) reduced. */
static inline float dot_finish(f32x4 lo, f32x4 hi, const float *a, const float *b, uint32_t i,
			       uint32_t n)
{
	float s[8];

	memcpy(s, &lo, sizeof(lo));
	memcpy(s + 4, &hi, sizeof(hi));
	for (; i < n; i++)
		s[i & 7] += a[i] * b[i];
	return ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
}

static float dot_f32(const float *a, const float *b, uint32_t n)
{
	f32x4 lo = { 0 }, hi = { 0 };
	uint32_t i = 0;

	for (; i + 8 <= n; i += 8) {
		lo += ld4(a + i) * ld4(b + i);
		hi += ld4(a + i + 4) * ld4(b + i + 4);
	}
	return dot_finish(lo, hi, a, b, i, n);
}

/* y[r] = w row r . x for 4 rows (cols apart), each exactly as dot_f32. */
static void dot4_f32(const float *w, uint32_t cols, const float *x, float *y)
{
	const float *w0 = w, *w1 = w + cols, *w2 = w + 2 * (size_t)cols, *w3 = w + 3 * (size_t)cols;
	f32x4 l0 = { 0 }, h0 = { 0 }, l1 = { 0 }, h1 = { 0 }, l2 = { 0 }, h2 = { 0 }, l3 = { 0 },
	      h3 = { 0 };
	uint32_t i = 0;

	for (; i + 8 <= cols; i += 8) {
		f32x4 xl = ld4(x + i), xh = ld4(x + i + 4);

		l0 += ld4(w0 + i) * xl;
		h0 += ld4(w0 + i + 4) * xh;
		l1 += ld4(w1 + i) * xl;
		h1 += ld4(w1 + i + 4) * xh;
		l2 += ld4(w2 + i) * xl;
		h2 += ld4(w2 + i + 4) * xh;
		l3 += ld4(w3 + i) * xl;
		h3 += ld4(w3 + i + 4) * xh;
	}
	y[0] = dot_finish(l0, h0, w0, x, i, cols);
	y[1] = dot_finish(l1, h1, w1, x, i, cols);
	y[2] = dot_finish(l2, h2, w2, x, i, cols);
	y[3] = dot_finish(l3, h3, w3, x, i, cols);
}

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
		for (; r + 4 <= r1; r += 4)
			dot4_f32(j->w->f32 + (size_t)r * cols, cols, j->x, j->y + r);
		for (; r < r1; r++)
			j->y[r] = dot_f32(j->w->f32 + (size_t)r * cols, j->x, cols);
		return;
	}
	row = malloc((size_t)cols * sizeof(float));
	for (; r < r1; r++) {
		/* checked finite at load, so dequantizing cannot fail */
		if (!row || fllm_weight_rows(j->w, r, 1, row, NULL))
			j->y[r] = NAN;
		else
			j->y[r] = dot_f32(row, j->x, cols);
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

/* In-place softmax of x (n), max-subtracted. */
static void softmax_f32(float *x, uint32_t n)
{
	float max = x[0], sum = 0.0f;

	for (uint32_t i = 1; i < n; i++)
		if (x[i] > max)
			max = x[i];
	for (uint32_t i = 0; i < n; i++) {
		x[i] = expf(x[i] - max);
		sum += x[i];
	}
	for (uint32_t i = 0; i < n; i++)
		x[i] /= sum;
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

		for (uint32_t t = 0; t <= pos; t++) {
			const float *kt = fllm_kv_k(c->cur, layer, t) + kvo;
			float score = 0.0f;

			for (uint32_t j = 0; j < hd; j++)
				score += qh[j] * kt[j];
			att[t] = score / scale;
		}
		softmax_f32(att, pos + 1);
		memset(oh, 0, hd * sizeof(float));
		for (uint32_t t = 0; t <= pos; t++) {
			const float *vt = fllm_kv_v(c->cur, layer, t) + kvo;

			for (uint32_t j = 0; j < hd; j++)
				oh[j] += att[t] * vt[j];
		}
	}
	return FLLM_OK;
}

/* SiLU(g) * u, as run.c: g * (1 / (1 + e^-g)) * u. */
static void cpu_swiglu(struct fllm_exec *ex, float *g, const float *u, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		float val = g[i];

		val *= 1.0f / (1.0f + expf(-val));
		g[i] = val * u[i];
	}
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
