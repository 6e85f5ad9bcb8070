/*
 * The RTL units through the whole card command path: libfllm's rtlsim
 * backend (emu card model, firmware, rings, DMA) with fllm_cmdlist_fill,
 * _check and _lutgemm.
 * Outputs must equal the golden model's bit for bit, and a completion's
 * cycles must be the RTL's own count for that command (plus only the card
 * thread's polling delay): the same command on the harness directly, with
 * the same card addresses, gives the lower bound. The card's telemetry
 * counts what the RTL did: the unit's busy cycles, the bytes its ports
 * moved and the weight bytes they read.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fllm/fllm.h"
#include "fllm_lutgemm_unit.h"
#include "fllm_pattern.h"
#include "fllm_rtl.h"
#include "lg_card.h"
#include "rtl_tests.h"
#include "test_main.h"

#define RTL_CARD_SPEC	"rtlsim:0,mem=256M,channels=32"
#define SLACK_US	20000u	/* polling delay allowed on a loaded machine */

static fllm_device *dev;

static int card_open(void)
{
	return fllm_device_open(RTL_CARD_SPEC, &dev) != FLLM_OK;
}

static int card_close(void)
{
	fllm_device_close(dev);
	dev = NULL;
	return fllm_live_handles() != 0;
}

/* The golden model's outputs of c: (n_tokens, m) fp32. */
static float *golden(const struct lg_case *c)
{
	const struct fllm_lutgemm_params *p = &c->p;
	uint8_t *mem = malloc(c->mem_bytes);
	float *y = malloc(4ull * p->m * p->n_tokens);

	if (!mem || !y)
		goto err_free;
	memcpy(mem, c->mem, c->mem_bytes);
	if (fllm_hls_lutgemm_unit(mem, c->mem_bytes, 0, sizeof(*p)) != FLLM_CARD_OK)
		goto err_free;
	for (uint32_t n = 0; n < p->n_tokens; n++)
		memcpy(y + (uint64_t)n * p->m, mem + p->out_addr + n * p->out_stride, 4ull * p->m);
	free(mem);
	return y;

err_free:
	free(mem);
	free(y);
	return NULL;
}

/*
 * The RTL's stats for k's command on an image of the card memory with the
 * same addresses (records copied from the host case), the weight slices
 * watched as the rtlsim backend watches them. st->cycles = 0 on failure.
 */
static void harness_stats(const struct lg_card *k, uint64_t mem_size, struct fllm_rtl_stats *st)
{
	const struct lg_case *c = k->c;
	const struct fllm_lutgemm_params *p = &k->p;
	uint64_t params = fllm_bo_card_addr(k->params) + k->params_off;
	uint32_t act = fllm_lutgemm_act_bytes(p->k, p->group);
	uint64_t lo[FLLM_LUTGEMM_SLICES_MAX], hi[FLLM_LUTGEMM_SLICES_MAX];
	struct fllm_rtl_unit *u;
	uint8_t *img = calloc(1, mem_size);	/* (mem_size) sparse card image */
	uint64_t arg[FLLM_RTL_ARGS], result;
	uint16_t status = 1;
	int rc;

	memset(st, 0, sizeof(*st));
	if (!img)
		return;
	for (uint32_t s = 0; s < p->slices; s++) {
		lo[s] = p->slice_addr[s];
		hi[s] = lo[s] + ((p->m - 1 - s) / p->slices + 1) * (uint64_t)p->row_bytes;
	}
	memcpy(img + params, p, sizeof(*p));
	for (uint32_t n = 0; n < p->n_tokens; n++)
		memcpy(img + p->act_addr + n * p->act_stride, c->mem + lg_case_act(c, n), act);
	for (uint32_t r = 0; r < p->m; r++) {
		uint64_t at = p->slice_addr[r % p->slices] + (uint64_t)(r / p->slices) * p->row_bytes;

		memcpy(img + at, c->mem + lg_case_row(c, r), p->row_bytes);
	}
	rc = rtl_ref_unit(FLLM_CU_LUTGEMM, &u);
	fllm_rtl_cu_arg(arg, params, sizeof(*p));
	if (!rc)
		rc = fllm_rtl_unit_watch(u, p->slices, lo, hi);
	if (!rc)
		rc = fllm_rtl_unit_run(u, img, mem_size, arg, 100000000, &status, &result, st);
	fllm_rtl_unit_destroy(u);
	free(img);
	if (rc || status)
		st->cycles = 0;
}

