/*
 * bench_gemv: the host's integer LUT-GEMM GEMV (bit-identical to the card)
 * against baselines measured in the same run: this machine's memory bandwidth
 * (STREAM-like triad and a read-only sum), the fp32 GEMV (vectorized and
 * threaded) and the naive dequantize-then-multiply kernel.
 *
 * GEMV is memory bound, so every kernel cycles through a pool of distinct
 * matrices much larger than the last-level cache (2 GiB by default): a timed
 * pass runs the GEMV once on each matrix, and a figure is the median over
 * passes of the time per GEMV. gbps counts the bytes of the weights read
 * (row records, scales included; fp32 weights for the fp32 kernel).
 *
 * After each LUT-GEMM line come batched calls (N = 1, 4, 16, 32 tokens in
 * one call, on the same pool): the time per token and the ratio of one
 * N-token call to N one-token calls, both measured in the same run.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"
#include "args.h"
#include "fllm_cpu.h"
#include "fllm_cardpack.h"
#include "fllm_lutgemm.h"

#define BENCH_REPEATS_MAX 64
/* Token counts of the batched calls (the most is the activations' size). */
static const uint32_t bench_batches[] = { 1, 4, 16, 32 };
#define BENCH_TOKENS_MAX 32u
/* Time one pass of a compute-bound kernel may take before it stops early. */
#define BENCH_PASS_BUDGET_S 0.4

struct bench_cfg {
	uint64_t pool_bytes;	/* weights cycled through per kernel */
	uint64_t stream_bytes;	/* total of the three triad arrays */
	uint64_t repeats;
	uint64_t threads;
	uint64_t batch;		/* tokens per GEMV */
	const char *isa;	/* LUT-GEMM variant: a name, "auto" or "all" */
	int json, quick, smoke, cpu_time;
};

/* Seconds: wall clock, or with --cpu-time the process's CPU time (one
 * thread), which leaves out the time other programs hold the cores. */
static int gemv_use_cpu_time;

static double gemv_clock(void)
{
	return gemv_use_cpu_time ? bench_cpu_now() : bench_now();
}

struct bench_shape {
	uint32_t m, k;
};

/* What one (shape, q) measured, for the LUT-GEMM line. */
struct bench_base {
	enum fllm_cpu_isa isa_auto;	/* the variant a default context picks */
	double stream_gbps, read_gbps;
	double f32_s, f32_gbps;		/* per GEMV */
	double dequant_s;
};

/* Size of the last cache level cpu0 reports in sysfs ("unknown" if none). */
static void bench_llc(char *buf, size_t len)
{
	char path[96], line[64];

	snprintf(buf, len, "unknown");
	for (int i = 9; i >= 0; i--) {
		FILE *f;

		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%d/size", i);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(buf, len, "%s", line);
		}
		fclose(f);
		return;
	}
}

/* xorshift64*: fills pools fast; the values do not change the timings. */
static uint64_t bench_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

/* ---- memory bandwidth ---- */

struct stream_arg {
	float *a, *b, *c;	/* (n) each */
	uint64_t n;
	int read_only;
	uint64_t sink[64];	/* per-thread read sums, so the loop is not removed */
};

/* One thread's part: a = b + 3 c (triad), or a 64-bit sum of b and c (read). */
static void stream_part(void *p, uint32_t index, uint32_t count)
{
	struct stream_arg *s = p;
	uint64_t i0 = s->n * index / count, i1 = s->n * (index + 1) / count;

	if (s->read_only) {
		const uint64_t *b = (const uint64_t *)(s->b + i0);	/* ((i1 - i0) / 2) */
		const uint64_t *c = (const uint64_t *)(s->c + i0);	/* ((i1 - i0) / 2) */
		uint64_t n64 = (i1 - i0) / 2, x0 = 0, x1 = 0;

		for (uint64_t i = 0; i < n64; i++) {
			x0 += b[i];
			x1 += c[i];
		}
		s->sink[index % 64] += x0 ^ x1;
		return;
	}
	for (uint64_t i = i0; i < i1; i++)
		s->a[i] = s->b[i] + 3.0f * s->c[i];
}

