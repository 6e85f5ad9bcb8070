/*
 * Accuracy of the attention unit against binary64 attention: softmax(q k /
 * sqrt(d)) v over the unquantized fp32 q, k, v (end to end, int8 queries
 * and cache included), and over the dequantized int8 values (the
 * datapath's own error: logits, 2^x, rescaling, reciprocal). Random
 * inputs, sharply peaked ones, and inputs of stories260K's shape and scale
 * (head_dim 8, 8 heads, 4 kv heads, uneven channels). Prints what it
 * measured; fails above fixed thresholds (docs/numerics.md A.7).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attn_case.h"
#include "attn_ref.h"
#include "attn_tests.h"
#include "test_main.h"

/* Relative L2 error of an output head: max and sum over heads. */
struct acc_stats {
	double max, sum;
	uint64_t n;
};

static void stat_add(struct acc_stats *s, const float *y, const double *ref, uint32_t d)
{
	double e2 = 0, r2 = 0, e;

	for (uint32_t i = 0; i < d; i++) {
		e2 += (y[i] - ref[i]) * (y[i] - ref[i]);
		r2 += ref[i] * ref[i];
	}
	e = r2 > 0 ? sqrt(e2 / r2) : sqrt(e2);
	if (e > s->max)
		s->max = e;
	s->sum += e;
	s->n++;
}

/* binary64 attention of one query head q over keys k[t], values v[t] (stride ld). */
static void attend64(const double *q, const double *k, const double *v, uint32_t n, uint32_t d,
		     uint32_t ld, double *o /* (d) */)
{
	double mx = -INFINITY, sum = 0, *s = malloc(sizeof(*s) * n);

	for (uint32_t t = 0; t < n; t++) {
		double a = 0;

		for (uint32_t i = 0; i < d; i++)
			a += q[i] * k[(uint64_t)t * ld + i];
		s[t] = a / sqrt((double)d);
		mx = s[t] > mx ? s[t] : mx;
	}
	for (uint32_t i = 0; i < d; i++)
		o[i] = 0;
	for (uint32_t t = 0; t < n; t++) {
		s[t] = exp(s[t] - mx);
		sum += s[t];
	}
	for (uint32_t t = 0; t < n; t++)
		for (uint32_t i = 0; i < d; i++)
			o[i] += s[t] / sum * v[(uint64_t)t * ld + i];
	free(s);
}

enum acc_kind { ACC_RANDOM, ACC_PEAKY, ACC_STORIES };

/* Quantize x (d floats) per A.2 and return the dequantized values in dq. */
static void quant_dequant(const float *x, uint32_t d, int8_t *q, uint16_t *m, int32_t *e,
			  double *dq)
{
	aref_quant(x, d, q, m, e);
	for (uint32_t i = 0; i < d; i++)
		dq[i] = ldexp((double)q[i] * *m, -*e);
}

/*
 * One DECODE at context ctx with shape sh: fp32 q, k, v drawn for kind,
 * k and v quantized into the pool as APPEND does, the unit's outputs
 * compared with both binary64 references.
 */
