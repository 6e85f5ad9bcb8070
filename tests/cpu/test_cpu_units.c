/*
 * test_cpu_units: runtime/cpu's host twins of the vector and attention
 * units (fllm_cpu_vector_run, fllm_cpu_attention_run) against the golden
 * functions of hls/ (fllm_vector_unit_run, fllm_attention_unit_run), byte
 * for byte on whole card images: the same result code, the same non-finite
 * count, the same memory afterwards. Cases come from the golden models'
 * own case builders (tests/vector, tests/attention): every vector op and
 * size of the sweeps with several seeds and input distributions (normal,
 * wide exponents with subnormals, Inf/NaN/FLT_MAX mixes, all zeros), ADD on
 * every pair of a table of edge values, attention APPEND/DECODE/PREFILL on
 * many shapes at positions around KV-block and tile boundaries, raw and
 * quantized pools, fp32 and F_QUANT outputs, non-finite q/k/v, and blocks
 * the units reject. PREFILL takes one sequence, chunks of 1-40 tokens.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attn_case.h"
#include "fllm_cpu.h"
#include "test_main.h"
#include "vector_case.h"
#include "vector_sweep.h"

/* Run golden and twin on copies of mem; 1 (and a line) on any difference. */
static int units_compare(int attention, const uint8_t *mem, uint64_t bytes, uint64_t p_addr,
			 uint64_t p_bytes, const char *what)
{
	uint8_t *a = malloc(bytes), *b = malloc(bytes);
	static struct fllm_vector_onchip voc_a, voc_b;
	static struct fllm_attention_onchip aoc_a, aoc_b;
	uint64_t nf_a = 1234, nf_b = 5678;
	int ea, eb, bad = 0;

	if (!a || !b)
		abort();
	memcpy(a, mem, bytes);
	memcpy(b, mem, bytes);
	if (attention) {
		ea = (int)fllm_attention_unit_run(&aoc_a, a, bytes, p_addr, p_bytes, &nf_a);
		eb = fllm_cpu_attention_run(&aoc_b, b, bytes, p_addr, p_bytes, &nf_b);
	} else {
		ea = (int)fllm_vector_unit_run(&voc_a, a, bytes, p_addr, p_bytes, &nf_a);
		eb = fllm_cpu_vector_run(&voc_b, b, bytes, p_addr, p_bytes, &nf_b);
	}
	if (ea != eb) {
		printf("\n  %s: golden result %d, twin %d\n", what, ea, eb);
		bad = 1;
	} else if (ea == 0 && nf_a != nf_b) {
		printf("\n  %s: non-finite count golden %" PRIu64 " twin %" PRIu64 "\n", what, nf_a,
		       nf_b);
		bad = 1;
	}
	for (uint64_t i = 0; i < bytes && !bad; i++)
		if (a[i] != b[i]) {
			printf("\n  %s: byte %" PRIu64 " golden %02x twin %02x\n", what, i, a[i], b[i]);
			bad = 1;
		}
	free(a);
	free(b);
	return bad;
}

/* ------------------------------------------------------------------ */
/* Vector unit                                                         */
/* ------------------------------------------------------------------ */

static int vec_twin_vs_golden(const struct vcase *c, const char *what, int dist, uint64_t seed)
{
	char label[96];

	if (!what) {
		snprintf(label, sizeof(label), "op %u flags %u n %u dist %d seed %" PRIu64, c->p.op,
			 c->p.flags, c->p.n, dist, seed);
		what = label;
	}
	return units_compare(0, c->mem, c->mem_bytes, c->p_addr, sizeof(c->p), what);
}

/* The sweeps of tests/vector with the twin as the kernel, four seed sets. */
static int sweep_init0(void) { vsweep_use(vec_twin_vs_golden, 1000); return 0; }
static int sweep_init1(void) { vsweep_use(vec_twin_vs_golden, 2000); return 0; }
static int sweep_init2(void) { vsweep_use(vec_twin_vs_golden, 3000); return 0; }
static int sweep_init3(void) { vsweep_use(vec_twin_vs_golden, 4000); return 0; }