/* Median triad and read bandwidth over stream_bytes (3 arrays), GB/s. */
static int bench_stream(const struct bench_cfg *cfg, fllm_cpu_ctx *ctx, double *triad,
			double *read)
{
	struct stream_arg s = { 0 };
	double tt[BENCH_REPEATS_MAX], tr[BENCH_REPEATS_MAX];

	s.n = cfg->stream_bytes / 3 / sizeof(float) & ~(uint64_t)63;
	s.a = aligned_alloc(64, s.n * sizeof(float));
	s.b = aligned_alloc(64, s.n * sizeof(float));
	s.c = aligned_alloc(64, s.n * sizeof(float));
	if (!s.a || !s.b || !s.c) {
		free(s.a);
		free(s.b);
		free(s.c);
		return -1;
	}
	for (uint64_t i = 0; i < s.n; i++) {	/* fault every page in */
		s.a[i] = 0.0f;
		s.b[i] = (float)(i & 1023);
		s.c[i] = 1.0f;
	}
	for (uint64_t r = 0; r < cfg->repeats; r++) {
		double t0 = gemv_clock();

		s.read_only = 0;
		fllm_cpu_ctx_run(ctx, stream_part, &s);
		tt[r] = gemv_clock() - t0;
		t0 = gemv_clock();
		s.read_only = 1;
		fllm_cpu_ctx_run(ctx, stream_part, &s);
		tr[r] = gemv_clock() - t0;
	}
	*triad = 3.0 * (double)s.n * sizeof(float) / bench_median(tt, cfg->repeats) / 1e9;
	*read = 2.0 * (double)s.n * sizeof(float) / bench_median(tr, cfg->repeats) / 1e9;
	free(s.a);
	free(s.b);
	free(s.c);
	return 0;
}

/* ---- kernels over a pool of matrices ---- */

enum bench_kernel { BK_LUTGEMM, BK_F32, BK_DEQUANT };

struct bench_run {
	enum bench_kernel kind;
	fllm_cpu_ctx *ctx;
	struct bench_shape shape;
	uint32_t q, g, n;
	uint8_t *pool;		/* (count, mat_bytes) */
	uint64_t mat_bytes;
	uint64_t count;		/* matrices in the pool */
	const fllm_cpu_lutgemm_acts *acts;
	const float *x;		/* (n, k) fp32 activations */
	float *y;		/* (n, m) */
	fllm_cpu_lutgemm_pack **packs;	/* (count) prepared matrices, or NULL: card records */
	uint64_t read_bytes;	/* weight bytes one GEMV streams */
};

/* One GEMV on matrix i of the pool. */
static fllm_status bench_one(const struct bench_run *b, uint64_t i)
{
	const uint8_t *mat = b->pool + i * b->mat_bytes;
	fllm_cpu_lutgemm_weights w = { b->shape.m, b->shape.k, b->g, b->q, FLLM_LUTGEMM_F_OFFSET,
				       1, &mat };

	switch (b->kind) {
	case BK_LUTGEMM:
		if (b->packs)
			return fllm_cpu_lutgemm_packed(b->ctx, b->packs[i], b->acts, b->y,
						       b->shape.m);
		return fllm_cpu_lutgemm(b->ctx, &w, b->acts, b->y, b->shape.m);
	case BK_DEQUANT:
		return fllm_cpu_dequant_gemv(b->ctx, &w, b->n, b->x, b->shape.k, b->y, b->shape.m);
	default:
		return fllm_cpu_gemv_f32(b->ctx, b->shape.m, b->shape.k, (const float *)mat,
					 b->shape.k, b->n, b->x, b->shape.k, b->y, b->shape.m);
	}
}

/*
 * Median seconds per GEMV: each pass runs matrices in pool order, all of
 * them, or as many as BENCH_PASS_BUDGET_S allows for a slow kernel (one
 * untimed call first estimates the time per GEMV).
 */
static fllm_status bench_time(const struct bench_cfg *cfg, const struct bench_run *b,
			      double *per_gemv, uint64_t *per_pass)
{
	double t[BENCH_REPEATS_MAX], t0 = gemv_clock(), one;
	uint64_t iters, next = 1 % b->count;
	fllm_status st = bench_one(b, 0);

	one = gemv_clock() - t0;
	iters = b->count;
	if (one * (double)iters > BENCH_PASS_BUDGET_S)
		iters = (uint64_t)(BENCH_PASS_BUDGET_S / one) + 1;
	if (iters > b->count)
		iters = b->count;
	for (uint64_t r = 0; st == FLLM_OK && r < cfg->repeats; r++) {
		t0 = gemv_clock();
		for (uint64_t i = 0; st == FLLM_OK && i < iters; i++) {
			st = bench_one(b, next);
			next = next + 1 == b->count ? 0 : next + 1;
		}
		t[r] = (gemv_clock() - t0) / (double)iters;
	}
	if (st == FLLM_OK)
		*per_gemv = bench_median(t, cfg->repeats);
	*per_pass = iters;
	return st;
}

/*
 * A pool of as many matrices of mat_bytes as fit pool_bytes (at least one):
 * fp32 values in [-0.5, 0.5), or copies of one LUT-GEMM matrix (m x k, q
 * planes, g = 128, offsets) made by the card encoder from random scales, so
 * that exponents are realistic. Values do not change the integer kernel's
 * time, only the bytes streamed do.
 */