static void run_case(const struct acase_shape *sh, uint32_t ctx, enum acc_kind kind,
		     uint64_t seed, struct acc_stats *e2e, struct acc_stats *dp)
{
	uint32_t d = sh->head_dim, kh = sh->n_kv_heads, h = sh->n_heads, pos = ctx - 1, one = 1;
	uint32_t b = sh->block_tokens, ld = kh * d;
	uint64_t rng = seed, nf, qrow;
	double sigma = kind == ACC_PEAKY ? 2.5 : kind == ACC_STORIES ? 1.2 : 1.0, chan[256];
	double *k = malloc(sizeof(double) * ctx * ld), *v = malloc(sizeof(double) * ctx * ld);
	double *kd = malloc(sizeof(double) * ctx * ld), *vd = malloc(sizeof(double) * ctx * ld);
	double qv[256], qd[256], ref[256], refd[256];
	float x[256], y[256];
	int8_t q8[256];
	uint16_t m;
	int32_t e;
	struct acase c;

	CU_ASSERT_FATAL(acase_make(&c, FLLM_ATTN_OP_DECODE, sh, 1, &pos, &one, AC_RAW, 1.0,
				   seed) == 0);
	for (uint32_t i = 0; i < d; i++)	/* uneven channels, 0.3x .. 3x */
		chan[i] = kind == ACC_STORIES ? exp(log(0.3) + test_rng_unit(&rng) * log(10.0)) : 1.0;
	for (uint32_t t = 0; t < ctx; t++) {
		uint32_t idx, slot = t % b;
		uint64_t blk;

		memcpy(&idx, c.mem + c.seq[0].table_addr + 4ull * (t / b), 4);
		blk = c.p.kv_base + (uint64_t)idx * c.p.block_bytes;
		for (uint32_t j = 0; j < kh; j++) {
			for (int kvi = 0; kvi < 2; kvi++) {
				double *dst = (kvi ? v : k) + (uint64_t)t * ld + j * d;
				double *dd = (kvi ? vd : kd) + (uint64_t)t * ld + j * d;
				uint64_t off = kvi ? fllm_attention_v_offset(kh, b, d, j, slot) :
					fllm_attention_k_offset(kh, b, d, j, slot);
				uint64_t so = kvi ? fllm_attention_vs_offset(kh, b, d, j, slot) :
					fllm_attention_ks_offset(kh, b, d, j, slot);
				int16_t e16;

				for (uint32_t i = 0; i < d; i++) {
					double s = kvi ? (kind == ACC_STORIES ? 0.7 : 1.0) :
						sigma * chan[i];

					if (kvi && kind == ACC_STORIES && t % 5 == 1)
						s = 0;	/* zero value rows must not cost precision */

					x[i] = (float)(s * test_rng_normal(&rng));
					dst[i] = x[i];
				}
				quant_dequant(x, d, q8, &m, &e, dd);
				e16 = (int16_t)e;
				memcpy(c.mem + blk + off, q8, d);
				memcpy(c.mem + blk + so, &m, 2);
				memcpy(c.mem + blk + so + 2, &e16, 2);
			}
		}
	}
	qrow = c.q + c.seq[0].row * c.row_stride;
	for (uint32_t i = 0; i < h * d; i++) {
		float xq = (float)(sigma * chan[i % d] * test_rng_normal(&rng));

		memcpy(c.mem + qrow + 4ull * i, &xq, 4);
	}
	FLLM_ASSERT_STATUS(fllm_hls_attention_unit(c.mem, c.mem_bytes, c.p_addr, sizeof(c.p), &nf),
			   FLLM_CARD_OK);
	for (uint32_t hh = 0; hh < h; hh++) {
		uint32_t j = hh / (h / kh);

		memcpy(x, c.mem + qrow + 4ull * hh * d, 4ull * d);
		for (uint32_t i = 0; i < d; i++)
			qv[i] = x[i];
		quant_dequant(x, d, q8, &m, &e, qd);
		attend64(qv, k + j * d, v + j * d, ctx, d, ld, ref);
		attend64(qd, kd + j * d, vd + j * d, ctx, d, ld, refd);
		memcpy(y, c.mem + c.out + c.seq[0].row * c.out_stride + 4ull * hh * d, 4ull * d);
		stat_add(e2e, y, ref, d);
		stat_add(dp, y, refd, d);
	}
	acase_free(&c);
	free(k);
	free(v);
	free(kd);
	free(vd);
}

/*
 * Sweep one kind over shapes and contexts; print the errors and check
 * them: end to end (int8 quantization dominates) and datapath only, each
 * as max and mean over heads.
 */
static void sweep(enum acc_kind kind, const char *name, double e2e_max, double e2e_mean,
		  double dp_max, double dp_mean)
{
	static const struct acase_shape shapes[] = {
		{ 8, 8, 4, 16 }, { 64, 8, 2, 32 }, { 128, 4, 1, 64 }, { 256, 2, 2, 16 },
	};
	static const uint32_t ctxs[] = { 1, 16, 17, 100, 1000 };
	struct acc_stats e2e = { 0 }, dp = { 0 };
	uint32_t ns = kind == ACC_STORIES ? 1 : 4;

	for (uint32_t s = 0; s < ns; s++)
		for (uint32_t i = 0; i < 5; i++)
			for (uint32_t rep = 0; rep < (kind == ACC_STORIES ? 8u : 2u); rep++)
				run_case(&shapes[s], ctxs[i] + (kind == ACC_STORIES ? 7 * rep : 0),
					 kind, 1000 * s + 10 * i + rep + 77 * kind, &e2e, &dp);
	printf("\n  %s: vs fp32 inputs max %.2e mean %.2e; vs dequantized max %.2e mean %.2e "
	       "(%llu heads) ", name, e2e.max, e2e.sum / (double)e2e.n, dp.max,
	       dp.sum / (double)dp.n, (unsigned long long)e2e.n);
	CU_ASSERT(e2e.max < e2e_max);
	CU_ASSERT(e2e.sum / (double)e2e.n < e2e_mean);
	CU_ASSERT(dp.max < dp_max);
	CU_ASSERT(dp.sum / (double)dp.n < dp_mean);
}

static void test_random(void)
{
	sweep(ACC_RANDOM, "random N(0,1)", 0.04, 0.015, 2e-5, 2e-6);
}

static void test_peaky(void)
{
	sweep(ACC_PEAKY, "peaked (logit std 6)", 0.2, 0.03, 2e-5, 2e-6);
}

static void test_stories(void)
{
	sweep(ACC_STORIES, "stories260K-like", 0.25, 0.02, 2e-5, 2e-6);
}

static CU_TestInfo tests[] = {
	{ "random inputs", test_random },
	{ "peaked attention", test_peaky },
	{ "stories260K shape and scale", test_stories },
	CU_TEST_INFO_NULL,
};

int at_register_accuracy(void)
{
	return fllm_test_add_suite("attention: accuracy vs binary64", NULL, NULL, tests);
}
