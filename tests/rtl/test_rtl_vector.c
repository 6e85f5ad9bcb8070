/*
 * The RTL vector unit (sim/rtl/vector, Verilated) against the golden model
 * fllm_hls_vector_unit() bit for bit: every sweep of
 * tests/vector/vector_sweep.c (every op, size and input distribution,
 * in-place rows) and every parameter-block error of
 * tests/vector/test_vector_params.c run on two copies of one card image;
 * status, non-finite count and the whole images must agree, and the unit
 * must never touch memory outside the card. Exits 77 (SKIP) when the build
 * has no RTL model.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fllm_card.h"
#include "fllm_rtl.h"
#include "fllm_vector.h"
#include "rtl_tests.h"
#include "test_main.h"
#include "vector_bad.h"
#include "vector_case.h"
#include "vector_sweep.h"

static struct fllm_rtl_unit *unit;

/* Cycles of the last successful command (for the cycle report). */
static uint64_t last_cycles;

static int vu_init(void)
{
	return rtl_ref_unit(FLLM_CU_VECTOR, &unit) ? -1 : 0;
}

static int vu_fini(void)
{
	return rtl_ref_unit_close(&unit);
}

/* Cycle limit of one command: generous (the slowest op is about 70 cycles an element). */
static uint64_t max_cycles(const struct fllm_vector_params *p)
{
	uint64_t n = p->n <= FLLM_VECTOR_N_MAX ? p->n : FLLM_VECTOR_N_MAX;
	uint64_t rows = p->rows <= FLLM_VECTOR_ROWS_MAX ? p->rows : FLLM_VECTOR_ROWS_MAX;

	return 100000 + rows * (200 * n + 20000);
}

/* Which operand region (row r) byte off of the image falls in, as text. */
static void region_of(const struct vcase *c, uint64_t off, char *buf, size_t len)
{
	const struct fllm_vector_params *p = &c->p;
	struct {
		const char *name;
		uint64_t addr, stride, bytes;
		uint32_t rows;
	} rg[5] = {
		{ "in", p->in_addr, p->in_stride, p->in_stride, p->rows },
		{ "in2", p->in2_addr, p->in2_stride, p->in2_stride, p->in2_stride ? p->rows : 0 },
		{ "out", p->out_addr, p->out_stride, p->out_stride, p->rows },
		{ "weight", p->weight_addr, 0, fllm_vector_weight_bytes(p->n),
		  p->op == FLLM_VECTOR_OP_RMSNORM },
		{ "table", p->table_addr, fllm_vector_rope_row_bytes(p->head_dim),
		  fllm_vector_rope_row_bytes(p->head_dim), p->table_rows },
	};

	/* out first: in place rows are out rows */
	for (int k = 0; k < 5; k++) {
		int i = k == 0 ? 2 : k == 2 ? 0 : k;

		for (uint32_t r = 0; r < rg[i].rows; r++) {
			uint64_t a = rg[i].addr + r * rg[i].stride;

			if (off >= a && off < a + rg[i].bytes) {
				snprintf(buf, len, "%s row %u byte %" PRIu64, rg[i].name, r, off - a);
				return;
			}
		}
	}
	if (off >= c->p_addr && off < c->p_addr + sizeof(c->p))
		snprintf(buf, len, "the parameter block");
	else
		snprintf(buf, len, "no operand");
}

/*
 * Run the command at params (params_bytes) of c on the golden model and on
 * the unit, each with its own copy of the image: 0 when status, result,
 * and every byte agree and the unit made no bad access. What, dist and seed
 * describe the case for the reproduction printed on a mismatch.
 */