static uint8_t *bench_pool(const struct bench_cfg *cfg, uint64_t mat_bytes, int fp32,
			   const struct bench_shape *s, uint32_t q, uint64_t *count)
{
	uint64_t n = cfg->pool_bytes / mat_bytes, seed = 0x9e3779b97f4a7c15ull;
	uint32_t groups = fllm_lutgemm_groups(s->k, 128);
	float *alpha = NULL, *z = NULL;
	uint8_t *pool, *bits = NULL;

	*count = n ? n : 1;
	pool = aligned_alloc(64, *count * mat_bytes);
	if (!pool)
		return NULL;
	if (fp32) {
		float *f = (float *)pool;

		for (uint64_t i = 0; i < *count * mat_bytes / sizeof(float); i++)
			f[i] = (float)(int64_t)(bench_rand(&seed) >> 40) * 0x1p-24f - 0.5f;
		return pool;
	}
	alpha = malloc((size_t)s->m * groups * q * sizeof(*alpha));
	z = malloc((size_t)s->m * groups * sizeof(*z));
	bits = malloc((size_t)s->m * q * s->k);
	if (!alpha || !z || !bits)
		goto err_free;
	for (size_t i = 0; i < (size_t)s->m * groups * q; i++)
		alpha[i] = (float)(bench_rand(&seed) >> 40) * 0x1p-30f / (float)(1u << (i % q));
	for (size_t i = 0; i < (size_t)s->m * groups; i++)
		z[i] = (float)(int64_t)(bench_rand(&seed) >> 40) * 0x1p-31f;
	for (size_t i = 0; i < (size_t)s->m * q * s->k; i++)
		bits[i] = bench_rand(&seed) >> 63;
	if (fllm_lutgemm_pack(s->m, s->k, 128, q, alpha, z, bits, 1, &pool))
		goto err_free;
	for (uint64_t i = 1; i < *count; i++)
		memcpy(pool + i * mat_bytes, pool, mat_bytes);
	free(alpha);
	free(z);
	free(bits);
	return pool;

err_free:
	free(alpha);
	free(z);
	free(bits);
	free(pool);
	return NULL;
}

/* ---- output: one JSON object per line ---- */

struct bj {
	int members;
};

/* Separator and key of the next member. */
static void bj_sep(struct bj *j, const char *key)
{
	printf("%s\"%s\": ", j->members++ ? ", " : "", key);
}

/* A string member (quotes and backslashes escaped, control bytes dropped). */
static void bj_str(struct bj *j, const char *key, const char *val)
{
	bj_sep(j, key);
	putchar('"');
	for (; *val; val++)
		if (*val == '"' || *val == '\\')
			printf("\\%c", *val);
		else if ((unsigned char)*val >= 0x20)
			putchar(*val);
	putchar('"');
}

/* An integer member. */
static void bj_u64(struct bj *j, const char *key, uint64_t val)
{
	bj_sep(j, key);
	printf("%" PRIu64, val);
}

/* A number member, 4 decimals. */
static void bj_double(struct bj *j, const char *key, double val)
{
	bj_sep(j, key);
	printf("%.4f", val);
}

/* A true/false member. */
static void bj_bool(struct bj *j, const char *key, int val)
{
	bj_sep(j, key);
	printf("%s", val ? "true" : "false");
}

/* Open a line's object with its bench name. */
static void bj_line(struct bj *j, const char *bench)
{
	j->members = 0;
	putchar('{');
	bj_str(j, "bench", bench);
}

/* Open a kernel line with the fields every kernel line has. */
static void bench_line_begin(struct bj *j, const char *bench, const struct bench_shape *s,
			     uint32_t bits, uint32_t g, uint32_t threads, const char *isa,
			     uint32_t n)
{
	bj_line(j, bench);
	bj_u64(j, "m", s->m);
	bj_u64(j, "k", s->k);
	bj_u64(j, "bits", bits);
	bj_u64(j, "group", g);
	bj_u64(j, "n", n);
	bj_u64(j, "threads", threads);
	bj_str(j, "isa", isa);
}

/* Close a line's object. */
static void bench_line_end(struct bj *j)
{
	(void)j;
	printf("}\n");
}

/* ---- the measurements ---- */

/* fp32 GEMV of one shape over its own pool (freed before the LUT-GEMM pools exist). */
static fllm_status bench_f32(const struct bench_cfg *cfg, fllm_cpu_ctx *ctx,
			     const struct bench_shape *s, const float *x, float *y,
			     struct bench_base *base)
{
	struct bench_run b = { BK_F32, ctx, *s, 0, 0, (uint32_t)cfg->batch, NULL,
			       (uint64_t)s->m * s->k * sizeof(float), 0, NULL, x, y, NULL,
			       (uint64_t)s->m * s->k * sizeof(float) };
	uint64_t per_pass;
	fllm_status st;

