/*
 * The RTL attention unit (sim/rtl/attention, Verilated) against the golden
 * model fllm_hls_attention_unit() bit for bit, on whole card images built
 * by tests/attention's case builder: APPEND, DECODE (several sequences,
 * with and without F_QUANT records), causal PREFILL, APPEND followed by
 * DECODE; GQA ratios 1-8, head dims 8/64/128/256, blocks of 16/32/64
 * (128/256 and contexts up to 1000 in the long run), contexts that are not
 * a multiple of the block; and every parameter-block error case of
 * tests/attention/attn_bad.c: the same code and an untouched image. Status,
 * non-finite count and every byte of the image must agree, and the unit
 * must make no access outside the card. Exits 77 (SKIP) without an RTL
 * model; FLLM_RTL_TEST=long runs the long sweep (opt-in, FLLM_RTL_LONG=1).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attn_bad.h"
#include "attn_case.h"
#include "fllm_card.h"
#include "fllm_rtl.h"
#include "rtl_tests.h"
#include "test_main.h"

static struct fllm_rtl_unit *unit;

/* Cycles of the last successful command (for the cycle report). */
static uint64_t last_cycles;

static int au_init(void)
{
	return rtl_ref_unit(FLLM_CU_ATTENTION, &unit) ? -1 : 0;
}

static int au_fini(void)
{
	return rtl_ref_unit_close(&unit);
}

/* Cycle limit of one command: far above what it needs (fllm_rtl.h). */
static uint64_t max_cycles(const struct acase *c)
{
	uint64_t cyc = 1000000;

	for (uint32_t s = 0; s < c->n_seqs; s++)
		cyc += fllm_rtl_attention_seq_cycles(c->sh.n_heads, c->sh.n_kv_heads,
						     c->sh.head_dim, c->seq[s].pos,
						     c->seq[s].n_tokens);
	return cyc;
}

/*
 * Run the command at params (params_bytes) of c on the golden model and on
 * the unit, each on its own copy of the image: 0 when status, result and
 * every byte agree and the unit made no bad access. c->mem keeps the
 * golden image, so commands can follow each other.
 */
static int diff_at(struct acase *c, uint64_t params, uint64_t params_bytes, const char *what)
{
	uint8_t *rtl = malloc(c->mem_bytes);
	uint64_t arg[FLLM_RTL_ARGS], nf = 0, result = ~0ull;
	struct fllm_rtl_stats st;
	enum fllm_card_err err;
	uint16_t status = 0xffff;
	int rc, bad = 0;

	if (!rtl)
		abort();
	memcpy(rtl, c->mem, c->mem_bytes);
	memset(&st, 0, sizeof(st));
	err = fllm_hls_attention_unit(c->mem, c->mem_bytes, params, params_bytes, &nf);
	if (err != FLLM_CARD_OK)
		nf = 0;
	fllm_rtl_cu_arg(arg, params, params_bytes);
	rc = fllm_rtl_unit_run(unit, rtl, c->mem_bytes, arg, max_cycles(c), &status, &result,
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
		if (c->mem[i] == rtl[i])
			continue;
		printf("\n  first difference at byte %" PRIu64 " (out +%" PRId64 ", pool +%" PRId64
		       "): rtl 0x%02x golden 0x%02x", i, (int64_t)(i - c->out),
		       (int64_t)(i - c->p.kv_base), rtl[i], c->mem[i]);
		bad = 1;
		break;
	}
	if (bad)
		printf("\n  case: %s\n", what);
	else
		last_cycles = st.cycles;
	free(rtl);
	return bad;
}

static int diff(struct acase *c, const char *what)
{
	return diff_at(c, c->p_addr, sizeof(c->p), what);
}

/* ------------------------------------------------------------------ */
/* Random shapes                                                      */
/* ------------------------------------------------------------------ */

static const uint32_t ratios[] = { 1, 2, 4, 8 };

/* A sweep: head dims, block sizes 16 << 0 .. steps - 1, contexts below ctx_max, cases per op. */
struct sweep {
	const uint32_t *dims;
	uint32_t n_dims, block_steps, ctx_max, cases;
};

