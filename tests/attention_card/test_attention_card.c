/*
 * FLLM_OP_ATTENTION through the emulated card (emu:0): libfllm records the
 * command with fllm_cmdlist_attention(), the firmware dispatches it to the
 * attention unit (CU 3), the card model runs the hls kernel on card memory.
 * A case's image (tests/attention/attn_case.c: block, descriptors, tables,
 * KV pool, q/k/v/out rows, every other byte random) is uploaded to one
 * buffer object with its addresses relocated; after each command the buffer
 * must equal the image the golden model produced on a host copy, byte for
 * byte (the block and descriptors excepted: the card's hold relocated
 * addresses). APPEND then DECODE run on one image, so DECODE reads the keys
 * the card appended. Bad blocks complete with FLLM_E_CARD and the unit's
 * code, write nothing, and leave the card working; a completion takes the
 * cycle model's cycles plus the card thread's polling delay. With
 * FLLM_ATTN_CARD=rtlsim:0 (ctest test_attention_card_rtlsim) the same runs
 * on the rtlsim card, whose attention unit is the Verilated RTL: the same
 * bytes and codes, in the RTL's own cycles (SKIP without the RTL models).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attn_card.h"
#include "fllm/fllm.h"
#include "fllm_attention.h"
#include "fllm_rtl.h"
#include "test_main.h"
#include "test_unit_cmd.h"

#define SEC		1000000000ull
/* Polling delay a completion may add (the card thread sleeps 100 us while a
 * unit is busy), allowing for a loaded machine: 20 ms. */
#define SLACK_US	20000u

static fllm_device *dev;

/* The card the suite runs on (FLLM_ATTN_CARD), and whether its unit is the RTL. */
static const char *card_spec = "emu:0";
static int on_rtl;

/* A case on the card: one BO holding the whole image. */
struct on_card {
	struct acase c;			/* c.mem: the golden model's image */
	fllm_bo *bo;
	uint64_t base;			/* the BO's card address */
};

/* Write the relocated block and descriptors of the current op into the BO. */
static fllm_status card_store_block(struct on_card *k)
{
	struct fllm_attention_params p = acard_params(&k->c, k->base);
	fllm_status st = fllm_bo_write(k->bo, k->c.p_addr, &p, sizeof(p));

	for (uint32_t s = 0; !st && s < k->c.n_seqs; s++) {
		struct fllm_attention_seq d = acard_seq(&k->c, s, k->base);

		st = fllm_bo_write(k->bo, k->c.p.seq_addr + sizeof(d) * s, &d, sizeof(d));
	}
	return st;
}

/* Build a case for op (pool filled per AC_NORMAL) and upload it; 0 or -1. */
static int card_init(struct on_card *k, uint32_t op, const struct acase_shape *sh,
		     uint32_t n_seqs, const uint32_t *pos, const uint32_t *n_tokens,
		     uint64_t seed)
{
	memset(k, 0, sizeof(*k));
	if (acase_make(&k->c, op, sh, n_seqs, pos, n_tokens, AC_NORMAL, 1.0, seed))
		return -1;
	if (fllm_bo_alloc(dev, k->c.mem_bytes, NULL, &k->bo) != FLLM_OK)
		return -1;
	k->base = fllm_bo_card_addr(k->bo);
	if (fllm_bo_write(k->bo, 0, k->c.mem, k->c.mem_bytes) != FLLM_OK ||
	    card_store_block(k) != FLLM_OK)
		return -1;
	return 0;
}

static void card_free(struct on_card *k)
{
	fllm_bo_free(k->bo);
	acase_free(&k->c);
}

/* fllm_cmdlist_attention in the form fllm_test_unit_cmd_run takes (bytes is always 192). */
static fllm_status record_attention(fllm_cmdlist *cl, fllm_bo *params, uint64_t offset,
				    uint32_t bytes)
{
	(void)bytes;
	return fllm_cmdlist_attention(cl, params, offset);
}

