/*
 * Accuracy of the vector unit against fp64 (docs/numerics.md "Vector unit:
 * accuracy"): RMSNorm (fp32 weights encoded to the card's form), RoPE (the
 * encoder's table), SiLU * up and ADD, on random rows and on stories260K's
 * own activations (an fp32 forward pass feeds every op's inputs through
 * the unit). Prints the error table the doc quotes; fails if an error
 * exceeds its bound. Without the model the stories260K case prints
 * "skipped: stories260K activations: <reason>" and the rest runs.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fllm_cardpack.h"
#include "test_main.h"
#include "vector_case.h"
#include "vector_model.h"
#include "vector_tests.h"

/* Card-memory image of one command: fixed 64-aligned regions. */
#define A_PARAMS	0x0ull
#define A_IN		0x1000ull
#define A_IN2		0x11000ull
#define A_OUT		0x21000ull
#define A_WEIGHT	0x31000ull
#define A_TABLE		0x41000ull
#define TABLE_ROWS	512u
#define IMG_BYTES	0x90000ull	/* table: 512 rows of up to 512 bytes */

static uint8_t *img;	/* (IMG_BYTES) */

/* Error statistics of one op. */
struct stats {
	double max_norm;	/* max over rows of max |err| / max |ref| */
	double max_rel;		/* max |err| / |ref| over elements |ref| >= 1e-3 row max */
	double sum_rel;
	uint64_t count, rows;
};

static struct stats st_rand[VM_SITES], st_model[VM_SITES];
static const char *const site_name[VM_SITES] = { "RMSNORM", "ROPE", "SILU_MUL", "ADD" };

/* Fold one row's results y against ref (both n) into s. */
static void account(struct stats *s, const float *y, const double *ref, uint32_t n)
{
	double rmax = 0, emax = 0;

	for (uint32_t i = 0; i < n; i++) {
		rmax = fabs(ref[i]) > rmax ? fabs(ref[i]) : rmax;
		emax = fabs(y[i] - ref[i]) > emax ? fabs(y[i] - ref[i]) : emax;
	}
	if (rmax == 0)
		return;
	s->max_norm = emax / rmax > s->max_norm ? emax / rmax : s->max_norm;
	for (uint32_t i = 0; i < n; i++) {
		double rel;

		if (fabs(ref[i]) < 1e-3 * rmax)
			continue;
		rel = fabs(y[i] - ref[i]) / fabs(ref[i]);
		s->max_rel = rel > s->max_rel ? rel : s->max_rel;
		s->sum_rel += rel;
		s->count++;
	}
	s->rows++;
}

/* Run the op of site on a (and b) through the hls kernel; y gets n results. */
static void run_unit(enum vm_site site, uint32_t pos, const float *a, const float *b,
		     uint32_t n, uint32_t hd, float *y /* (n) */)
{
	static const uint32_t ops[VM_SITES] = { FLLM_VECTOR_OP_RMSNORM, FLLM_VECTOR_OP_ROPE,
						FLLM_VECTOR_OP_SILU_MUL, FLLM_VECTOR_OP_ADD };
	struct fllm_vector_params p;
	uint64_t nf;
	float eps = 1e-5f;

	CU_ASSERT_FATAL(fllm_vector_params_init(&p, ops[site], 0, n, 1, 0) == FLLM_CARD_OK);
	p.in_addr = A_IN;
	p.out_addr = A_OUT;
	memcpy(img + A_IN, a, 4ull * n);
	if (site == VM_NORM) {
		memcpy(&p.eps, &eps, 4);
		p.weight_addr = A_WEIGHT;
		CU_ASSERT_FATAL(fllm_vector_weight_write(img + A_WEIGHT, n, b) == FLLM_CARD_OK);
	} else if (site == VM_ROPE) {
		p.head_dim = (uint16_t)hd;
		p.pos = pos;
		p.table_rows = TABLE_ROWS;
		p.table_addr = A_TABLE;
		CU_ASSERT_FATAL(fllm_vector_rope_table_write(img + A_TABLE, TABLE_ROWS, hd,
							     10000.0) == FLLM_CARD_OK);
	} else {
		p.in2_addr = A_IN2;
		memcpy(img + A_IN2, b, 4ull * n);
	}
	memcpy(img + A_PARAMS, &p, sizeof(p));
	CU_ASSERT_FATAL(fllm_hls_vector_unit(img, IMG_BYTES, A_PARAMS, sizeof(p), &nf) ==
			FLLM_CARD_OK);
	memcpy(y, img + A_OUT, 4ull * n);
}

/* The op of site in fp64 with the exact (unencoded) weights and angles. */
static void reference(enum vm_site site, uint32_t pos, const float *a, const float *b,
		      uint32_t n, uint32_t hd, double *ref /* (n) */)
{
	double ss = 0;

	switch (site) {
	case VM_NORM:
		for (uint32_t i = 0; i < n; i++)
			ss += (double)a[i] * a[i];
		ss = 1.0 / sqrt(ss / n + (double)1e-5f);
		for (uint32_t i = 0; i < n; i++)
			ref[i] = a[i] * ss * b[i];
		break;
	case VM_ROPE:
		for (uint32_t i = 0; i < n; i += 2) {
			double ang = pos * pow(10000.0, -(double)(i % hd) / hd);

			ref[i] = a[i] * cos(ang) - a[i + 1] * sin(ang);
			ref[i + 1] = a[i] * sin(ang) + a[i + 1] * cos(ang);
		}
		break;
	case VM_SILU:
		for (uint32_t i = 0; i < n; i++)
			ref[i] = a[i] / (1.0 + exp(-(double)a[i])) * b[i];
		break;
	default:
		for (uint32_t i = 0; i < n; i++)
			ref[i] = (double)a[i] + b[i];
		break;
	}
}