/* Inventory index of the card's unit of type cu_type (asserts there is one). */
static uint32_t cu_slot(const fllm_device_info *info, uint32_t cu_type)
{
	for (uint32_t i = 0; i < info->cu_count && i < FLLM_CU_INFO_MAX; i++)
		if (FLLM_CU_INFO_TYPE(info->cu_info[i]) == cu_type)
			return i;
	CU_FAIL("no unit of the type");
	return 0;
}

/*
 * One shape through the card: outputs bit for bit, completion cycles = RTL
 * cycles; the LUT-GEMM unit's busy counter rises by exactly the RTL's own
 * cycle count and no other unit's moves; the card-memory counter by the
 * bytes the RTL's ports moved and the weight counter by the row records
 * they read (each row once per command).
 */
static void card_case(const struct lg_shape *s, uint64_t seed, uint32_t offsets)
{
	fllm_telemetry t0, t1;
	fllm_device_info info;
	fllm_cmd_result res;
	struct fllm_rtl_stats st;
	struct lg_card k;
	struct lg_case c;
	uint64_t rtl, slack;
	uint32_t lg;
	uint8_t *out;
	float *want;

	CU_ASSERT_FATAL(fllm_device_info_get(dev, &info) == FLLM_OK);
	CU_ASSERT_FATAL(lg_case_init_random(&c, s, seed, seed ^ 0x5eed) == 0);
	want = golden(&c);
	CU_ASSERT_FATAL(want != NULL);
	FLLM_ASSERT_STATUS(lg_card_init(&k, dev, &c, offsets), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_device_telemetry(dev, &t0), FLLM_OK);
	FLLM_ASSERT_STATUS(lg_card_run(&k, sizeof(k.p), &res), FLLM_OK);
	FLLM_ASSERT_STATUS(res.card_status, FLLM_CARD_OK);
	FLLM_ASSERT_STATUS(fllm_device_telemetry(dev, &t1), FLLM_OK);
	out = malloc(k.out_len);
	CU_ASSERT_FATAL(out != NULL);
	FLLM_ASSERT_STATUS(lg_card_read_out(&k, out), FLLM_OK);
	FLLM_ASSERT_EQ_U64(lg_card_compare(&k.p, out, want, 1, "rtlsim"), 0);
	harness_stats(&k, info.mem_size, &st);
	rtl = st.cycles;
	slack = (uint64_t)SLACK_US * info.clock_khz / 1000;
	fprintf(stderr, "  M=%u K=%u q=%u N=%u slices=%u: RTL %" PRIu64 " cycles, completion %"
		PRIu64 ", hls model %" PRIu64 "; weight bytes %" PRIu64 " (records %" PRIu64
		"), memory bytes %" PRIu64 "\n", s->m, s->k, s->q, s->n, s->slices, rtl,
		res.cycles, fllm_lutgemm_cycles(&k.p), t1.weight_bytes - t0.weight_bytes,
		(uint64_t)k.p.m * k.p.row_bytes, t1.mem_bytes - t0.mem_bytes);
	CU_ASSERT(rtl != 0);
	CU_ASSERT(res.cycles >= rtl);
	CU_ASSERT(res.cycles <= rtl + slack);
	lg = cu_slot(&info, FLLM_CU_LUTGEMM);
	FLLM_ASSERT_EQ_U64(t1.cu_busy_count, info.cu_count);
	for (uint32_t i = 0; i < info.cu_count && i < FLLM_CU_INFO_MAX; i++)
		FLLM_ASSERT_EQ_U64(t1.cu_busy_cycles[i] - t0.cu_busy_cycles[i], i == lg ? rtl : 0);
	FLLM_ASSERT_EQ_U64(t1.mem_bytes - t0.mem_bytes,
			   st.read_bytes + st.write_bytes + st.ctl_bytes);
	FLLM_ASSERT_EQ_U64(t1.weight_bytes - t0.weight_bytes, st.watch_read_bytes);
	/* each row once when one K-block (32 / N groups of table slots) covers K;
	 * with more, the RTL reads a row's scale entries again for each block */
	if (fllm_lutgemm_groups(k.p.k, k.p.group) <= 32u / k.p.n_tokens)
		FLLM_ASSERT_EQ_U64(t1.weight_bytes - t0.weight_bytes,
				   (uint64_t)k.p.m * k.p.row_bytes);
	else
		CU_ASSERT(t1.weight_bytes - t0.weight_bytes > (uint64_t)k.p.m * k.p.row_bytes);
	free(out);
	free(want);
	lg_card_free(&k);
	lg_case_free(&c);
}