	b.pool = bench_pool(cfg, b.mat_bytes, 1, s, 0, &b.count);
	if (!b.pool)
		return FLLM_E_NO_MEMORY;
	st = bench_time(cfg, &b, &base->f32_s, &per_pass);
	free(b.pool);
	if (st != FLLM_OK)
		return st;
	base->f32_gbps = (double)b.mat_bytes / base->f32_s / 1e9;
	if (cfg->json) {
		struct bj j;

		bench_line_begin(&j, "f32_gemv", s, 32, 0, fllm_cpu_ctx_threads(ctx),
				 fllm_cpu_isa_name(fllm_cpu_ctx_isa(ctx)), (uint32_t)cfg->batch);
		bj_u64(&j, "weight_bytes", b.mat_bytes);
		bj_u64(&j, "matrices", b.count);
		bj_double(&j, "us", base->f32_s * 1e6);
		bj_double(&j, "gbps", base->f32_gbps);
		bj_double(&j, "stream_gbps", base->stream_gbps);
		bj_double(&j, "ratio_to_stream", base->f32_gbps / base->stream_gbps);
		bench_line_end(&j);
	} else {
		printf("%-9s %5u x %-5u %4s %5s %10s %9.1f %8.2f %7.2f %8s %8s  (%" PRIu64
		       " matrices)\n", "fp32", s->m, s->k, "32", "-", "-", base->f32_s * 1e6,
		       base->f32_gbps, base->f32_gbps / base->stream_gbps, "1.00", "-", b.count);
	}
	return FLLM_OK;
}

/* Print one LUT-GEMM result with its ratios. */
static void bench_print_lut(const struct bench_cfg *cfg, const struct bench_run *b,
			    const struct bench_base *base, double secs)
{
	double gbps = (double)b->read_bytes / secs / 1e9;
	double f32_bytes = 4.0 * b->shape.m * b->shape.k;
	const char *isa = fllm_cpu_isa_name(fllm_cpu_ctx_isa(b->ctx));
	int is_auto = fllm_cpu_ctx_isa(b->ctx) == base->isa_auto;

	if (cfg->json) {
		struct bj j;

		bench_line_begin(&j, "lutgemm_gemv", &b->shape, b->q, b->g,
				 fllm_cpu_ctx_threads(b->ctx), isa, b->n);
		bj_bool(&j, "auto", is_auto);
		bj_str(&j, "layout", b->packs ? "tiled" : "card");
		bj_u64(&j, "weight_bytes", b->read_bytes);
		bj_u64(&j, "card_bytes", b->mat_bytes);
		bj_u64(&j, "matrices", b->count);
		bj_double(&j, "us", secs * 1e6);
		bj_double(&j, "gbps", gbps);
		bj_double(&j, "stream_gbps", base->stream_gbps);
		bj_double(&j, "read_gbps", base->read_gbps);
		bj_double(&j, "ratio_to_stream", gbps / base->stream_gbps);
		bj_double(&j, "ratio_to_read", gbps / base->read_gbps);
		bj_double(&j, "fp32_us", base->f32_s * 1e6);
		bj_double(&j, "speedup_vs_fp32", base->f32_s / secs);
		bj_double(&j, "bytes_ratio_vs_fp32", f32_bytes / (double)b->read_bytes);
		bj_double(&j, "dequant_us", base->dequant_s * 1e6);
		bj_double(&j, "speedup_vs_dequant", base->dequant_s / secs);
		bench_line_end(&j);
		return;
	}
	printf("%-9s %5u x %-5u %4u %5u %10s%c%9.1f %8.2f %7.2f %8.2f %8.1f %6.2f\n",
	       b->packs ? "lut-tiled" : "lutgemm", b->shape.m, b->shape.k, b->q, b->g, isa,
	       is_auto ? '*' : ' ', secs * 1e6, gbps, gbps / base->stream_gbps,
	       base->f32_s / secs, base->dequant_s / secs, f32_bytes / (double)b->read_bytes);
}

/*
 * Batched calls of b's kernel: N = 1, 4, 16, 32 tokens per call on the same
 * pool; per N the time per token and (one N-token call) / (N one-token
 * calls). b->acts holds BENCH_TOKENS_MAX tokens; b is left as it came.
 */
static fllm_status bench_lut_batches(const struct bench_cfg *cfg, struct bench_run *b,
				     const struct bench_base *base)
{
	const fllm_cpu_lutgemm_acts *all = b->acts;
	const char *isa = fllm_cpu_isa_name(fllm_cpu_ctx_isa(b->ctx));
	uint32_t n_keep = b->n;
	double secs[sizeof(bench_batches) / sizeof(bench_batches[0])];
	fllm_status st = FLLM_OK;
	uint64_t per_pass;

	for (size_t i = 0; st == FLLM_OK && i < sizeof(bench_batches) / sizeof(bench_batches[0]);
	     i++) {
		fllm_cpu_lutgemm_acts x = *all;

		x.n = bench_batches[i];
		b->acts = &x;
		b->n = x.n;
		st = bench_time(cfg, b, &secs[i], &per_pass);
	}
	b->acts = all;
	b->n = n_keep;
	if (st != FLLM_OK)
		return st;
	if (!cfg->json)
		printf("%-9s %13s %4s %5s %10s  us/token:", "  batched", "", "", "", isa);
	for (size_t i = 0; i < sizeof(bench_batches) / sizeof(bench_batches[0]); i++) {
		uint32_t n = bench_batches[i];
		double ratio = secs[i] / (n * secs[0]);
		struct bj j;

		if (!cfg->json) {
			printf(" N=%u %.1f (%.2f)", n, secs[i] * 1e6 / n, ratio);
			continue;
		}
		bench_line_begin(&j, "lutgemm_batch", &b->shape, b->q, b->g,
				 fllm_cpu_ctx_threads(b->ctx), isa, n);
		bj_bool(&j, "auto", fllm_cpu_ctx_isa(b->ctx) == base->isa_auto);
		bj_str(&j, "layout", b->packs ? "tiled" : "card");
		bj_u64(&j, "batch_n", n);
		bj_double(&j, "us", secs[i] * 1e6);
		bj_double(&j, "us_per_token", secs[i] * 1e6 / n);
		bj_double(&j, "ratio_to_single", ratio);
		bj_double(&j, "weight_gbps", (double)b->read_bytes / secs[i] / 1e9);
		bench_line_end(&j);
	}
	if (!cfg->json)
		printf("   (one call / N single calls)\n");
	return FLLM_OK;
}

