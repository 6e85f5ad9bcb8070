/*
 * FLLM_OP_VECTOR through the emulated card (emu:0): libfllm records the
 * command with fllm_cmdlist_vector(), the firmware dispatches it to CU 2,
 * the card model runs the hls kernel on card memory. A random command's
 * image (tests/vector/vector_case.c) is uploaded to one buffer object with
 * its addresses relocated; after the run the buffer must equal the image a
 * direct call of the kernel produced, byte for byte. Bad blocks complete
 * with FLLM_E_CARD and the unit's code, write nothing, and leave the card
 * working.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fllm/fllm.h"
#include "fllm_vector.h"
#include "test_main.h"
#include "test_unit_cmd.h"
#include "vector_case.h"

#define SEC 1000000000ull

static fllm_device *dev;

/* A case on the card: one BO holding the whole image. */
struct on_card {
	struct vcase c;
	fllm_bo *bo;
	struct fllm_vector_params p;	/* c.p relocated to the BO's card address */
	uint8_t *want;			/* (mem_bytes) image after a direct kernel call */
	uint64_t want_nf;
};

/* Add base to every address the op uses. */
static void relocate(struct fllm_vector_params *p, uint64_t base)
{
	p->in_addr += base;
	p->out_addr += base;
	if (p->in2_stride)
		p->in2_addr += base;
	if (p->op == FLLM_VECTOR_OP_RMSNORM)
		p->weight_addr += base;
	if (p->op == FLLM_VECTOR_OP_ROPE)
		p->table_addr += base;
}

/* Build the case, its expected image, and upload it; 0 or -1. */
static int card_init(struct on_card *k, uint32_t op, uint32_t flags, uint32_t n, uint32_t rows,
		     enum vcase_dist d, uint64_t seed)
{
	memset(k, 0, sizeof(*k));
	if (vcase_make(&k->c, op, flags, n, rows, 32, n % 8 ? 2 : 8, d, (int)(seed % 3 == 0),
		       seed))
		return -1;
	k->want = malloc(k->c.mem_bytes);
	if (!k->want)
		return -1;
	memcpy(k->want, k->c.mem, k->c.mem_bytes);
	if (fllm_hls_vector_unit(k->want, k->c.mem_bytes, k->c.p_addr, sizeof(k->c.p),
				 &k->want_nf) != FLLM_CARD_OK)
		return -1;
	if (fllm_bo_alloc(dev, k->c.mem_bytes, NULL, &k->bo) != FLLM_OK)
		return -1;
	k->p = k->c.p;
	relocate(&k->p, fllm_bo_card_addr(k->bo));
	if (fllm_bo_write(k->bo, 0, k->c.mem, k->c.mem_bytes) != FLLM_OK ||
	    fllm_bo_write(k->bo, k->c.p_addr, &k->p, sizeof(k->p)) != FLLM_OK)
		return -1;
	return 0;
}

static void card_free(struct on_card *k)
{
	fllm_bo_free(k->bo);
	free(k->want);
	vcase_free(&k->c);
}

/* Record the command (bytes long block), submit, wait; *res gets its result. */
static fllm_status card_run(struct on_card *k, uint32_t bytes, fllm_cmd_result *res)
{
	return fllm_test_unit_cmd_run(dev, fllm_cmdlist_vector, k->bo, k->c.p_addr, bytes, res);
}

/*
 * Read the BO back and compare it with ref (the block itself excepted: the
 * card's copy holds relocated addresses). Returns the first differing
 * offset, or UINT64_MAX.
 */
static uint64_t card_diff(struct on_card *k, const uint8_t *ref /* (mem_bytes) */)
{
	uint8_t *got = malloc(k->c.mem_bytes);
	uint64_t at = UINT64_MAX;

	if (!got || fllm_bo_read(k->bo, 0, got, k->c.mem_bytes) != FLLM_OK) {
		free(got);
		return 0;
	}
	for (uint64_t i = 0; i < k->c.mem_bytes && at == UINT64_MAX; i++)
		if ((i < k->c.p_addr || i >= k->c.p_addr + sizeof(k->p)) && got[i] != ref[i])
			at = i;
	if (at != UINT64_MAX)
		printf("\n  byte %" PRIu64 ": card 0x%02x, direct call 0x%02x\n", at, got[at],
		       ref[at]);
	free(got);
	return at;
}