static const uint32_t dims[] = { 8, 64, 128, 256 };
static const struct sweep sw_short = { dims, 4, 3, 150, 16 };
static const struct sweep sw_long = { dims, 4, 5, 1000, 64 };
static const struct sweep *sw = &sw_short;

/* A shape for case i: head dim, GQA ratio, kv heads 1-2, a block size. */
static struct acase_shape shape_of(uint32_t i, uint64_t *rng)
{
	struct acase_shape sh;

	sh.head_dim = sw->dims[i % sw->n_dims];
	sh.n_kv_heads = 1 + (uint32_t)(fllm_rng_next(rng) % 2);
	sh.n_heads = sh.n_kv_heads * ratios[(i / sw->n_dims) % 4];
	sh.block_tokens = 16u << (fllm_rng_next(rng) % sw->block_steps);
	return sh;
}

/* Build the case, run it on both, describe it on a difference; 1 for a difference. */
static uint32_t check_one(const struct acase_shape *sh, uint32_t op, uint32_t g, uint32_t ns,
			  const uint32_t *pos, const uint32_t *n, enum acase_fill fill,
			  uint64_t seed)
{
	static const char *const names[] = { "", "APPEND", "DECODE", "PREFILL" };
	struct acase c;
	char what[200];
	int len, bad;

	CU_ASSERT_FATAL(acase_make(&c, op, sh, ns, pos, n, fill, 1.0 + (double)(seed % 3),
				   seed) == 0);
	if (g)
		CU_ASSERT_FATAL(acase_set_op_quant(&c, op, g) == 0);
	len = snprintf(what, sizeof(what), "%s g %u d %u heads %u kv %u block %u fill %d seed %"
		       PRIu64 ", pos+n:", names[op], g, sh->head_dim, sh->n_heads, sh->n_kv_heads,
		       sh->block_tokens, (int)fill, seed);
	for (uint32_t s = 0; s < ns && len > 0 && len < 170; s++)
		len += snprintf(what + len, sizeof(what) - (size_t)len, " %u+%u", pos[s], n[s]);
	bad = diff(&c, what);
	acase_free(&c);
	return (uint32_t)bad;
}

/* APPEND of 1-3 sequences of 1-20 tokens at random positions, raw and quantized pools. */
static void test_append(void)
{
	uint64_t rng = 11;
	uint32_t bad = 0;

	for (uint32_t i = 0; i < sw->cases; i++) {
		struct acase_shape sh = shape_of(i, &rng);
		uint32_t ns = 1 + (uint32_t)(fllm_rng_next(&rng) % 3), pos[3], n[3];

		for (uint32_t s = 0; s < ns; s++) {
			pos[s] = (uint32_t)(fllm_rng_next(&rng) % sw->ctx_max);
			n[s] = 1 + (uint32_t)(fllm_rng_next(&rng) % 20);
		}
		bad += check_one(&sh, FLLM_ATTN_OP_APPEND, 0, ns, pos, n,
				 i % 2 ? AC_RAW : AC_NORMAL, 100 + i);
	}
	FLLM_ASSERT_EQ_U64(bad, 0);
}

/* DECODE of 2-4 sequences at random contexts, every fill; every 2nd with F_QUANT. */
static void decode_sweep(int quant)
{
	uint64_t rng = quant ? 23 : 22;
	uint32_t bad = 0;

	for (uint32_t i = 0; i < sw->cases; i++) {
		struct acase_shape sh = shape_of(i, &rng);
		uint32_t ns = 2 + (uint32_t)(fllm_rng_next(&rng) % 3), pos[4], n[4] = { 1, 1, 1, 1 };

		for (uint32_t s = 0; s < ns; s++)
			pos[s] = (uint32_t)(fllm_rng_next(&rng) % sw->ctx_max);
		bad += check_one(&sh, FLLM_ATTN_OP_DECODE, quant ? 16u << (i % 5) : 0, ns, pos, n,
				 (enum acase_fill)(i % AC_FILL_COUNT), (quant ? 300 : 200) + i);
	}
	FLLM_ASSERT_EQ_U64(bad, 0);
}

static void test_decode(void)
{
	decode_sweep(0);
}