/* 1 when b->ctx's variant repacks the matrix (a pack of pool matrix 0 is a copy). */
static int bench_repacks(const struct bench_run *b)
{
	const uint8_t *mat = b->pool;
	fllm_cpu_lutgemm_weights w = { b->shape.m, b->shape.k, b->g, b->q, FLLM_LUTGEMM_F_OFFSET,
				       1, &mat };
	fllm_cpu_lutgemm_pack *pk;
	int copy;

	if (fllm_cpu_lutgemm_pack_create(b->ctx, &w, &pk) != FLLM_OK)
		return 0;
	copy = fllm_cpu_lutgemm_pack_is_copy(pk);
	fllm_cpu_lutgemm_pack_free(pk);
	return copy;
}

/*
 * Replace the pool of card records by as many prepared (repacked) copies of
 * matrix 0, so that the peak memory stays about one pool.
 */
static fllm_status bench_lut_packed(const struct bench_cfg *cfg, struct bench_run *b)
{
	const uint8_t *mat = b->pool;
	fllm_cpu_lutgemm_weights w = { b->shape.m, b->shape.k, b->g, b->q, FLLM_LUTGEMM_F_OFFSET,
				       1, &mat };
	uint8_t *one;
	fllm_status st = FLLM_E_NO_MEMORY;

	(void)cfg;
	one = aligned_alloc(64, b->mat_bytes);
	b->packs = calloc(b->count, sizeof(*b->packs));
	if (!one || !b->packs) {
		free(one);
		return st;
	}
	memcpy(one, b->pool, b->mat_bytes);
	free(b->pool);
	b->pool = one;		/* matrix 0 only, from here on */
	mat = one;
	for (uint64_t i = 0; i < b->count; i++) {
		st = fllm_cpu_lutgemm_pack_create(b->ctx, &w, &b->packs[i]);
		if (st != FLLM_OK)
			break;
	}
	if (st == FLLM_OK)
		b->read_bytes = fllm_cpu_lutgemm_pack_bytes(b->packs[0]);
	return st;
}

/* Dequant baseline, then LUT-GEMM with every requested variant, on one pool. */
static fllm_status bench_lut(const struct bench_cfg *cfg, fllm_cpu_ctx *base_ctx,
			     fllm_cpu_ctx *const *lut_ctx, const struct bench_shape *s,
			     uint32_t q, const fllm_cpu_lutgemm_acts *acts, const float *x,
			     float *y, struct bench_base *base)
{
	struct bench_run b = { BK_DEQUANT, base_ctx, *s, q, 128, (uint32_t)cfg->batch, NULL,
			       (uint64_t)s->m * fllm_lutgemm_row_bytes(s->k, 128, q), 0, acts, x,
			       y, NULL, (uint64_t)s->m * fllm_lutgemm_row_bytes(s->k, 128, q) };
	uint64_t per_pass;
	fllm_status st;
	double secs;

	b.pool = bench_pool(cfg, b.mat_bytes, 0, s, q, &b.count);
	if (!b.pool)
		return FLLM_E_NO_MEMORY;
	st = bench_time(cfg, &b, &base->dequant_s, &per_pass);
	if (st == FLLM_OK && cfg->json) {
		struct bj j;

		bench_line_begin(&j, "dequant_gemv", s, q, 128, fllm_cpu_ctx_threads(base_ctx),
				 fllm_cpu_isa_name(fllm_cpu_ctx_isa(base_ctx)), b.n);
		bj_double(&j, "us", base->dequant_s * 1e6);
		bj_double(&j, "gbps", (double)b.mat_bytes / base->dequant_s / 1e9);
		bj_u64(&j, "matrices_per_pass", per_pass);
		bench_line_end(&j);
	}
	b.kind = BK_LUTGEMM;
	/*
	 * Every variant on the card records first (the repacking ones then
	 * replace the pool), batches on the layout a prepared matrix gets.
	 */
	for (int copies = 0; copies <= 1; copies++) {
		for (int i = 0; st == FLLM_OK && lut_ctx[i]; i++) {
			int repacks;

			b.ctx = lut_ctx[i];
			repacks = bench_repacks(&b);
			if (copies && !repacks)
				continue;
			st = copies ? bench_lut_packed(cfg, &b) : FLLM_OK;
			if (st == FLLM_OK)
				st = bench_time(cfg, &b, &secs, &per_pass);
			if (st == FLLM_OK)
				bench_print_lut(cfg, &b, base, secs);
			if (st == FLLM_OK && copies == repacks)
				st = bench_lut_batches(cfg, &b, base);
			for (uint64_t m = 0; b.packs && m < b.count; m++)
				fllm_cpu_lutgemm_pack_free(b.packs[m]);
			free(b.packs);
			b.packs = NULL;
			b.read_bytes = b.mat_bytes;
		}
	}
	free(b.pool);
	return st;
}

