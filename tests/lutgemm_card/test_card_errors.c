/*
 * Rejected LUT-GEMM commands through the card: each test starts from a
 * valid command, breaks one thing, and expects the error where it belongs
 * (record time in libfllm, the firmware's generic compute-unit checks, or
 * the unit's parameter check), with the outputs untouched; the card then
 * still computes correctly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fllm_lutgemm_unit.h"
#include "lg_card.h"
#include "lg_card_tests.h"
#include "test_main.h"

static const struct lg_shape shape = { 20, 172, 32, 3, 1, 2, 4 };

/* A valid uploaded command and the outputs it must produce. */
struct fixture {
	struct lg_case c;
	struct lg_card k;
	struct fllm_lutgemm_params valid;	/* k.p as uploaded */
	float *want;				/* (N, M) hls kernel outputs */
	uint8_t *out;				/* (out_len) read back */
};

static void fixture_init(struct fixture *f)
{
	const struct fllm_lutgemm_params *p;
	uint8_t *mem;
	uint64_t rng = 3;

	memset(f, 0, sizeof(*f));
	CU_ASSERT_FATAL(lg_case_init(&f->c, &shape, 1234) == 0);
	lg_case_randomize(&f->c, &rng);
	p = &f->c.p;
	mem = malloc(f->c.mem_bytes);
	f->want = malloc((uint64_t)p->n_tokens * p->m * sizeof(float));
	CU_ASSERT_FATAL(mem && f->want);
	memcpy(mem, f->c.mem, f->c.mem_bytes);
	CU_ASSERT_FATAL(fllm_hls_lutgemm_unit(mem, f->c.mem_bytes, 0, sizeof(*p)) == FLLM_CARD_OK);
	for (uint32_t n = 0; n < p->n_tokens; n++)
		memcpy(f->want + (uint64_t)n * p->m, mem + p->out_addr + n * p->out_stride,
		       4ull * p->m);
	free(mem);
	CU_ASSERT_FATAL(lg_card_init(&f->k, lg_dev, &f->c, 1) == FLLM_OK);
	f->valid = f->k.p;
	f->out = malloc(f->k.out_len);
	CU_ASSERT_FATAL(f->out != NULL);
}

static void fixture_fini(struct fixture *f)
{
	free(f->out);
	free(f->want);
	lg_card_free(&f->k);
	lg_case_free(&f->c);
}

/* Every output byte still holds the sentinel. */
static void expect_outputs_untouched(struct fixture *f, const char *what)
{
	FLLM_ASSERT_STATUS(lg_card_read_out(&f->k, f->out), FLLM_OK);
	for (uint64_t i = 0; i < f->k.out_len; i++) {
		if (f->out[i] != LG_SENTINEL) {
			fprintf(stderr, "  %s: output byte %llu is 0x%02x, want 0x%02x\n", what,
				(unsigned long long)i, f->out[i], LG_SENTINEL);
			CU_FAIL("a rejected command wrote outputs");
			return;
		}
	}
}

/* The valid block runs and gives the kernel's outputs; the outputs are reset after. */
static void expect_valid_works(struct fixture *f, const char *after)
{
	fllm_cmd_result res;

	f->k.p = f->valid;
	FLLM_ASSERT_STATUS(lg_card_store_params(&f->k), FLLM_OK);
	FLLM_ASSERT_STATUS(lg_card_run(&f->k, sizeof(f->k.p), &res), FLLM_OK);
	FLLM_ASSERT_STATUS(res.card_status, FLLM_CARD_OK);
	FLLM_ASSERT_STATUS(lg_card_read_out(&f->k, f->out), FLLM_OK);
	CU_ASSERT(lg_card_compare(&f->k.p, f->out, f->want, 1, after) == 0);
	FLLM_ASSERT_STATUS(lg_card_fill_out(&f->k), FLLM_OK);
}

/* Upload the broken block, run it with `bytes`, expect the unit's error. */
static void expect_card_error(struct fixture *f, uint32_t bytes, uint16_t want,
			      const char *what)
{
	fllm_cmd_result res;

	FLLM_ASSERT_STATUS(lg_card_store_params(&f->k), FLLM_OK);
	FLLM_ASSERT_STATUS(lg_card_run(&f->k, bytes, &res), FLLM_E_CARD);
	if (res.card_status != want)
		fprintf(stderr, "  %s\n", what);
	FLLM_ASSERT_STATUS(res.card_status, want);
	CU_ASSERT(res.cycles >= FLLM_LUTGEMM_REJECT_CYCLES);
	expect_outputs_untouched(f, what);
	expect_valid_works(f, what);
}