static void test_decode_quant(void)
{
	decode_sweep(1);
}

/* PREFILL: one chunk of 1-12 tokens at positions 0-60, causal; every 3rd with F_QUANT. */
static void test_prefill(void)
{
	uint64_t rng = 33;
	uint32_t bad = 0;

	for (uint32_t i = 0; i < sw->cases; i++) {
		struct acase_shape sh = shape_of(i, &rng);
		uint32_t pos = (uint32_t)(fllm_rng_next(&rng) % (sw->ctx_max * 3 / 4)) * (i % 4 != 0);
		uint32_t n = 1 + (uint32_t)(fllm_rng_next(&rng) % 12);

		bad += check_one(&sh, FLLM_ATTN_OP_PREFILL, i % 3 == 2 ? 64 : 0, 1, &pos, &n,
				 (enum acase_fill)(i % AC_FILL_COUNT), 400 + i);
	}
	FLLM_ASSERT_EQ_U64(bad, 0);
}

/* APPEND of the new tokens, then DECODE over them (the keys the unit just wrote). */
static void test_append_then_decode(void)
{
	uint64_t rng = 44;
	uint32_t bad = 0;

	for (uint32_t i = 0; i < 4; i++) {
		struct acase_shape sh = shape_of(i, &rng);
		uint32_t pos[3], n[3] = { 1, 1, 1 };
		struct acase c;

		for (uint32_t s = 0; s < 3; s++)
			pos[s] = (uint32_t)(fllm_rng_next(&rng) % 50);
		CU_ASSERT_FATAL(acase_make(&c, FLLM_ATTN_OP_APPEND, &sh, 3, pos, n, AC_NORMAL, 2.0,
					   500 + i) == 0);
		bad += (uint32_t)diff(&c, "APPEND before DECODE");
		CU_ASSERT_FATAL(acase_set_op(&c, FLLM_ATTN_OP_DECODE) == 0);
		bad += (uint32_t)diff(&c, "DECODE after APPEND");
		acase_free(&c);
	}
	FLLM_ASSERT_EQ_U64(bad, 0);
}

/* ------------------------------------------------------------------ */
/* Parameter block errors                                             */
/* ------------------------------------------------------------------ */

/* Each broken block of attn_bad.c: the list's code from both, image untouched. */
static void test_each_field(void)
{
	uint32_t bad = 0;

	for (uint32_t i = 0; i < abad_count; i++) {
		const struct abad *b = &abad_cases[i];
		uint8_t *before;
		uint64_t nf = 0;
		struct acase c;

		CU_ASSERT_FATAL(abad_make(&c, b->op) == 0);
		abad_apply(&c, b);
		before = malloc(c.mem_bytes);
		CU_ASSERT_FATAL(before != NULL);
		memcpy(before, c.mem, c.mem_bytes);
		if (fllm_hls_attention_unit(before, c.mem_bytes, c.p_addr, sizeof(c.p), &nf) !=
		    b->err) {
			printf("\n  %s: the golden model disagrees with the list\n", b->what);
			bad++;
		}
		/* diff_at compares the unit with the golden model and the images */
		bad += (uint32_t)diff_at(&c, c.p_addr, sizeof(c.p), b->what);
		if (memcmp(before, c.mem, c.mem_bytes)) {
			printf("\n  %s: the image changed\n", b->what);
			bad++;
		}
		free(before);
		acase_free(&c);
	}
	FLLM_ASSERT_EQ_U64(bad, 0);
}

/* The block's own size, alignment and placement, and the valid commands of attn_bad.c. */
static void test_block_placement(void)
{
	uint64_t sz = sizeof(struct fllm_attention_params);
	struct acase c;
	uint32_t bad = 0;

	for (uint32_t op = FLLM_ATTN_OP_APPEND; op <= FLLM_ATTN_OP_COUNT; op++) {
		CU_ASSERT_FATAL(abad_make(&c, op == FLLM_ATTN_OP_COUNT ? ABAD_DECODE_QUANT : op) == 0);
		bad += (uint32_t)diff(&c, "the valid command of attn_bad.c");
		acase_free(&c);
	}
	CU_ASSERT_FATAL(abad_make(&c, FLLM_ATTN_OP_DECODE) == 0);
	bad += (uint32_t)diff_at(&c, c.p_addr, sz - 64, "params_bytes 128");
	bad += (uint32_t)diff_at(&c, c.p_addr, sz + 64, "params_bytes 256");
	bad += (uint32_t)diff_at(&c, c.p_addr + 8, sz, "block at +8");
	bad += (uint32_t)diff_at(&c, c.mem_bytes - 128, sz, "block past the end");
	bad += (uint32_t)diff_at(&c, ~63ull, sz, "block at 2^64 - 64");
	acase_free(&c);
	FLLM_ASSERT_EQ_U64(bad, 0);
}