/* Quantized activations of `tokens` random tokens of length k (g = 128). */
static int bench_acts(uint64_t tokens, uint32_t k, float *x /* (n, k) */, int32_t *ex,
		      uint16_t *msx, int8_t *xq)
{
	uint32_t groups = fllm_lutgemm_groups(k, 128);
	uint64_t seed = 12345;

	for (uint64_t i = 0; i < tokens * k; i++)
		x[i] = (float)(int64_t)(bench_rand(&seed) >> 40) * 0x1p-23f - 1.0f;
	for (uint64_t n = 0; n < tokens; n++)
		if (fllm_lutgemm_act_quantize(k, 128, x + n * k, &ex[n], msx + n * groups,
					      xq + n * groups * 128))
			return -1;
	return 0;
}

/* The bandwidth line: JSON `stream` object (text: by the caller). */
static void bench_print_stream_json(const struct bench_cfg *cfg, fllm_cpu_ctx *ctx,
				    const struct bench_base *base)
{
	struct bj j;

	bj_line(&j, "stream");
	bj_u64(&j, "threads", fllm_cpu_ctx_threads(ctx));
	bj_u64(&j, "bytes", cfg->stream_bytes);
	bj_double(&j, "gbps", base->stream_gbps);
	bj_double(&j, "triad_gbps", base->stream_gbps);
	bj_double(&j, "read_gbps", base->read_gbps);
	bench_line_end(&j);
}

/*
 * The triad and read bandwidth again, just before a (shape, q)'s LUT-GEMM
 * lines, which take their ratios from it: on a shared machine the bandwidth
 * a core gets moves within a run, and a ratio to a triad taken minutes
 * earlier would measure that drift. Printed as a `stream` line of its own.
 */
static fllm_status bench_stream_again(const struct bench_cfg *cfg, fllm_cpu_ctx *ctx,
				      struct bench_base *base)
{
	if (bench_stream(cfg, ctx, &base->stream_gbps, &base->read_gbps))
		return FLLM_E_NO_MEMORY;
	if (cfg->json)
		bench_print_stream_json(cfg, ctx, base);
	else
		printf("%-9s triad %.2f GB/s, read %.2f GB/s (the next lines' /triad)\n", "memory",
		       base->stream_gbps, base->read_gbps);
	return FLLM_OK;
}

/* Every shape: fp32 first (its pool freed), then q = 2, 3, 4, each after a triad. */
static fllm_status bench_shapes(const struct bench_cfg *cfg, fllm_cpu_ctx *base_ctx,
				fllm_cpu_ctx *const *lut_ctx, struct bench_base *base)
{
	static const struct bench_shape full[] = { { 4096, 4096 }, { 11008, 4096 } };
	static const struct bench_shape smoke[] = { { 256, 512 }, { 344, 300 } };
	const struct bench_shape *shapes = cfg->smoke ? smoke : full;
	uint32_t kmax = 4096, groups = fllm_lutgemm_groups(kmax, 128);
	uint64_t tok = cfg->batch > BENCH_TOKENS_MAX ? cfg->batch : BENCH_TOKENS_MAX;
	float *x = malloc(tok * kmax * sizeof(*x));
	float *y = malloc(tok * 11008 * sizeof(*y));
	int32_t *ex = malloc(tok * sizeof(*ex));
	uint16_t *msx = malloc(tok * groups * sizeof(*msx));
	int8_t *xq = malloc(tok * groups * 128);
	fllm_status st = FLLM_E_NO_MEMORY;

	if (!x || !y || !ex || !msx || !xq)
		goto out_free;
	for (int i = 0; i < 2; i++) {
		const struct bench_shape *s = &shapes[i];
		fllm_cpu_lutgemm_acts acts = { (uint32_t)cfg->batch, ex, msx, xq };

		st = FLLM_E_INVALID_ARG;
		if (bench_acts(tok, s->k, x, ex, msx, xq))
			goto out_free;
		st = bench_f32(cfg, base_ctx, s, x, y, base);
		for (uint32_t q = 2; st == FLLM_OK && q <= 4; q++) {
			st = bench_stream_again(cfg, base_ctx, base);
			if (st == FLLM_OK)
				st = bench_lut(cfg, base_ctx, lut_ctx, s, q, &acts, x, y, base);
		}
		if (st != FLLM_OK)
			goto out_free;
	}
out_free:
	free(x);
	free(y);
	free(ex);
	free(msx);
	free(xq);
	return st;
}