/* Edge values: zeros, subnormals, FLT_MIN and neighbours, 1 and neighbours, FLT_MAX, Inf, NaN. */
static const uint32_t edge_bits[] = {
	0x00000000, 0x00000001, 0x00000002, 0x007fffff, 0x00400000, 0x00800000, 0x00800001,
	0x00ffffff, 0x01000000, 0x3f800000, 0x3f800001, 0x3f7fffff, 0x4b800000, 0x33800000,
	0x33000000, 0x34000000, 0x7f7fffff, 0x7f7ffffe, 0x7f000000, 0x7f800000, 0x7fc00000,
	0x7f800001, 0x2f800000, 0x50000000, 0x3fc00000, 0x40400000,
};
#define EDGES (sizeof(edge_bits) / sizeof(edge_bits[0]))

/* ADD (and SILU_MUL) on every ordered pair of signed edge values, fp32 out. */
static void test_vec_edge_pairs(void)
{
	static const uint32_t ops[] = { FLLM_VECTOR_OP_ADD, FLLM_VECTOR_OP_SILU_MUL };
	uint32_t n = 2 * EDGES, bad = 0;

	for (uint32_t o = 0; o < 2; o++)
		for (uint32_t s = 0; s < 4; s++) {
			struct vcase c;

			CU_ASSERT_FATAL(vcase_make(&c, ops[o], 0, n * n > 4096 ? 4096 : n * n, 1,
						   32, 2, VC_NORMAL, 0, 77 + s) == 0);
			for (uint32_t i = 0; i < c.p.n; i++) {
				uint32_t x = edge_bits[(i / n) % EDGES] | ((s & 1u) << 31);
				uint32_t y = edge_bits[(i % n) % EDGES] | ((s >> 1) << 31);

				x ^= (i / n) >= EDGES ? 0x80000000u : 0;
				y ^= (i % n) >= EDGES ? 0x80000000u : 0;
				memcpy(c.mem + c.p.in_addr + 4ull * i, &x, 4);
				memcpy(c.mem + c.p.in2_addr + 4ull * i, &y, 4);
			}
			bad += (uint32_t)units_compare(0, c.mem, c.mem_bytes, c.p_addr,
						       sizeof(c.p), ops[o] == FLLM_VECTOR_OP_ADD ?
						       "ADD edge pairs" : "SILU_MUL edge pairs");
			vcase_free(&c);
		}
	FLLM_ASSERT_EQ_U64(bad, 0);
}

/*
 * ADD near cancellation and near the FLT_MIN boundary: a random normal
 * value plus minus itself nudged by a few ulps, at every exponent; and
 * F_QUANT COPY rows of one random exponent each, so every quantizer shift
 * s (1..40 and beyond) occurs.
 */
static void test_vec_add_cancel_and_quant_shifts(void)
{
	uint64_t rng = 5;
	uint32_t bad = 0;

	for (uint32_t e = 0; e < 255; e += 3) {
		struct vcase c;

		CU_ASSERT_FATAL(vcase_make(&c, FLLM_VECTOR_OP_ADD, 0, 256, 1, 32, 2, VC_NORMAL, 0,
					   e) == 0);
		for (uint32_t i = 0; i < c.p.n; i++) {
			uint32_t x = e << 23 | (uint32_t)(fllm_rng_next(&rng) & 0x7fffff);
			uint32_t y = (x ^ 0x80000000u) + (uint32_t)(fllm_rng_next(&rng) % 9) - 4;

			if (i % 2)
				x |= 0x80000000u, y ^= 0x80000000u;
			memcpy(c.mem + c.p.in_addr + 4ull * i, &x, 4);
			memcpy(c.mem + c.p.in2_addr + 4ull * i, &y, 4);
		}
		bad += (uint32_t)units_compare(0, c.mem, c.mem_bytes, c.p_addr, sizeof(c.p),
					       "ADD cancellation");
		vcase_free(&c);
	}
	for (uint32_t e = 0; e < 255; e++) {
		struct vcase c;

		CU_ASSERT_FATAL(vcase_make(&c, FLLM_VECTOR_OP_COPY, FLLM_VECTOR_F_QUANT, 200, 2,
					   16u << (e % 5), 2, VC_NORMAL, 0, 300 + e) == 0);
		for (uint32_t i = 0; i < 2 * c.p.n; i++) {
			uint32_t sh = (uint32_t)(fllm_rng_next(&rng) % 48);
			uint32_t x = (e > sh ? e - sh : 0) << 23 |
				     (uint32_t)(fllm_rng_next(&rng) & 0x7fffff);

			x |= (uint32_t)(fllm_rng_next(&rng) & 1) << 31;
			memcpy(c.mem + c.p.in_addr + (i / c.p.n) * c.p.in_stride +
				       4ull * (i % c.p.n), &x, 4);
		}
		bad += (uint32_t)units_compare(0, c.mem, c.mem_bytes, c.p_addr, sizeof(c.p),
					       "F_QUANT shifts");
		vcase_free(&c);
	}
	FLLM_ASSERT_EQ_U64(bad, 0);
}