/* Record the command on the block at offset of the BO, submit, wait; *res its result. */
static fllm_status card_run_at(struct on_card *k, uint64_t offset, fllm_cmd_result *res)
{
	return fllm_test_unit_cmd_run(dev, record_attention, k->bo, offset,
				      sizeof(struct fllm_attention_params), res);
}

/* Read the BO back and compare it with ref; the first differing offset or UINT64_MAX. */
static uint64_t card_diff(struct on_card *k, const uint8_t *ref /* (mem_bytes) */)
{
	uint8_t *got = malloc(k->c.mem_bytes);	/* (mem_bytes) the BO */
	uint64_t at = 0;

	if (got && fllm_bo_read(k->bo, 0, got, k->c.mem_bytes) == FLLM_OK)
		at = acard_diff(&k->c, got, ref);
	free(got);
	return at;
}

/*
 * Run the case's current op on the card and with the golden model on the
 * host image; the BO must equal the image, the result the non-finite
 * count, the cycles the cycle model's (plus polling slack). 0 if so.
 */
static int card_step(struct on_card *k, const char *what)
{
	uint64_t model = fllm_attention_cycles(&k->c.p, k->c.mem), nf = 0, slack;
	uint8_t *before = malloc(k->c.mem_bytes);	/* (mem_bytes) image before the op */
	fllm_device_info info;
	fllm_cmd_result res;
	int bad = 0;

	CU_ASSERT_FATAL(before && fllm_device_info_get(dev, &info) == FLLM_OK);
	slack = (uint64_t)SLACK_US * info.clock_khz / 1000;
	memcpy(before, k->c.mem, k->c.mem_bytes);
	CU_ASSERT_FATAL(fllm_hls_attention_unit(k->c.mem, k->c.mem_bytes, k->c.p_addr,
						sizeof(k->c.p), &nf) == FLLM_CARD_OK);
	/* the op wrote something, so the comparison below means something */
	CU_ASSERT(memcmp(before, k->c.mem, k->c.mem_bytes) != 0);
	free(before);
	FLLM_ASSERT_STATUS(card_run_at(k, k->c.p_addr, &res), FLLM_OK);
	FLLM_ASSERT_EQ_U64(res.card_status, FLLM_CARD_OK);
	FLLM_ASSERT_EQ_U64(res.result, nf);
	if (on_rtl) {
		CU_ASSERT(res.cycles > 0);	/* the RTL's own count, not the model's */
	} else {
		CU_ASSERT(res.cycles >= model);
		CU_ASSERT(res.cycles <= model + slack);
	}
	fprintf(stderr, "  %s: model %" PRIu64 " cycles, completion %" PRIu64 "\n", what, model,
		res.cycles);
	if (card_diff(k, k->c.mem) != UINT64_MAX) {
		printf("  %s\n", what);
		bad = 1;
	}
	return bad;
}

/* Switch the case to op (F_QUANT records of group g when g != 0) on host and card. */
static void card_set_op(struct on_card *k, uint32_t op, uint32_t g)
{
	CU_ASSERT_FATAL(acase_set_op_quant(&k->c, op, g) == 0);
	CU_ASSERT_FATAL(card_store_block(k) == FLLM_OK);
}

/*
 * APPEND the new token of three sequences, then DECODE them (fp32 out,
 * then activation records): stories260K's attention shape (D 8, 8 heads, 4
 * kv heads) and a Llama-like head dim with GQA.
 */
static void test_append_decode(void)
{
	static const struct acase_shape shapes[] = {
		{ 8, 8, 4, 16 }, { 64, 8, 2, 32 }, { 128, 4, 4, 16 },
	};
	static const uint32_t pos[3] = { 0, 37, 100 }, ones[3] = { 1, 1, 1 };
	uint32_t bad = 0;

	for (uint32_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		struct on_card k;

		CU_ASSERT_FATAL(card_init(&k, FLLM_ATTN_OP_APPEND, &shapes[i], 3, pos, ones,
					  40 + i) == 0);
		bad += card_step(&k, "APPEND");
		card_set_op(&k, FLLM_ATTN_OP_DECODE, 0);
		bad += card_step(&k, "DECODE");
		card_set_op(&k, FLLM_ATTN_OP_DECODE, 32);
		bad += card_step(&k, "DECODE, F_QUANT g 32");
		card_free(&k);
	}
	FLLM_ASSERT_EQ_U64(bad, 0);
}