/* Machine, settings and bandwidth: JSON lines or a text header. */
static void bench_print_header(const struct bench_cfg *cfg, fllm_cpu_ctx *base_ctx,
			       const struct bench_base *base)
{
	char cpu[256], flags[8192], llc[64], simd[160];
	const char *isa = fllm_cpu_isa_name(fllm_cpu_ctx_isa(base_ctx));

	bench_cpuinfo("model name", cpu, sizeof(cpu));
	bench_simd(simd, sizeof(simd));
	bench_cpuinfo("flags", flags, sizeof(flags));
	bench_llc(llc, sizeof(llc));
	if (cfg->json) {
		struct bj j;

		bj_line(&j, "machine");
		bj_str(&j, "cpu", cpu);
		bj_str(&j, "simd", simd);
		bj_u64(&j, "cores", (uint64_t)sysconf(_SC_NPROCESSORS_ONLN));
		bj_str(&j, "llc", llc);
		bj_str(&j, "isa_best", fllm_cpu_isa_name(fllm_cpu_isa_best()));
		bj_str(&j, "isa_baselines", isa);
		bj_str(&j, "isa_lutgemm", cfg->isa);
		bj_str(&j, "isa_auto", fllm_cpu_isa_name(base->isa_auto));
		bj_bool(&j, "avx512vnni", strstr(flags, "avx512_vnni") != NULL);
		bj_u64(&j, "threads", fllm_cpu_ctx_threads(base_ctx));
		bj_u64(&j, "pool_bytes", cfg->pool_bytes);
		bj_u64(&j, "stream_bytes", cfg->stream_bytes);
		bj_u64(&j, "repeats", cfg->repeats);
		bj_u64(&j, "batch", cfg->batch);
		bj_bool(&j, "quick", cfg->quick);
		bj_bool(&j, "smoke", cfg->smoke);
		bj_str(&j, "clock", cfg->cpu_time ? "process_cpu" : "wall");
		bench_line_end(&j);
		bench_print_stream_json(cfg, base_ctx, base);
		return;
	}
	printf("bench_gemv: LUT-GEMM GEMV (bit-exact with the card) vs memory bandwidth, "
	       "fp32 GEMV, dequantize-then-multiply\n");
	printf("machine   %s, %ld cores online, LLC %s, SIMD %s\n", cpu,
	       sysconf(_SC_NPROCESSORS_ONLN), llc, simd);
	printf("variants  best %s, auto picks %s (marked *)\n",
	       fllm_cpu_isa_name(fllm_cpu_isa_best()), fllm_cpu_isa_name(base->isa_auto));
	printf("settings  %u threads, baselines %s, LUT-GEMM %s, g = 128 with offsets, %" PRIu64
	       " token(s), pool %" PRIu64 " MiB per kernel, median of %" PRIu64 " passes%s, %s\n",
	       fllm_cpu_ctx_threads(base_ctx), isa, cfg->isa, cfg->batch, cfg->pool_bytes >> 20,
	       cfg->repeats, cfg->smoke ? " (smoke)" : cfg->quick ? " (quick)" : "",
	       cfg->cpu_time ? "process CPU time" : "wall clock");
	printf("memory    triad %.2f GB/s, read %.2f GB/s (%" PRIu64 " MiB)\n\n",
	       base->stream_gbps, base->read_gbps, cfg->stream_bytes >> 20);
	printf("%-9s %13s %4s %5s %10s %9s %8s %7s %8s %8s %6s\n", "kernel", "m x k", "bits",
	       "group", "isa", "us/GEMV", "GB/s", "/triad", "vs fp32", "vs deq", "bytes");
}

/* Contexts for the LUT-GEMM: one variant, or every supported one for "all". */
static fllm_status bench_lut_contexts(const struct bench_cfg *cfg,
				      fllm_cpu_ctx *ctx[FLLM_CPU_ISA_COUNT])
{
	fllm_cpu_config c = { (uint32_t)cfg->threads, FLLM_CPU_ISA_AUTO };
	int n = 0;

	if (strcmp(cfg->isa, "all")) {
		fllm_status st = fllm_cpu_isa_parse(cfg->isa, &c.isa);

		return st == FLLM_OK ? fllm_cpu_ctx_create(&c, &ctx[0]) : st;
	}
	for (int i = FLLM_CPU_ISA_PORTABLE; i < FLLM_CPU_ISA_COUNT; i++) {
		c.isa = (enum fllm_cpu_isa)i;
		if (fllm_cpu_isa_supported(c.isa)) {
			fllm_status st = fllm_cpu_ctx_create(&c, &ctx[n]);

			if (st != FLLM_OK)
				return st;
			n++;
		}
	}
	return FLLM_OK;
}