/* rtlsim:0 is listed, openable, and has the LUT-GEMM unit. */
static void test_card_listed(void)
{
	fllm_device_desc d[8];
	fllm_device_info info;
	size_t n = 0;
	int found = 0, lutgemm = 0;

	FLLM_ASSERT_STATUS(fllm_device_list(d, 8, &n), FLLM_OK);
	for (size_t i = 0; i < n && i < 8; i++)
		if (!strcmp(d[i].name, "rtlsim:0"))
			found = d[i].openable;
	CU_ASSERT(found);
	FLLM_ASSERT_STATUS(fllm_device_info_get(dev, &info), FLLM_OK);
	for (uint32_t i = 0; i < info.cu_count && i < FLLM_CU_INFO_MAX; i++)
		lutgemm |= FLLM_CU_INFO_TYPE(info.cu_info[i]) == FLLM_CU_LUTGEMM;
	CU_ASSERT(lutgemm);
}

static void test_card_shapes(void)
{
	static const struct lg_shape shapes[] = {
		{ 1, 172, 32, 4, 1, 1, 1 },
		{ 300, 4096, 128, 4, 1, 1, 32 },
		{ 130, 172, 16, 3, 0, 16, 5 },
		{ 70, 9000, 128, 3, 1, 2, 8 },
	};

	for (uint32_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++)
		card_case(&shapes[i], 600 + i, i % 2);
}

/* A block the RTL rejects completes with its code through the card, and writes nothing. */
static void test_card_rejected(void)
{
	struct lg_shape s = { 20, 300, 32, 3, 1, 2, 3 };
	fllm_cmd_result res;
	struct lg_card k;
	struct lg_case c;
	uint8_t *out;
	uint64_t rng = 3, changed = 0;

	CU_ASSERT_FATAL(lg_case_init(&c, &s, 77) == 0);
	lg_case_randomize(&c, &rng);
	FLLM_ASSERT_STATUS(lg_card_init(&k, dev, &c, 0), FLLM_OK);
	k.p.reserved0 = 1;
	FLLM_ASSERT_STATUS(lg_card_store_params(&k), FLLM_OK);
	FLLM_ASSERT_STATUS(lg_card_run(&k, sizeof(k.p), &res), FLLM_E_CARD);
	FLLM_ASSERT_STATUS(res.card_status, FLLM_CARD_ERR_FLAGS);
	out = malloc(k.out_len);
	CU_ASSERT_FATAL(out != NULL);
	FLLM_ASSERT_STATUS(lg_card_read_out(&k, out), FLLM_OK);
	for (uint64_t i = 0; i < k.out_len; i++)
		changed += out[i] != LG_SENTINEL;
	FLLM_ASSERT_EQ_U64(changed, 0);
	free(out);
	lg_card_free(&k);
	lg_case_free(&c);
}

/* Submit cl, wait, and fetch the results of its first two commands. */
static void run_two(fllm_cmdlist *cl, fllm_cmd_result *r0, fllm_cmd_result *r1)
{
	fllm_event *ev = NULL;

	FLLM_ASSERT_STATUS(fllm_cmdlist_submit(cl, &ev), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_event_wait(ev, 60000000000ull), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_event_result(ev, 0, r0), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_event_result(ev, 1, r1), FLLM_OK);
	fllm_event_free(ev);
	fllm_cmdlist_reset(cl);
}

/*
 * The test unit on the card is the RTL one: FILL writes the pattern, CHECK
 * counts a word broken by DMA, and a FILL's completion takes at least the
 * RTL's channel-paced 1.35 cycles per beat, where the hls cycle model would
 * report 64 + 1 per beat (plus the same polling delay, 0.1-0.3 ms here,
 * against the 0.3 ms that separate the two on 16 MiB).
 */