/* Blocks the unit rejects: the same code and nothing written by either. */
static void test_vec_rejects(void)
{
	struct vcase c;
	uint32_t bad = 0;

	CU_ASSERT_FATAL(vcase_make(&c, FLLM_VECTOR_OP_RMSNORM, 0, 64, 2, 32, 2, VC_NORMAL, 0, 9) ==
			0);
	bad += (uint32_t)units_compare(0, c.mem, c.mem_bytes, c.p_addr, sizeof(c.p) - 8,
				       "wrong block size");
	bad += (uint32_t)units_compare(0, c.mem, c.mem_bytes, c.p_addr + 8, sizeof(c.p),
				       "misaligned block");
	c.p.n = 0;
	vcase_store_params(&c);
	bad += (uint32_t)units_compare(0, c.mem, c.mem_bytes, c.p_addr, sizeof(c.p), "n = 0");
	c.p.n = 64;
	c.p.op = 99;
	vcase_store_params(&c);
	bad += (uint32_t)units_compare(0, c.mem, c.mem_bytes, c.p_addr, sizeof(c.p), "bad op");
	vcase_free(&c);
	FLLM_ASSERT_EQ_U64(bad, 0);
}

/* ------------------------------------------------------------------ */
/* Attention unit                                                      */
/* ------------------------------------------------------------------ */

static const uint32_t a_dims[] = { 8, 16, 64, 128, 256, 32 };
static const uint32_t a_ratios[] = { 1, 2, 4, 8 };
/* Positions around tile (16) and block (16..256) boundaries. */
static const uint32_t a_pos[] = { 0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255,
				  256, 257, 300 };
#define A_POS (sizeof(a_pos) / sizeof(a_pos[0]))

/* Non-finite and edge values into some q, k and v entries of the case. */
static void attn_poison(struct acase *c, uint64_t *rng)
{
	static const uint32_t bad_bits[] = { 0x7f800000, 0xff800000, 0x7fc00000, 0x00000001,
					     0x7f7fffff, 0x80000000 };
	uint64_t regions[3] = { c->q, c->k, c->v };

	for (uint32_t r = 0; r < 3; r++)
		for (uint32_t i = 0; i < 3; i++) {
			uint64_t at = regions[r] + 4 * (fllm_rng_next(rng) % (c->sh.n_kv_heads *
									    c->sh.head_dim));
			uint32_t v = bad_bits[fllm_rng_next(rng) % 6];

			memcpy(c->mem + at, &v, 4);
		}
}