/* APPEND a chunk of 20 tokens at position 29, then PREFILL it (crosses blocks and tiles). */
static void test_prefill(void)
{
	static const struct acase_shape sh = { 16, 4, 2, 16 };
	static const uint32_t pos = 29, n = 20;
	struct on_card k;
	uint32_t bad = 0;

	CU_ASSERT_FATAL(card_init(&k, FLLM_ATTN_OP_APPEND, &sh, 1, &pos, &n, 77) == 0);
	bad += card_step(&k, "APPEND chunk");
	card_set_op(&k, FLLM_ATTN_OP_PREFILL, 0);
	bad += card_step(&k, "PREFILL");
	card_set_op(&k, FLLM_ATTN_OP_PREFILL, 64);
	bad += card_step(&k, "PREFILL, F_QUANT g 64");
	FLLM_ASSERT_EQ_U64(bad, 0);
	card_free(&k);
}

/* A broken block: FLLM_E_CARD with code after the reject cycles, the BO unchanged. */
static void expect_rejected(struct on_card *k, const struct fllm_attention_params *bad,
			    enum fllm_card_err code, const char *what)
{
	struct fllm_attention_params good = acard_params(&k->c, k->base);
	fllm_cmd_result res;

	CU_ASSERT_FATAL(fllm_bo_write(k->bo, k->c.p_addr, bad, sizeof(*bad)) == FLLM_OK);
	FLLM_ASSERT_STATUS(card_run_at(k, k->c.p_addr, &res), FLLM_E_CARD);
	if (res.card_status != code)
		printf("\n  %s: card status %u, want %u\n", what, res.card_status, code);
	FLLM_ASSERT_EQ_U64(res.card_status, code);
	CU_ASSERT(on_rtl || res.cycles >= FLLM_ATTN_REJECT_CYCLES);
	FLLM_ASSERT_EQ_U64(card_diff(k, k->c.mem), UINT64_MAX);
	CU_ASSERT_FATAL(fllm_bo_write(k->bo, k->c.p_addr, &good, sizeof(good)) == FLLM_OK);
}

/* Run one raw FLLM_OP_ATTENTION record (block at addr, bytes long); its completion. */
static fllm_status run_raw(uint64_t addr, uint64_t bytes, fllm_cmd_result *res)
{
	struct fllm_cmd c = { 0 };
	struct fllm_cmd_cu a = { 0 };
	fllm_cmdlist *cl;
	fllm_event *ev;
	fllm_status st;

	a.params = addr;
	a.params_bytes = bytes;
	c.opcode = FLLM_OP_ATTENTION;
	memcpy(c.arg, &a, sizeof(a));
	memset(res, 0, sizeof(*res));
	CU_ASSERT_FATAL(fllm_cmdlist_create(dev, &cl) == FLLM_OK);
	st = fllm_cmdlist_raw(cl, &c);
	if (!st)
		st = fllm_cmdlist_submit(cl, &ev);
	if (!st) {
		st = fllm_event_wait(ev, 30 * SEC);
		if (fllm_event_result(ev, 0, res) != FLLM_OK)
			st = st ? st : FLLM_E_STATE;
		fllm_event_free(ev);
	}
	fllm_cmdlist_free(cl);
	return st;
}

/*
 * Refused blocks (each breaks one field of a valid DECODE): the documented
 * code, nothing written; the wrong size and a misaligned block through raw
 * records; the recording checks; then the valid block still runs.
 */