static void test_card_test_unit(void)
{
	const uint64_t size = 16u << 20, off = 8, len = size - 16, beats = size / 64;
	fllm_cmd_result fill, check;
	fllm_device_info info;
	fllm_telemetry t0, t1;
	uint32_t tu;
	fllm_cmdlist *cl;
	uint64_t *back, bad = 0, word;
	fllm_bo *bo;

	FLLM_ASSERT_STATUS(fllm_bo_alloc(dev, size, NULL, &bo), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_create(dev, &cl), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_fill(cl, bo, off, len, FLLM_PATTERN_PRNG, 42), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_check(cl, bo, off, len, FLLM_PATTERN_PRNG, 42), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_device_info_get(dev, &info), FLLM_OK);
	tu = cu_slot(&info, FLLM_CU_TEST);
	FLLM_ASSERT_STATUS(fllm_device_telemetry(dev, &t0), FLLM_OK);
	run_two(cl, &fill, &check);
	FLLM_ASSERT_STATUS(fllm_device_telemetry(dev, &t1), FLLM_OK);
	FLLM_ASSERT_EQ_U64(check.result, 0);
	/* the RTL's own counts: busy within the completions, FILL writes len
	 * bytes (strobed), CHECK reads every beat of the range once */
	fprintf(stderr, "  FILL + CHECK: test unit busy %" PRIu64 " cycles, completions %" PRIu64
		"; memory bytes %" PRIu64 "\n", t1.cu_busy_cycles[tu] - t0.cu_busy_cycles[tu],
		fill.cycles + check.cycles, t1.mem_bytes - t0.mem_bytes);
	CU_ASSERT(t1.cu_busy_cycles[tu] - t0.cu_busy_cycles[tu] <= fill.cycles + check.cycles);
	CU_ASSERT(t1.cu_busy_cycles[tu] - t0.cu_busy_cycles[tu] >= 2 * beats * 13 / 10);
	for (uint32_t i = 0; i < info.cu_count && i < FLLM_CU_INFO_MAX; i++)
		if (i != tu)
			FLLM_ASSERT_EQ_U64(t1.cu_busy_cycles[i], t0.cu_busy_cycles[i]);
	FLLM_ASSERT_EQ_U64(t1.mem_bytes - t0.mem_bytes, len + size);
	fprintf(stderr, "  FILL of 16 MiB: %" PRIu64 " cycles (%.2f per beat)\n", fill.cycles,
		(double)fill.cycles / (double)beats);
	/* a completion is never early: the RTL's count is a lower bound */
	CU_ASSERT(fill.cycles >= beats * 13 / 10);
	back = malloc(len);
	CU_ASSERT_FATAL(back != NULL);
	FLLM_ASSERT_STATUS(fllm_bo_read(bo, off, back, len), FLLM_OK);
	for (uint64_t i = 0; i < len / 8; i++)
		bad += back[i] != fllm_pattern_word(FLLM_PAT_PRNG, 42, i,
						    fllm_bo_card_addr(bo) + off + 8 * i);
	FLLM_ASSERT_EQ_U64(bad, 0);
	/* one broken word: CHECK finds it; another seed differs everywhere */
	word = ~back[1000];
	FLLM_ASSERT_STATUS(fllm_bo_write(bo, off + 8000, &word, 8), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_check(cl, bo, off, len, FLLM_PATTERN_PRNG, 42), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_check(cl, bo, 0, 8000, FLLM_PATTERN_PRNG, 43), FLLM_OK);
	run_two(cl, &check, &fill);
	FLLM_ASSERT_EQ_U64(check.result, 1);
	CU_ASSERT(fill.result >= 999);
	free(back);
	fllm_cmdlist_free(cl);
	fllm_bo_free(bo);
}

static CU_TestInfo rtl_card_tests[] = {
	{ "test unit: FILL and CHECK on the RTL", test_card_test_unit },
	{ "rtlsim:0 listed, with a LUT-GEMM unit", test_card_listed },
	{ "shapes: golden outputs, RTL cycles in completions", test_card_shapes },
	{ "rejected block: unit's code, nothing written", test_card_rejected },
	CU_TEST_INFO_NULL,
};

int fllm_test_register(void)
{
	rtl_skip_unless_built();
	return fllm_test_add_suite("rtlsim card", card_open, card_close, rtl_card_tests);
}