#define BREAK(name, want, stmt)                                                           \
	static void test_##name(void)                                                     \
	{                                                                                 \
		struct fixture f;                                                         \
		struct fllm_lutgemm_params *p = &f.k.p;                                   \
		uint32_t bytes = sizeof(*p);                                              \
                                                                                          \
		fixture_init(&f);                                                         \
		expect_valid_works(&f, "before " #name);                                  \
		(void)p;                                                                  \
		stmt;                                                                     \
		expect_card_error(&f, bytes, want, #name);                                \
		fixture_fini(&f);                                                         \
	}

/* Card memory size of lg_dev. */
static uint64_t card_mem_size(void)
{
	fllm_device_info info;

	CU_ASSERT_FATAL(fllm_device_info_get(lg_dev, &info) == FLLM_OK);
	return info.mem_size;
}

BREAK(magic, FLLM_CARD_ERR_PARAM, p->magic ^= 1)
BREAK(version, FLLM_CARD_ERR_PARAM, p->version = 2)
BREAK(unknown_flag, FLLM_CARD_ERR_FLAGS, p->flags |= 0x80)
BREAK(m_zero, FLLM_CARD_ERR_PARAM, p->m = 0)
BREAK(group_48, FLLM_CARD_ERR_PARAM, p->group = 48)
BREAK(act_misaligned, FLLM_CARD_ERR_ALIGN, p->act_addr += 8)
BREAK(act_stride_small, FLLM_CARD_ERR_SIZE,
      p->act_stride = fllm_lutgemm_act_bytes(p->k, p->group) - 64)
BREAK(slice_outside, FLLM_CARD_ERR_ADDR, p->slice_addr[1] = card_mem_size() - 64)
BREAK(out_on_slice, FLLM_CARD_ERR_PARAM, p->out_addr = p->slice_addr[2])
BREAK(out_on_block, FLLM_CARD_ERR_PARAM,
      p->out_addr = fllm_bo_card_addr(f.k.params) + f.k.params_off)
BREAK(block_short, FLLM_CARD_ERR_SIZE, bytes = sizeof(*p) - 64)

/*
 * Raw records the firmware rejects before the unit sees them: its generic
 * compute-unit checks (reserved words, block alignment, size, range).
 */
static void test_firmware_checks(void)
{
	static const struct {
		uint64_t params_delta, bytes, reserved;
		uint16_t want;
		const char *what;
	} cases[] = {
		{ 32, 384, 0, FLLM_CARD_ERR_ALIGN, "block misaligned" },
		{ 0, 0, 0, FLLM_CARD_ERR_SIZE, "zero bytes" },
		{ 0, FLLM_CU_PARAMS_MAX + 1, 0, FLLM_CARD_ERR_SIZE, "above FLLM_CU_PARAMS_MAX" },
		{ 0, 384, 1, FLLM_CARD_ERR_FLAGS, "reserved word set" },
		{ 1ull << 40, 384, 0, FLLM_CARD_ERR_ADDR, "block outside card memory" },
	};
	struct fixture f;

	fixture_init(&f);
	for (uint32_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fllm_cmd cmd = { .opcode = FLLM_OP_LUTGEMM };
		struct fllm_cmd_cu a = { 0 };
		fllm_cmd_result res;

		a.params = fllm_bo_card_addr(f.k.params) + f.k.params_off + cases[i].params_delta;
		a.params_bytes = cases[i].bytes;
		a.reserved[2] = cases[i].reserved;
		memcpy(cmd.arg, &a, sizeof(a));
		lg_card_raw_expect(&cmd, FLLM_E_CARD, &res);
		if (res.card_status != cases[i].want)
			fprintf(stderr, "  %s\n", cases[i].what);
		FLLM_ASSERT_STATUS(res.card_status, cases[i].want);
		expect_outputs_untouched(&f, cases[i].what);
		expect_valid_works(&f, cases[i].what);
	}
	fixture_fini(&f);
}

/* fllm_cmdlist_lutgemm's own checks: nothing is recorded on a bad call. */
static void test_record_checks(void)
{
	fllm_device *dev2;
	fllm_cmdlist *cl;
	fllm_bo *bo, *other;

	FLLM_ASSERT_STATUS(fllm_bo_alloc(lg_dev, 8192, NULL, &bo), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_create(lg_dev, &cl), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_lutgemm(cl, bo, 64, 384), FLLM_OK);
	FLLM_ASSERT_EQ_U64(fllm_cmdlist_count(cl), 1);
	FLLM_ASSERT_STATUS(fllm_cmdlist_lutgemm(cl, bo, 8192 - 320, 384), FLLM_E_OUT_OF_RANGE);
	FLLM_ASSERT_STATUS(fllm_cmdlist_lutgemm(cl, bo, UINT64_MAX - 63, 384),
			   FLLM_E_OUT_OF_RANGE);
	FLLM_ASSERT_STATUS(fllm_cmdlist_lutgemm(cl, bo, 64, 0), FLLM_E_INVALID_ARG);
	FLLM_ASSERT_STATUS(fllm_cmdlist_lutgemm(cl, bo, 0, FLLM_CU_PARAMS_MAX + 1),
			   FLLM_E_INVALID_ARG);
	FLLM_ASSERT_STATUS(fllm_cmdlist_lutgemm(cl, bo, 32, 384), FLLM_E_INVALID_ARG);
	FLLM_ASSERT_EQ_U64(fllm_cmdlist_count(cl), 1);
	/* a BO of another device */
	CU_ASSERT_FATAL(fllm_device_open(LG_CARD_SPEC, &dev2) == FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_bo_alloc(dev2, 4096, NULL, &other), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_lutgemm(cl, other, 0, 384), FLLM_E_INVALID_ARG);
	FLLM_ASSERT_EQ_U64(fllm_cmdlist_count(cl), 1);
	fllm_bo_free(other);
	fllm_device_close(dev2);
	fllm_cmdlist_free(cl);
	fllm_bo_free(bo);
}

CU_TestInfo lg_card_error_tests[] = {
	{ "bad magic", test_magic },
	{ "bad version", test_version },
	{ "unknown flag", test_unknown_flag },
	{ "m = 0", test_m_zero },
	{ "g = 48", test_group_48 },
	{ "activations misaligned", test_act_misaligned },
	{ "activation stride too small", test_act_stride_small },
	{ "slice outside card memory", test_slice_outside },
	{ "outputs over a slice", test_out_on_slice },
	{ "outputs over the block", test_out_on_block },
	{ "block bytes short", test_block_short },
	{ "firmware compute-unit checks", test_firmware_checks },
	{ "record-time checks", test_record_checks },
	CU_TEST_INFO_NULL,
};