/* Every op at the stories260K sizes and more: card == direct call, result == count. */
static void test_agree(void)
{
	static const struct {
		uint32_t op, flags;
	} ops[] = {
		{ FLLM_VECTOR_OP_COPY, 0 }, { FLLM_VECTOR_OP_COPY, FLLM_VECTOR_F_QUANT },
		{ FLLM_VECTOR_OP_DEQUANT, 0 }, { FLLM_VECTOR_OP_RMSNORM, 0 },
		{ FLLM_VECTOR_OP_RMSNORM, FLLM_VECTOR_F_QUANT }, { FLLM_VECTOR_OP_ROPE, 0 },
		{ FLLM_VECTOR_OP_SILU_MUL, 0 }, { FLLM_VECTOR_OP_SILU_MUL, FLLM_VECTOR_F_QUANT },
		{ FLLM_VECTOR_OP_ADD, 0 },
	};
	static const uint32_t sizes[] = { 64, 172, 2, 4096 };
	uint32_t bad = 0, runs = 0;

	for (uint32_t o = 0; o < sizeof(ops) / sizeof(ops[0]); o++) {
		for (uint32_t s = 0; s < 4; s++) {
			enum vcase_dist d = s == 1 ? VC_SPECIAL : VC_NORMAL;
			uint64_t seed = 100 * o + s;
			struct on_card k;
			fllm_cmd_result res;

			CU_ASSERT_FATAL(card_init(&k, ops[o].op, ops[o].flags, sizes[s], 1 + s % 3,
						  d, seed) == 0);
			FLLM_ASSERT_STATUS(card_run(&k, sizeof(k.p), &res), FLLM_OK);
			FLLM_ASSERT_EQ_U64(res.card_status, FLLM_CARD_OK);
			FLLM_ASSERT_EQ_U64(res.result, k.want_nf);
			CU_ASSERT(res.cycles >= fllm_vector_cycles(&k.p));
			if (card_diff(&k, k.want) != UINT64_MAX) {
				printf("  op %u flags %u n %u\n", ops[o].op, ops[o].flags,
				       sizes[s]);
				bad++;
			}
			runs++;
			card_free(&k);
		}
	}
	FLLM_ASSERT_EQ_U64(bad, 0);
	FLLM_ASSERT_EQ_U64(runs, 36);
}

/* The special-value case really exercised the replacement count. */
static void test_nonfinite_counted(void)
{
	struct on_card k;
	fllm_cmd_result res;

	CU_ASSERT_FATAL(card_init(&k, FLLM_VECTOR_OP_ADD, 0, 256, 2, VC_SPECIAL, 11) == 0);
	CU_ASSERT(k.want_nf > 0);
	FLLM_ASSERT_STATUS(card_run(&k, sizeof(k.p), &res), FLLM_OK);
	FLLM_ASSERT_EQ_U64(res.result, k.want_nf);
	card_free(&k);
}

/* A broken block: FLLM_E_CARD with code, the BO unchanged; then the valid block works. */
static void expect_rejected(struct on_card *k, const struct fllm_vector_params *bad,
			    uint32_t bytes, enum fllm_card_err code, const char *what)
{
	fllm_cmd_result res;

	CU_ASSERT_FATAL(fllm_bo_write(k->bo, k->c.p_addr, bad, sizeof(*bad)) == FLLM_OK);
	FLLM_ASSERT_STATUS(card_run(k, bytes, &res), FLLM_E_CARD);
	if (res.card_status != code)
		printf("\n  %s: card status %u, want %u\n", what, res.card_status, code);
	FLLM_ASSERT_EQ_U64(res.card_status, code);
	/* nothing written: the BO still equals the uploaded image */
	FLLM_ASSERT_EQ_U64(card_diff(k, k->c.mem), UINT64_MAX);
	CU_ASSERT_FATAL(fllm_bo_write(k->bo, k->c.p_addr, &k->p, sizeof(k->p)) == FLLM_OK);
}