static void test_errors(void)
{
	static const struct acase_shape sh = { 8, 8, 4, 16 };
	static const uint32_t pos[2] = { 5, 40 }, ones[2] = { 1, 1 };
	struct fllm_attention_params good, bad;
	struct fllm_attention_seq d;
	fllm_cmd_result res;
	fllm_cmdlist *cl;
	struct on_card k;

	CU_ASSERT_FATAL(card_init(&k, FLLM_ATTN_OP_DECODE, &sh, 2, pos, ones, 9) == 0);
	good = acard_params(&k.c, k.base);
	bad = good;
	bad.magic ^= 1;
	expect_rejected(&k, &bad, FLLM_CARD_ERR_PARAM, "magic");
	bad = good;
	bad.reserved[3] = 1;
	expect_rejected(&k, &bad, FLLM_CARD_ERR_FLAGS, "reserved");
	bad = good;
	bad.q_addr += 4;
	expect_rejected(&k, &bad, FLLM_CARD_ERR_ALIGN, "q_addr");
	bad = good;
	bad.out_addr = 1ull << 40;
	expect_rejected(&k, &bad, FLLM_CARD_ERR_ADDR, "out_addr");
	bad = good;
	bad.pool_blocks = 1u << 30;
	expect_rejected(&k, &bad, FLLM_CARD_ERR_ADDR, "pool_blocks");
	bad = good;
	bad.block_bytes += 64;
	expect_rejected(&k, &bad, FLLM_CARD_ERR_PARAM, "block_bytes");
	/* a descriptor's table outside card memory */
	d = k.c.seq[1];
	d.table_addr = 1ull << 40;
	CU_ASSERT_FATAL(fllm_bo_write(k.bo, k.c.p.seq_addr + 32, &d, sizeof(d)) == FLLM_OK);
	expect_rejected(&k, &good, FLLM_CARD_ERR_ADDR, "table_addr");
	CU_ASSERT_FATAL(card_store_block(&k) == FLLM_OK);
	/* the block's own size and placement, through raw records */
	FLLM_ASSERT_STATUS(run_raw(k.base + k.c.p_addr, 128, &res), FLLM_E_CARD);
	FLLM_ASSERT_EQ_U64(res.card_status, FLLM_CARD_ERR_SIZE);
	FLLM_ASSERT_STATUS(run_raw(k.base + k.c.p_addr + 32, sizeof(good), &res), FLLM_E_CARD);
	FLLM_ASSERT_EQ_U64(res.card_status, FLLM_CARD_ERR_ALIGN);
	FLLM_ASSERT_EQ_U64(card_diff(&k, k.c.mem), UINT64_MAX);
	/* checked at record time: out of the BO, misaligned */
	CU_ASSERT_FATAL(fllm_cmdlist_create(dev, &cl) == FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_attention(cl, k.bo, k.c.mem_bytes - 128),
			   FLLM_E_OUT_OF_RANGE);
	FLLM_ASSERT_STATUS(fllm_cmdlist_attention(cl, k.bo, k.c.p_addr + 8), FLLM_E_INVALID_ARG);
	fllm_cmdlist_free(cl);
	/* the card still computes */
	FLLM_ASSERT_EQ_U64(card_step(&k, "DECODE after the refused blocks"), 0);
	card_free(&k);
}

static int suite_open(void)
{
	return fllm_test_card_open(card_spec, &dev);
}

static int suite_close(void)
{
	return fllm_test_card_close(&dev);
}

static CU_TestInfo tests[] = {
	{ "APPEND then DECODE: card == golden model", test_append_decode },
	{ "APPEND then PREFILL chunk: card == golden model", test_prefill },
	{ "bad blocks: FLLM_E_CARD with the unit's code", test_errors },
	CU_TEST_INFO_NULL,
};

int fllm_test_register(void)
{
	const char *env = getenv("FLLM_ATTN_CARD");

	if (env && *env)
		card_spec = env;
	on_rtl = !strncmp(card_spec, "rtlsim", 6);
	if (on_rtl && fllm_rtl_unavailable()) {
		printf("SKIP: %s\n", fllm_rtl_unavailable());
		exit(77);
	}
	return fllm_test_add_suite("attention unit on the emulated card", suite_open,
				   suite_close, tests);
}