/* Cycles of a few commands (informational, also checked against the golden model). */
static void test_report_cycles(void)
{
	static const struct {
		const char *name;
		uint32_t op, g;
		struct acase_shape sh;
		uint32_t pos, n;
	} t[] = {
		{ "APPEND d 16, 2 kv heads, 20 tokens", FLLM_ATTN_OP_APPEND, 0, { 16, 4, 2, 16 }, 29,
		  20 },
		{ "APPEND d 128, 8 kv heads, 1 token", FLLM_ATTN_OP_APPEND, 0, { 128, 8, 8, 16 }, 0,
		  1 },
		{ "DECODE d 128, 8/2 heads, ctx 256", FLLM_ATTN_OP_DECODE, 0, { 128, 8, 2, 16 }, 255,
		  1 },
		{ "DECODE+QUANT d 128, 8/2, ctx 256", FLLM_ATTN_OP_DECODE, 64, { 128, 8, 2, 16 }, 255,
		  1 },
		{ "PREFILL d 64, 4/4 heads, 32 at 32", FLLM_ATTN_OP_PREFILL, 0, { 64, 4, 4, 32 }, 32,
		  32 },
	};
	uint32_t bad = 0;

	printf("\n    %-36s %10s %10s\n", "command", "rtl cyc", "hls model");
	for (uint32_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct acase c;

		CU_ASSERT_FATAL(acase_make(&c, t[i].op, &t[i].sh, 1, &t[i].pos, &t[i].n, AC_NORMAL,
					   1.0, 700 + i) == 0);
		if (t[i].g)
			CU_ASSERT_FATAL(acase_set_op_quant(&c, t[i].op, t[i].g) == 0);
		last_cycles = 0;
		bad += (uint32_t)diff(&c, t[i].name);
		printf("    %-36s %10" PRIu64 " %10" PRIu64 "\n", t[i].name, last_cycles,
		       fllm_attention_cycles(&c.p, c.mem));
		acase_free(&c);
	}
	FLLM_ASSERT_EQ_U64(bad, 0);
}

static CU_TestInfo sweep_tests[] = {
	{ "APPEND, random shapes", test_append },
	{ "DECODE, several sequences", test_decode },
	{ "DECODE with F_QUANT records", test_decode_quant },
	{ "PREFILL chunks, causal", test_prefill },
	{ "APPEND then DECODE", test_append_then_decode },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo other_tests[] = {
	{ "each bad field: same code, nothing written", test_each_field },
	{ "block size, alignment, placement", test_block_placement },
	{ "cycles of a few commands (report)", test_report_cycles },
	CU_TEST_INFO_NULL,
};

int fllm_test_register(void)
{
	const char *mode = getenv("FLLM_RTL_TEST");
	int err;

	rtl_skip_unless_built();
	if (mode && !strcmp(mode, "long")) {
		const char *on = getenv("FLLM_RTL_LONG");

		if (!on || strcmp(on, "1")) {
			printf("SKIP: opt-in, set FLLM_RTL_LONG=1\n");
			exit(77);
		}
		sw = &sw_long;
		return fllm_test_add_suite("rtl attention long: unit vs golden", au_init, au_fini,
					   sweep_tests);
	}
	err = fllm_test_add_suite("rtl attention: unit vs golden", au_init, au_fini, sweep_tests);
	if (!err)
		err = fllm_test_add_suite("rtl attention: parameter block, cycles", au_init, au_fini,
					  other_tests);
	return err;
}