static int diff_at(const struct vcase *c, uint64_t params, uint64_t params_bytes,
		   const char *what, int dist, uint64_t seed)
{
	uint8_t *gold = malloc(c->mem_bytes), *rtl = malloc(c->mem_bytes);
	uint64_t arg[FLLM_RTL_ARGS], nf = 0, result = ~0ull;
	struct fllm_rtl_stats st;
	enum fllm_card_err err;
	uint16_t status = 0xffff;
	int rc, bad = 0;

	if (!gold || !rtl)
		abort();
	memcpy(gold, c->mem, c->mem_bytes);
	memcpy(rtl, c->mem, c->mem_bytes);
	memset(&st, 0, sizeof(st));
	err = fllm_hls_vector_unit(gold, c->mem_bytes, params, params_bytes, &nf);
	if (err != FLLM_CARD_OK)
		nf = 0;
	fllm_rtl_cu_arg(arg, params, params_bytes);
	rc = fllm_rtl_unit_run(unit, rtl, c->mem_bytes, arg, max_cycles(&c->p), &status, &result,
			       &st);
	if (rc) {
		printf("\n  the unit did not finish: %d", rc);
		bad = 1;
	} else if (status != err || result != nf || st.bad_accesses) {
		printf("\n  status rtl %u golden %d, non-finite rtl %" PRIu64 " golden %" PRIu64
		       ", bad accesses %" PRIu64, status, err, result, nf, st.bad_accesses);
		bad = 1;
	}
	for (uint64_t i = 0; i < c->mem_bytes; i++) {
		char where[96];

		if (gold[i] == rtl[i])
			continue;
		region_of(c, i, where, sizeof(where));
		printf("\n  first difference at byte %" PRIu64 " (%s): rtl 0x%02x golden 0x%02x", i,
		       where, rtl[i], gold[i]);
		if (i + 4 <= c->mem_bytes) {
			uint32_t a, b;

			memcpy(&a, rtl + (i & ~3ull), 4);
			memcpy(&b, gold + (i & ~3ull), 4);
			printf(" (word rtl 0x%08x golden 0x%08x)", a, b);
		}
		bad = 1;
		break;
	}
	if (bad)
		printf("\n  reproduce (%s): op %u flags %u n %u rows %u group %u head_dim %u dist %d "
		       "seed %" PRIu64 " params %" PRIu64 "/%" PRIu64 "\n", what, c->p.op,
		       c->p.flags, c->p.n, c->p.rows, c->p.group, c->p.head_dim, dist, seed,
		       params, params_bytes);
	else
		last_cycles = st.cycles;
	free(gold);
	free(rtl);
	return bad;
}

static int diff(const struct vcase *c, const char *what, int dist, uint64_t seed)
{
	return diff_at(c, c->p_addr, sizeof(c->p), what, dist, seed);
}

/* diff with a sweep case labelled "sweep" or "sweep, in place". */
static int unit_vs_golden(const struct vcase *c, const char *what, int dist, uint64_t seed)
{
	if (!what)
		what = c->p.out_addr == c->p.in_addr ? "sweep, in place" : "sweep";
	return diff(c, what, dist, seed);
}

/*
 * Shapes at the unit's limits the sweeps do not reach: 4096 groups of 16
 * (the largest record header), head_dim 512 (the whole table buffer), rows
 * of 65536 for DEQUANT and SILU_MUL + F_QUANT.
 */
static void test_limits(void)
{
	static const struct {
		uint32_t op, flags, n, rows, group, hd;
	} t[] = {
		{ FLLM_VECTOR_OP_COPY, FLLM_VECTOR_F_QUANT, 65536, 1, 16, 0 },
		{ FLLM_VECTOR_OP_DEQUANT, 0, 65536, 1, 16, 0 },
		{ FLLM_VECTOR_OP_DEQUANT, 0, 65520, 2, 256, 0 },
		{ FLLM_VECTOR_OP_ROPE, 0, 1024, 3, 0, 512 },
		{ FLLM_VECTOR_OP_SILU_MUL, FLLM_VECTOR_F_QUANT, 65536, 1, 128, 0 },
		{ FLLM_VECTOR_OP_ADD, 0, 65535, 1, 0, 0 },
	};
	uint32_t bad = 0;

	for (uint32_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct vcase c;
		uint64_t seed = 4242 + i;

		CU_ASSERT_FATAL(vcase_make(&c, t[i].op, t[i].flags, t[i].n, t[i].rows, t[i].group,
					   t[i].hd, VC_WIDE, 0, seed) == 0);
		bad += (uint32_t)diff(&c, "limits", VC_WIDE, seed);
		vcase_free(&c);
	}
	FLLM_ASSERT_EQ_U64(bad, 0);
}

/* ------------------------------------------------------------------ */
/* The error cases of tests/vector/test_vector_params.c               */
/* ------------------------------------------------------------------ */

/* Each broken block: the golden model's code, the same from the unit, image untouched. */
static void test_each_field(void)
{
	uint32_t bad = 0;

	for (uint32_t i = 0; i < vbad_count; i++) {
		const struct vbad *b = &vbad_cases[i];
		uint64_t nf = 0;
		struct vcase c;
		uint8_t *before;

		CU_ASSERT_FATAL(vbad_make(&c, b->op, b->flags) == 0);
		before = vbad_break(&c, b);
		CU_ASSERT_FATAL(before != NULL);
		/* the golden model's code is the list's */
		if (fllm_hls_vector_unit(before, c.mem_bytes, c.p_addr, sizeof(c.p), &nf) != b->err) {
			printf("\n  %s: the golden model disagrees with the list\n", b->what);
			bad++;
		}
		/* diff_at compares the unit with the golden model and the images */
		if (diff_at(&c, c.p_addr, sizeof(c.p), b->what, VC_NORMAL, 99 + b->op))
			bad++;
		vbad_free(&c, before);
	}
	FLLM_ASSERT_EQ_U64(bad, 0);
}