/* Parse flags, set up contexts, measure bandwidth, then every shape. */
int main(int argc, char **argv)
{
	static const char synopsis[] = "[--threads N] [--isa NAME|all] [--pool SIZE] "
				       "[--repeats N] [--batch N] [--quick] [--smoke] [--json] [--cpu-time]";
	struct bench_cfg cfg = { 2ull << 30, 1536ull << 20, 5, 0, 1, "auto", 0, 0, 0, 0 };
	uint64_t pool_set = 0, rep_set = 0;
	fllm_cpu_ctx *base_ctx = NULL, *lut_ctx[FLLM_CPU_ISA_COUNT + 1] = { NULL };
	struct bench_base base = { 0 };
	fllm_cpu_config bc;
	fllm_status st;
	int npos, rc;
	struct cli_opt opts[] = {
		{ "--threads", CLI_OPT_U64, &cfg.threads, "N", "threads, 0 = all online (0)", 0,
		  FLLM_CPU_THREADS_MAX },
		{ "--isa", CLI_OPT_STRING, &cfg.isa, "NAME",
		  "LUT-GEMM variant: auto, portable, avx2, avx512, avx512vbmi or all (auto)", 0, 0 },
		{ "--pool", CLI_OPT_SIZE, &pool_set, "SIZE",
		  "weights cycled through per kernel, 1M..16G (2G)", 1 << 20, 16ull << 30 },
		{ "--repeats", CLI_OPT_U64, &rep_set, "N", "timed passes, 1..64 (5)", 1,
		  BENCH_REPEATS_MAX },
		{ "--batch", CLI_OPT_U64, &cfg.batch, "N", "tokens per GEMV, 1..32 (1)", 1, 32 },
		{ "--quick", CLI_OPT_FLAG, &cfg.quick, NULL,
		  "512 MiB pools and 3 passes (less memory and time)", 0, 0 },
		{ "--smoke", CLI_OPT_FLAG, &cfg.smoke, NULL,
		  "tiny shapes and pools: proves it runs, measures nothing", 0, 0 },
		{ "--json", CLI_OPT_FLAG, &cfg.json, NULL, "one JSON object per line", 0, 0 },
		{ "--cpu-time", CLI_OPT_FLAG, &cfg.cpu_time, NULL,
		  "time by process CPU time (one thread only)", 0, 0 },
		{ NULL, CLI_OPT_FLAG, NULL, NULL, NULL, 0, 0 },
	};

	rc = cli_args_command(argc, argv, opts, NULL, 0, &npos, synopsis,
			      "Host LUT-GEMM GEMV vs memory bandwidth, fp32 and dequant.");
	if (rc >= 0)
		return rc;
	if (cfg.quick) {
		cfg.pool_bytes = 512ull << 20;
		cfg.stream_bytes = 768ull << 20;
		cfg.repeats = 3;
	}
	if (cfg.smoke) {
		cfg.pool_bytes = 4ull << 20;
		cfg.stream_bytes = 12ull << 20;
		cfg.repeats = 2;
	}
	if (cfg.cpu_time && cfg.threads != 1) {
		fprintf(stderr, "bench_gemv: --cpu-time needs --threads 1 (CPU time adds up the "
			"threads)\n");
		return CLI_EXIT_USAGE;
	}
	gemv_use_cpu_time = cfg.cpu_time;
	cfg.pool_bytes = pool_set ? pool_set : cfg.pool_bytes;
	cfg.repeats = rep_set ? rep_set : cfg.repeats;

	bc = (fllm_cpu_config){ (uint32_t)cfg.threads, FLLM_CPU_ISA_AUTO };
	st = fllm_cpu_ctx_create(&bc, &base_ctx);
	if (st == FLLM_OK) {
		base.isa_auto = fllm_cpu_ctx_isa(base_ctx);
		st = bench_lut_contexts(&cfg, lut_ctx);
	}
	if (st != FLLM_OK) {
		fprintf(stderr, "bench_gemv: cannot set up variant '%s': %s\n", cfg.isa,
			fllm_status_str(st));
		goto out_free;
	}
	if (bench_stream(&cfg, base_ctx, &base.stream_gbps, &base.read_gbps)) {
		st = FLLM_E_NO_MEMORY;
		fprintf(stderr, "bench_gemv: no memory for the bandwidth arrays\n");
		goto out_free;
	}
	bench_print_header(&cfg, base_ctx, &base);
	st = bench_shapes(&cfg, base_ctx, lut_ctx, &base);
	if (st != FLLM_OK)
		fprintf(stderr, "bench_gemv: %s\n", fllm_status_str(st));
out_free:
	for (int i = 0; i < FLLM_CPU_ISA_COUNT; i++)
		fllm_cpu_ctx_free(lut_ctx[i]);
	fllm_cpu_ctx_free(base_ctx);
	return st == FLLM_OK ? 0 : 1;
}