static void attn_sweep(uint32_t op, uint32_t cases, uint64_t seed0)
{
	static const char *const names[] = { "", "APPEND", "DECODE", "PREFILL" };
	uint64_t rng = seed0;
	uint32_t bad = 0;

	for (uint32_t i = 0; i < cases; i++) {
		struct acase_shape sh;
		uint32_t ns = op == FLLM_ATTN_OP_PREFILL ? 1 : 1 + (uint32_t)(fllm_rng_next(&rng) % 3);
		uint32_t pos[3], n[3], g = 0;
		enum acase_fill fill = (enum acase_fill)(i % AC_FILL_COUNT);
		struct acase c;
		char what[128];

		sh.head_dim = a_dims[i % 6];
		sh.n_kv_heads = 1 + (uint32_t)(fllm_rng_next(&rng) % 2);
		sh.n_heads = sh.n_kv_heads * a_ratios[(i / 6) % 4];
		sh.block_tokens = 16u << (fllm_rng_next(&rng) % 5);
		for (uint32_t s = 0; s < ns; s++) {
			pos[s] = a_pos[fllm_rng_next(&rng) % A_POS];
			n[s] = op == FLLM_ATTN_OP_DECODE ? 1 :
				1 + (uint32_t)(fllm_rng_next(&rng) % (op == FLLM_ATTN_OP_PREFILL ? 40 : 5));
		}
		CU_ASSERT_FATAL(acase_make(&c, op, &sh, ns, pos, n, fill,
					   0.5 + (double)(i % 7), seed0 * 1000 + i) == 0);
		if (op != FLLM_ATTN_OP_APPEND && i % 3 == 1) {
			g = 16u << (fllm_rng_next(&rng) % 5);
			while (g > sh.n_heads * sh.head_dim && g > 16)
				g /= 2;
			CU_ASSERT_FATAL(acase_set_op_quant(&c, op, g) == 0);
		}
		if (i % 5 == 4)
			attn_poison(&c, &rng);
		snprintf(what, sizeof(what), "%s case %u d %u heads %u/%u block %u pos %u g %u",
			 names[op], i, sh.head_dim, sh.n_heads, sh.n_kv_heads, sh.block_tokens,
			 pos[0], g);
		bad += (uint32_t)units_compare(1, c.mem, c.mem_bytes, c.p_addr, sizeof(c.p), what);
		acase_free(&c);
	}
	FLLM_ASSERT_EQ_U64(bad, 0);
}

static void test_attn_append(void)
{
	attn_sweep(FLLM_ATTN_OP_APPEND, 96, 1);
}

static void test_attn_decode(void)
{
	attn_sweep(FLLM_ATTN_OP_DECODE, 192, 2);
}

static void test_attn_prefill(void)
{
	attn_sweep(FLLM_ATTN_OP_PREFILL, 96, 3);
}

/* Blocks the unit rejects: the same code and nothing written by either. */
static void test_attn_rejects(void)
{
	struct acase_shape sh = { 8, 4, 2, 16 };
	uint32_t pos[1] = { 20 }, n[1] = { 1 }, bad = 0;
	struct acase c;

	CU_ASSERT_FATAL(acase_make(&c, FLLM_ATTN_OP_DECODE, &sh, 1, pos, n, AC_NORMAL, 1.0, 4) ==
			0);
	bad += (uint32_t)units_compare(1, c.mem, c.mem_bytes, c.p_addr, sizeof(c.p) + 64,
				       "wrong block size");
	c.p.head_dim = 7;
	acase_store_params(&c);
	bad += (uint32_t)units_compare(1, c.mem, c.mem_bytes, c.p_addr, sizeof(c.p), "odd dim");
	c.p.head_dim = 8;
	c.p.n_heads = 3;
	acase_store_params(&c);
	bad += (uint32_t)units_compare(1, c.mem, c.mem_bytes, c.p_addr, sizeof(c.p),
				       "heads not a multiple of kv heads");
	acase_free(&c);
	FLLM_ASSERT_EQ_U64(bad, 0);
}

static CU_TestInfo vec_tests[] = {
	{ "ADD and SILU_MUL on every pair of edge values", test_vec_edge_pairs },
	{ "ADD cancellation, every quantizer shift", test_vec_add_cancel_and_quant_shifts },
	{ "rejected blocks", test_vec_rejects },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo attn_tests[] = {
	{ "APPEND", test_attn_append },
	{ "DECODE at tile and block boundaries", test_attn_decode },
	{ "PREFILL chunks", test_attn_prefill },
	{ "rejected blocks", test_attn_rejects },
	CU_TEST_INFO_NULL,
};

int fllm_test_register(void)
{
	return fllm_test_add_suite("vector twin vs golden: sweeps, seeds 1", sweep_init0, NULL,
				   vsweep_tests) ||
	       fllm_test_add_suite("vector twin vs golden: sweeps, seeds 2", sweep_init1, NULL,
				   vsweep_tests) ||
	       fllm_test_add_suite("vector twin vs golden: sweeps, seeds 3", sweep_init2, NULL,
				   vsweep_tests) ||
	       fllm_test_add_suite("vector twin vs golden: sweeps, seeds 4", sweep_init3, NULL,
				   vsweep_tests) ||
	       fllm_test_add_suite("vector twin vs golden: edges", NULL, NULL, vec_tests) ||
	       fllm_test_add_suite("attention twin vs golden", NULL, NULL, attn_tests);
}