/* The block's own size, alignment and placement (nothing fetched on failure). */
static void test_block_placement(void)
{
	struct vcase c;
	struct {
		uint64_t at, bytes;
	} t[6];
	uint32_t bad = 0;

	CU_ASSERT_FATAL(vbad_make(&c, FLLM_VECTOR_OP_COPY, 0) == 0);
	t[0].at = 0, t[0].bytes = 127;
	t[1].at = 0, t[1].bytes = 129;
	t[2].at = 8, t[2].bytes = 128;
	t[3].at = c.mem_bytes & ~63ull, t[3].bytes = 128;
	t[4].at = ~63ull, t[4].bytes = 128;
	t[5].at = 0, t[5].bytes = 128;
	for (int i = 0; i < 6; i++)
		bad += (uint32_t)diff_at(&c, t[i].at, t[i].bytes, "block placement", VC_NORMAL,
					 99 + FLLM_VECTOR_OP_COPY);
	FLLM_ASSERT_EQ_U64(bad, 0);
	vcase_free(&c);
}

/*
 * Cycles per element of each op on 4 rows of 4096 (informational, also
 * checked against the golden model), next to the hls cycle model's.
 */
static void test_report_cycles(void)
{
	static const struct {
		const char *name;
		uint32_t op, flags;
	} ops[] = {
		{ "COPY", FLLM_VECTOR_OP_COPY, 0 },
		{ "COPY+QUANT", FLLM_VECTOR_OP_COPY, FLLM_VECTOR_F_QUANT },
		{ "DEQUANT", FLLM_VECTOR_OP_DEQUANT, 0 },
		{ "RMSNORM", FLLM_VECTOR_OP_RMSNORM, 0 },
		{ "RMSNORM+QUANT", FLLM_VECTOR_OP_RMSNORM, FLLM_VECTOR_F_QUANT },
		{ "ROPE", FLLM_VECTOR_OP_ROPE, 0 },
		{ "SILU_MUL", FLLM_VECTOR_OP_SILU_MUL, 0 },
		{ "SILU_MUL+QUANT", FLLM_VECTOR_OP_SILU_MUL, FLLM_VECTOR_F_QUANT },
		{ "ADD", FLLM_VECTOR_OP_ADD, 0 },
	};
	const uint32_t n = 4096, rows = 4;
	uint32_t bad = 0;

	printf("\n    %-15s %12s %12s\n", "op (4 x 4096)", "rtl cyc/el", "hls cyc/el");
	for (uint32_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		struct vcase c;

		CU_ASSERT_FATAL(vcase_make(&c, ops[i].op, ops[i].flags, n, rows, 64, 128,
					   VC_NORMAL, 0, 1234 + i) == 0);
		last_cycles = 0;
		bad += (uint32_t)diff(&c, ops[i].name, VC_NORMAL, 1234 + i);
		printf("    %-15s %12.2f %12.3f\n", ops[i].name,
		       (double)last_cycles / (n * rows),
		       (double)fllm_vector_cycles(&c.p) / (n * rows));
		vcase_free(&c);
	}
	FLLM_ASSERT_EQ_U64(bad, 0);
}

static CU_TestInfo other_tests[] = {
	{ "shapes at the limits", test_limits },
	{ "each bad field: same code, nothing written", test_each_field },
	{ "block size, alignment, placement", test_block_placement },
	{ "cycles per element on 4 x 4096 (report)", test_report_cycles },
	CU_TEST_INFO_NULL,
};

int fllm_test_register(void)
{
	const char *env = getenv("FLLM_RTL_SEED");
	uint64_t seed_shift = 0;	/* FLLM_RTL_SEED=k: the sweeps on other seeds */
	int err;

	rtl_skip_unless_built();
	if (env) {
		seed_shift = strtoull(env, NULL, 0);
		printf("sweep seeds shifted by FLLM_RTL_SEED=%" PRIu64 "\n", seed_shift);
	}
	vsweep_use(unit_vs_golden, seed_shift);
	err = fllm_test_add_suite("rtl vector: unit vs golden", vu_init, vu_fini, vsweep_tests);
	if (!err)
		err = fllm_test_add_suite("rtl vector: limits, parameter block, cycles", vu_init,
					  vu_fini, other_tests);
	return err;
}