/* The hook: every vector op of the forward pass, through the unit and in fp64. */
static void hook(void *ctx, enum vm_site site, uint32_t pos, const float *a, const float *b,
		 uint32_t n, uint32_t hd)
{
	struct stats *s = ctx;
	float y[16384];
	double ref[16384];

	run_unit(site, pos, a, b, n, hd, y);
	reference(site, pos, a, b, n, hd, ref);
	account(&s[site], y, ref, n);
}

static int acc_open(void)
{
	img = calloc(1, IMG_BYTES);
	return img ? 0 : 1;
}

static int acc_close(void)
{
	free(img);
	return 0;
}

static void print_stats(const char *what, const struct stats *s)
{
	printf("\n  %s:\n  %-9s %12s %12s %12s %8s\n", what, "op", "max normwise", "max rel",
	       "mean rel", "rows");
	for (int i = 0; i < VM_SITES; i++)
		printf("  %-9s %12.3g %12.3g %12.3g %8llu\n", site_name[i], s[i].max_norm,
		       s[i].max_rel, s[i].count ? s[i].sum_rel / s[i].count : 0.0,
		       (unsigned long long)s[i].rows);
}

/*
 * The bounds of docs/numerics.md: elementwise 1e-3 for every op; normwise
 * 2e-4 for RMSNORM (its int16 weight mantissas) and 2e-6 for the others.
 */
static void check_bounds(const struct stats *s)
{
	for (int i = 0; i < VM_SITES; i++) {
		CU_ASSERT(s[i].rows > 0);
		CU_ASSERT(s[i].max_norm < (i == VM_NORM ? 2e-4 : 2e-6));
		if (s[i].max_rel >= 1e-3)
			printf("\n  %s: max rel %g over the bound 1e-3\n", site_name[i],
			       s[i].max_rel);
		CU_ASSERT(s[i].max_rel < 1e-3);
	}
}

/* Random rows at the stories260K sizes (64, 172, head_dim 8) and at 4096 / head_dim 128. */
static void test_random(void)
{
	static const uint32_t dims[][3] = { { 64, 172, 8 }, { 4096, 11008, 128 } };
	uint64_t rng = 4242;
	float *a = malloc(11008 * sizeof(float)), *b = malloc(11008 * sizeof(float));

	CU_ASSERT_FATAL(a && b);
	for (uint32_t it = 0; it < 64; it++) {
		const uint32_t *d = dims[it % 16 == 15];
		double sc = ldexp(1.0, (int)(fllm_rng_next(&rng) % 9) - 4);
		uint32_t pos = (uint32_t)(fllm_rng_next(&rng) % TABLE_ROWS);

		for (uint32_t i = 0; i < d[1]; i++) {
			double u = test_rng_unit(&rng) + test_rng_unit(&rng) + test_rng_unit(&rng);

			a[i] = (float)((u - 1.5) * 2 * sc);
			b[i] = (float)(0.3 + 2.7 * test_rng_unit(&rng));
		}
		hook(st_rand, VM_NORM, pos, a, b, d[0], 0);
		hook(st_rand, VM_ROPE, pos, a, NULL, d[0], d[2]);
		for (uint32_t i = 0; i < d[1]; i++)
			b[i] = (float)((test_rng_unit(&rng) - 0.5) * sc);
		hook(st_rand, VM_SILU, pos, a, b, d[1], 0);
		hook(st_rand, VM_RESID, pos, a, b, d[0], 0);
	}
	free(a);
	free(b);
	print_stats("random rows", st_rand);
	check_bounds(st_rand);
}

/* stories260K: 48 positions of greedy generation from BOS, every op of every layer. */
static void test_stories(void)
{
	const char *dir = getenv("FLLM_MODELS_DIR") ? getenv("FLLM_MODELS_DIR") : FLLM_MODELS_DIR;
	char path[1024];
	struct vm_model *m;
	int tok = 1;

	snprintf(path, sizeof(path), "%s/stories260K.bin", dir);
	m = vm_load(path);
	if (!m) {
		char reason[1100];

		snprintf(reason, sizeof(reason), "%s not found or malformed (set FLLM_MODELS_DIR)",
			 path);
		fllm_test_skip("stories260K activations", reason);
		return;
	}
	for (uint32_t pos = 0; pos < 48; pos++)
		tok = vm_forward(m, tok, pos, hook, st_model);
	vm_free(m);
	print_stats("stories260K activations (48 positions x 5 layers)", st_model);
	check_bounds(st_model);
}

static CU_TestInfo tests[] = {
	{ "random rows vs fp64", test_random },
	{ "stories260K activations vs fp64", test_stories },
	CU_TEST_INFO_NULL,
};

int vt_register_accuracy(void)
{
	return fllm_test_add_suite("vector: accuracy", acc_open, acc_close, tests);
}