static void test_errors(void)
{
	struct on_card k;
	struct fllm_vector_params bad;
	fllm_cmd_result res;
	fllm_cmdlist *cl;

	CU_ASSERT_FATAL(card_init(&k, FLLM_VECTOR_OP_RMSNORM, FLLM_VECTOR_F_QUANT, 172, 2,
				  VC_NORMAL, 7) == 0);
	bad = k.p;
	bad.magic ^= 1;
	expect_rejected(&k, &bad, sizeof(bad), FLLM_CARD_ERR_PARAM, "magic");
	bad = k.p;
	bad.reserved[1] = 1;
	expect_rejected(&k, &bad, sizeof(bad), FLLM_CARD_ERR_FLAGS, "reserved");
	bad = k.p;
	bad.weight_addr += 8;
	expect_rejected(&k, &bad, sizeof(bad), FLLM_CARD_ERR_ALIGN, "weight_addr");
	bad = k.p;
	bad.in_addr = 1ull << 40;
	expect_rejected(&k, &bad, sizeof(bad), FLLM_CARD_ERR_ADDR, "in_addr");
	bad = k.p;
	bad.out_addr = bad.in_addr;
	bad.out_stride = bad.in_stride;
	expect_rejected(&k, &bad, sizeof(bad), FLLM_CARD_ERR_PARAM, "record over its input");
	expect_rejected(&k, &k.p, 64, FLLM_CARD_ERR_SIZE, "block 64 bytes");
	/* checked at record time: out of the BO, misaligned, too long */
	CU_ASSERT_FATAL(fllm_cmdlist_create(dev, &cl) == FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_vector(cl, k.bo, k.c.mem_bytes - 64, 128),
			   FLLM_E_OUT_OF_RANGE);
	FLLM_ASSERT_STATUS(fllm_cmdlist_vector(cl, k.bo, 8, 128), FLLM_E_INVALID_ARG);
	FLLM_ASSERT_STATUS(fllm_cmdlist_vector(cl, k.bo, 0, FLLM_CU_PARAMS_MAX + 64),
			   k.c.mem_bytes >= FLLM_CU_PARAMS_MAX + 64 ? FLLM_E_INVALID_ARG :
			   FLLM_E_OUT_OF_RANGE);
	fllm_cmdlist_free(cl);
	/* the card still computes */
	FLLM_ASSERT_STATUS(card_run(&k, sizeof(k.p), &res), FLLM_OK);
	FLLM_ASSERT_EQ_U64(card_diff(&k, k.want), UINT64_MAX);
	card_free(&k);
}

/* One list with a decoder layer's vector ops; each result equals its direct call. */
static void test_list(void)
{
	static const uint32_t ops[][3] = {
		{ FLLM_VECTOR_OP_RMSNORM, FLLM_VECTOR_F_QUANT, 64 },
		{ FLLM_VECTOR_OP_ROPE, 0, 64 },
		{ FLLM_VECTOR_OP_ROPE, 0, 32 },
		{ FLLM_VECTOR_OP_ADD, 0, 64 },
		{ FLLM_VECTOR_OP_SILU_MUL, FLLM_VECTOR_F_QUANT, 172 },
	};
	struct on_card k[5];
	fllm_cmdlist *cl;
	fllm_event *ev;
	fllm_cmd_result res;

	CU_ASSERT_FATAL(fllm_cmdlist_create(dev, &cl) == FLLM_OK);
	for (uint32_t i = 0; i < 5; i++) {
		CU_ASSERT_FATAL(card_init(&k[i], ops[i][0], ops[i][1], ops[i][2], 1, VC_NORMAL,
					  500 + i) == 0);
		FLLM_ASSERT_STATUS(fllm_cmdlist_vector(cl, k[i].bo, k[i].c.p_addr, 128), FLLM_OK);
	}
	FLLM_ASSERT_STATUS(fllm_cmdlist_submit(cl, &ev), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_event_wait(ev, 30 * SEC), FLLM_OK);
	for (uint32_t i = 0; i < 5; i++) {
		FLLM_ASSERT_STATUS(fllm_event_result(ev, i, &res), FLLM_OK);
		FLLM_ASSERT_EQ_U64(res.card_status, FLLM_CARD_OK);
		FLLM_ASSERT_EQ_U64(card_diff(&k[i], k[i].want), UINT64_MAX);
		card_free(&k[i]);
	}
	fllm_event_free(ev);
	fllm_cmdlist_free(cl);
}

static int suite_open(void)
{
	return fllm_test_card_open("emu:0", &dev);
}

static int suite_close(void)
{
	return fllm_test_card_close(&dev);
}

static CU_TestInfo tests[] = {
	{ "every op: card == direct kernel call", test_agree },
	{ "non-finite inputs counted in the result", test_nonfinite_counted },
	{ "bad blocks: FLLM_E_CARD with the unit's code", test_errors },
	{ "a layer's ops in one list", test_list },
	CU_TEST_INFO_NULL,
};

int fllm_test_register(void)
{
	return fllm_test_add_suite("vector unit on the emulated card", suite_open, suite_close,
				   tests);
}
