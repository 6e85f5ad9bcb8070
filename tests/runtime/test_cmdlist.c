/* Command lists and events on the emulated card: every opcode, errors, queueing. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fllm/fllm.h"
#include "fllm_card.h"
#include "fllm_pattern.h"
#include "test_main.h"

#define EMU_SPEC "emu:0,mem=1G,channels=8"
#define SEC 1000000000ull

/* The device under test: $FLLM_TEST_DEVICE (e.g. "kmd:0" in the VM rig), else
 * the emulated card. Tests of emu-only names and options keep using emu. */
static const char *test_device(void)
{
	const char *d = getenv("FLLM_TEST_DEVICE");

	return d && *d ? d : EMU_SPEC;
}

static fllm_device *dev;
static fllm_device_info info;

static int setup(void)
{
	if (fllm_device_open(test_device(), &dev) != FLLM_OK)
		return 1;
	return fllm_device_info_get(dev, &info) != FLLM_OK;
}

static int teardown(void)
{
	fllm_device_close(dev);
	dev = NULL;
	return fllm_live_handles() != 0;
}

/* Cycles of the card's kernel clock in us microseconds. */
static uint64_t us_cycles(uint64_t us)
{
	return us * info.clock_khz / 1000;
}

/* A 4 KiB BO and an empty list on the suite's device. */
static void new_bo_and_list(fllm_bo **bo, fllm_cmdlist **cl)
{
	FLLM_ASSERT_STATUS(fllm_bo_alloc(dev, 4096, NULL, bo), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_create(dev, cl), FLLM_OK);
}

/* Submit cl and wait until it has finished; its event, for the results. */
static fllm_event *submit_wait(fllm_cmdlist *cl)
{
	fllm_event *ev = NULL;

	FLLM_ASSERT_STATUS(fllm_cmdlist_submit(cl, &ev), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_event_wait(ev, 10 * SEC), FLLM_OK);
	return ev;
}

/* The result word of ev's command i. */
static uint64_t result_word(fllm_event *ev, uint32_t i)
{
	fllm_cmd_result r = { 0 };

	FLLM_ASSERT_STATUS(fllm_event_result(ev, i, &r), FLLM_OK);
	return r.result;
}

/* Proof the device still works: fill and check a small BO. */
static void assert_device_works(void)
{
	fllm_cmdlist *cl;
	fllm_event *ev;
	fllm_bo *bo;

	new_bo_and_list(&bo, &cl);
	FLLM_ASSERT_STATUS(fllm_cmdlist_fill(cl, bo, 0, 4096, FLLM_PATTERN_PRNG, 42), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_check(cl, bo, 0, 4096, FLLM_PATTERN_PRNG, 42), FLLM_OK);
	ev = submit_wait(cl);
	FLLM_ASSERT_EQ_U64(result_word(ev, 1), 0);
	fllm_event_free(ev);
	fllm_cmdlist_free(cl);
	fllm_bo_free(bo);
}

/* The end of every test: only the suite's own device is still open. */
static void nothing_leaked(void)
{
	FLLM_ASSERT_EQ_U64(fllm_live_handles(), 1);
}

static void test_nop_fence(void)
{
	fllm_cmdlist *cl;
	fllm_event *ev;
	fllm_cmd_result r;

	FLLM_ASSERT_STATUS(fllm_cmdlist_create(dev, &cl), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_submit(cl, &ev), FLLM_E_INVALID_ARG);	/* empty */
	FLLM_ASSERT_STATUS(fllm_cmdlist_nop(cl), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_fence(cl), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_nop(cl), FLLM_OK);
	FLLM_ASSERT_EQ_U64(fllm_cmdlist_count(cl), 3);
	FLLM_ASSERT_STATUS(fllm_cmdlist_submit(cl, &ev), FLLM_OK);
	FLLM_ASSERT_EQ_U64(fllm_event_count(ev), 3);
	FLLM_ASSERT_STATUS(fllm_event_wait(ev, 10 * SEC), FLLM_OK);
	for (uint32_t i = 0; i < 3; i++) {
		FLLM_ASSERT_STATUS(fllm_event_result(ev, i, &r), FLLM_OK);
		FLLM_ASSERT_EQ_U64(r.card_status, FLLM_CARD_OK);
	}
	FLLM_ASSERT_STATUS(fllm_event_result(ev, 3, &r), FLLM_E_INVALID_ARG);
	FLLM_ASSERT_STATUS(fllm_event_wait(ev, 0), FLLM_OK);	/* again: same answer */
	fllm_event_free(ev);
	fllm_cmdlist_reset(cl);
	FLLM_ASSERT_EQ_U64(fllm_cmdlist_count(cl), 0);
	fllm_cmdlist_free(cl);
	fllm_cmdlist_free(NULL);
	fllm_event_free(NULL);
}

/* Timestamps around a spin of known length increase by at least that much. */
static void test_timestamps(void)
{
	uint64_t t[3], spin = us_cycles(200);
	fllm_cmdlist *cl;
	fllm_bo *bo;

	FLLM_ASSERT_STATUS(fllm_bo_alloc(dev, 64, NULL, &bo), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_create(dev, &cl), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_timestamp(cl, bo, 0), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_spin(cl, spin, 0), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_timestamp(cl, bo, 8), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_nop(cl), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_timestamp(cl, bo, 16), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_submit(cl, NULL), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_bo_read(bo, 0, t, sizeof(t)), FLLM_OK);
	CU_ASSERT(t[1] >= t[0] + spin);
	CU_ASSERT(t[2] > t[1]);
	/* bad: misaligned, past the end, zero-size BO range */
	FLLM_ASSERT_STATUS(fllm_cmdlist_timestamp(cl, bo, 4), FLLM_E_INVALID_ARG);
	FLLM_ASSERT_STATUS(fllm_cmdlist_timestamp(cl, bo, 64), FLLM_E_OUT_OF_RANGE);
	FLLM_ASSERT_STATUS(fllm_cmdlist_timestamp(cl, bo, 60), FLLM_E_OUT_OF_RANGE);
	FLLM_ASSERT_EQ_U64(fllm_cmdlist_count(cl), 5);
	fllm_cmdlist_free(cl);
	fllm_bo_free(bo);
	assert_device_works();
}

/* Fill on the card, verify on the host with the golden pattern, copy, check. */
static void test_fill_copy_check(void)
{
	static const fllm_pattern pats[] = { FLLM_PATTERN_CONST, FLLM_PATTERN_WALKING_ONES,
					     FLLM_PATTERN_ADDRESS, FLLM_PATTERN_PRNG };
	const uint64_t len = 1 << 20, off = 4096;
	uint64_t *host = malloc(len), bad = 0;
	fllm_bo *a, *b;
	fllm_cmdlist *cl;
	fllm_event *ev;

	CU_ASSERT_PTR_NOT_NULL_FATAL(host);
	FLLM_ASSERT_STATUS(fllm_bo_alloc(dev, len + off, NULL, &a), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_bo_alloc(dev, len, NULL, &b), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_create(dev, &cl), FLLM_OK);
	for (size_t p = 0; p < 4; p++) {
		uint64_t seed = 0x1234 + p, base = fllm_bo_card_addr(a) + off;

		fllm_cmdlist_reset(cl);
		FLLM_ASSERT_STATUS(fllm_cmdlist_fill(cl, a, off, len, pats[p], seed), FLLM_OK);
		FLLM_ASSERT_STATUS(fllm_cmdlist_copy(cl, b, 0, a, off, len), FLLM_OK);
		FLLM_ASSERT_STATUS(fllm_cmdlist_check(cl, a, off, len, pats[p], seed), FLLM_OK);
		FLLM_ASSERT_STATUS(fllm_cmdlist_check(cl, a, off, len, pats[p], seed + 1), FLLM_OK);
		ev = submit_wait(cl);
		FLLM_ASSERT_EQ_U64(result_word(ev, 2), 0);
		CU_ASSERT(result_word(ev, 3) > 0);	/* another seed differs somewhere */
		fllm_event_free(ev);
		FLLM_ASSERT_STATUS(fllm_bo_read(a, off, host, len), FLLM_OK);
		bad = 0;
		for (uint64_t i = 0; i < len / 8; i++)
			bad += host[i] != fllm_pattern_word(pats[p], seed, i, base + 8 * i);
		FLLM_ASSERT_EQ_U64(bad, 0);
		/* the copy holds the same words */
		memset(host, 0, len);
		FLLM_ASSERT_STATUS(fllm_bo_read(b, 0, host, len), FLLM_OK);
		bad = 0;
		for (uint64_t i = 0; i < len / 8; i++)
			bad += host[i] != fllm_pattern_word(pats[p], seed, i, base + 8 * i);
		FLLM_ASSERT_EQ_U64(bad, 0);
	}
	fllm_cmdlist_free(cl);
	fllm_bo_free(a);
	fllm_bo_free(b);
	free(host);
}

/* Corrupt k words behind the card's back: CHECK counts exactly k. */
static void test_check_mismatch_count(void)
{
	const uint64_t words[] = { 0, 17, 511 };
	uint64_t junk = 0xdeadbeefcafef00dull;
	fllm_cmdlist *cl;
	fllm_event *ev;
	fllm_bo *bo;

	new_bo_and_list(&bo, &cl);
	FLLM_ASSERT_STATUS(fllm_cmdlist_fill(cl, bo, 0, 4096, FLLM_PATTERN_ADDRESS, 9), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_submit(cl, NULL), FLLM_OK);
	for (size_t i = 0; i < 3; i++)
		FLLM_ASSERT_STATUS(fllm_bo_write(bo, 8 * words[i], &junk, 8), FLLM_OK);
	fllm_cmdlist_reset(cl);
	FLLM_ASSERT_STATUS(fllm_cmdlist_check(cl, bo, 0, 4096, FLLM_PATTERN_ADDRESS, 9), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_check(cl, bo, 8, 8 * 16, FLLM_PATTERN_ADDRESS, 9),
			   FLLM_OK);
	ev = submit_wait(cl);
	FLLM_ASSERT_EQ_U64(result_word(ev, 0), 3);
	FLLM_ASSERT_EQ_U64(result_word(ev, 1), 0);	/* words 1..16 untouched */
	fllm_event_free(ev);
	fllm_cmdlist_free(cl);
	fllm_bo_free(bo);
}

/* Bad recordings: each breaks one thing of a valid fill/copy. */
static void test_record_bad(void)
{
	fllm_device *other;
	fllm_bo *bo, *foreign;
	fllm_cmdlist *cl;

	FLLM_ASSERT_STATUS(fllm_device_open("emu:0,mem=64M,channels=2", &other), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_bo_alloc(other, 4096, NULL, &foreign), FLLM_OK);
	new_bo_and_list(&bo, &cl);
	FLLM_ASSERT_STATUS(fllm_cmdlist_fill(cl, bo, 8, 64, FLLM_PATTERN_CONST, 1), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_fill(cl, bo, 4, 64, FLLM_PATTERN_CONST, 1),
			   FLLM_E_INVALID_ARG);
	FLLM_ASSERT_STATUS(fllm_cmdlist_fill(cl, bo, 8, 60, FLLM_PATTERN_CONST, 1),
			   FLLM_E_INVALID_ARG);
	FLLM_ASSERT_STATUS(fllm_cmdlist_fill(cl, bo, 8, 0, FLLM_PATTERN_CONST, 1),
			   FLLM_E_INVALID_ARG);
	FLLM_ASSERT_STATUS(fllm_cmdlist_fill(cl, bo, 4096, 64, FLLM_PATTERN_CONST, 1),
			   FLLM_E_OUT_OF_RANGE);
	FLLM_ASSERT_STATUS(fllm_cmdlist_fill(cl, bo, 8, 64, (fllm_pattern)4, 1),
			   FLLM_E_INVALID_ARG);
	FLLM_ASSERT_STATUS(fllm_cmdlist_fill(cl, foreign, 8, 64, FLLM_PATTERN_CONST, 1),
			   FLLM_E_INVALID_ARG);
	FLLM_ASSERT_STATUS(fllm_cmdlist_check(cl, bo, 0, 4104, FLLM_PATTERN_CONST, 1),
			   FLLM_E_OUT_OF_RANGE);
	FLLM_ASSERT_STATUS(fllm_cmdlist_copy(cl, bo, 0, bo, 2048, 2048), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_copy(cl, bo, 0, bo, 2049, 2048), FLLM_E_OUT_OF_RANGE);
	FLLM_ASSERT_STATUS(fllm_cmdlist_copy(cl, bo, 2049, bo, 0, 2048), FLLM_E_OUT_OF_RANGE);
	FLLM_ASSERT_STATUS(fllm_cmdlist_copy(cl, bo, 0, bo, 2048, 0), FLLM_E_INVALID_ARG);
	FLLM_ASSERT_STATUS(fllm_cmdlist_copy(cl, bo, 0, foreign, 0, 2048), FLLM_E_INVALID_ARG);
	FLLM_ASSERT_EQ_U64(fllm_cmdlist_count(cl), 2);	/* only the good ones */
	FLLM_ASSERT_STATUS(fllm_cmdlist_submit(cl, NULL), FLLM_OK);
	/* a full list refuses more */
	fllm_cmdlist_reset(cl);
	for (int i = 0; i < FLLM_CMDLIST_MAX; i++)
		FLLM_ASSERT_STATUS(fllm_cmdlist_nop(cl), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_nop(cl), FLLM_E_INVALID_ARG);
	FLLM_ASSERT_STATUS(fllm_cmdlist_submit(cl, NULL), FLLM_OK);
	fllm_cmdlist_free(cl);
	fllm_bo_free(bo);
	fllm_bo_free(foreign);
	fllm_device_close(other);
	assert_device_works();
}

/* A spin that never ends is stopped by the watchdog; the card carries on. */
static void test_watchdog(void)
{
	fllm_telemetry a, b;
	fllm_cmdlist *cl;
	fllm_event *ev;
	fllm_cmd_result r;

	FLLM_ASSERT_STATUS(fllm_device_telemetry(dev, &a), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_create(dev, &cl), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_spin(cl, UINT64_MAX, 20000), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_nop(cl), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_submit(cl, &ev), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_event_wait(ev, 10 * SEC), FLLM_E_WATCHDOG);
	FLLM_ASSERT_STATUS(fllm_event_result(ev, 0, &r), FLLM_OK);
	FLLM_ASSERT_EQ_U64(r.card_status, FLLM_CARD_ERR_WATCHDOG);
	FLLM_ASSERT_STATUS(fllm_event_result(ev, 1, &r), FLLM_OK);
	FLLM_ASSERT_EQ_U64(r.card_status, FLLM_CARD_OK);
	fllm_event_free(ev);
	fllm_cmdlist_free(cl);
	FLLM_ASSERT_STATUS(fllm_device_telemetry(dev, &b), FLLM_OK);
	FLLM_ASSERT_EQ_U64(b.watchdog_resets, a.watchdog_resets + 1);
	assert_device_works();
}

/* A new list holding one spin of us microseconds. */
static fllm_cmdlist *spin_list(uint64_t us)
{
	fllm_cmdlist *cl = NULL;

	FLLM_ASSERT_STATUS(fllm_cmdlist_create(dev, &cl), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_spin(cl, us_cycles(us), 0), FLLM_OK);
	return cl;
}

/* Submit one raw record; return the event status and the record's card status. */
static fllm_status run_raw(const struct fllm_cmd *c, uint16_t *card_status)
{
	fllm_cmd_result r = { 0 };
	fllm_cmdlist *cl;
	fllm_event *ev;
	fllm_status st;

	FLLM_ASSERT_STATUS(fllm_cmdlist_create(dev, &cl), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_raw(cl, c), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_submit(cl, &ev), FLLM_OK);
	st = fllm_event_wait(ev, 10 * SEC);
	FLLM_ASSERT_STATUS(fllm_event_result(ev, 0, &r), FLLM_OK);
	*card_status = r.card_status;
	fllm_event_free(ev);
	fllm_cmdlist_free(cl);
	return st;
}

/* Run record c and expect the card to refuse it with card status want; the
 * device still works afterwards. */
static void expect_card_error(const struct fllm_cmd *c, uint16_t want)
{
	uint16_t cs;

	FLLM_ASSERT_STATUS(run_raw(c, &cs), FLLM_E_CARD);
	FLLM_ASSERT_EQ_U64(cs, want);
	assert_device_works();
}

/* Malformed records, each one field away from a valid TIMESTAMP. */
static void test_raw_malformed(void)
{
	struct fllm_cmd good = { .opcode = FLLM_OP_TIMESTAMP }, c;
	uint16_t cs;
	fllm_bo *bo;

	FLLM_ASSERT_STATUS(fllm_bo_alloc(dev, 64, NULL, &bo), FLLM_OK);
	good.arg[0] = fllm_bo_card_addr(bo);
	FLLM_ASSERT_STATUS(run_raw(&good, &cs), FLLM_OK);
	FLLM_ASSERT_EQ_U64(cs, FLLM_CARD_OK);

	c = good;
	c.opcode = 0x7f;
	expect_card_error(&c, FLLM_CARD_ERR_OPCODE);

	c = good;
	c.arg[0] = info.mem_size;
	expect_card_error(&c, FLLM_CARD_ERR_ADDR);

	c = good;
	c.reserved = 1;
	expect_card_error(&c, FLLM_CARD_ERR_FLAGS);

	c = good;
	c.arg[0] += 4;
	expect_card_error(&c, FLLM_CARD_ERR_ALIGN);
	fllm_bo_free(bo);
}

/* A short wait times out while the card is busy; a longer one succeeds. */
static void test_wait_timeout(void)
{
	fllm_cmdlist *cl;
	fllm_event *ev;

	cl = spin_list(100000);
	FLLM_ASSERT_STATUS(fllm_cmdlist_submit(cl, &ev), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_event_wait(ev, 0), FLLM_E_TIMEOUT);
	FLLM_ASSERT_STATUS(fllm_event_wait(ev, 1000000), FLLM_E_TIMEOUT);
	{
		fllm_cmd_result r;

		FLLM_ASSERT_STATUS(fllm_event_result(ev, 0, &r), FLLM_E_STATE);
	}
	FLLM_ASSERT_STATUS(fllm_event_wait(ev, 10 * SEC), FLLM_OK);
	fllm_event_free(ev);
	fllm_cmdlist_free(cl);
}

/* While a spin holds the card, lists pile up until the ring is full. */
static void test_ring_overflow(void)
{
	fllm_event *ev[8] = { NULL };
	fllm_cmdlist *spin, *nops;
	int n = 0;
	fllm_status st = FLLM_OK;

	spin = spin_list(200000);
	FLLM_ASSERT_STATUS(fllm_cmdlist_create(dev, &nops), FLLM_OK);
	for (int i = 0; i < 1000; i++)
		FLLM_ASSERT_STATUS(fllm_cmdlist_nop(nops), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_submit(spin, &ev[n++]), FLLM_OK);
	while (n < 8) {
		st = fllm_cmdlist_submit(nops, &ev[n]);
		if (st)
			break;
		n++;
	}
	FLLM_ASSERT_STATUS(st, FLLM_E_BUSY);
	CU_ASSERT(n >= 2 && (uint64_t)(n - 1) * 1000 + 1000 + 1 > info.ring_entries - 1);
	for (int i = 0; i < n; i++) {
		FLLM_ASSERT_STATUS(fllm_event_wait(ev[i], 10 * SEC), FLLM_OK);
		fllm_event_free(ev[i]);
	}
	/* the ring drained: the same list fits again */
	FLLM_ASSERT_STATUS(fllm_cmdlist_submit(nops, NULL), FLLM_OK);
	fllm_cmdlist_free(spin);
	fllm_cmdlist_free(nops);
}

/* An event freed mid-flight: its completions are dropped, later work is fine. */
static void test_free_unfinished_event(void)
{
	fllm_cmdlist *cl;
	fllm_event *ev;

	cl = spin_list(30000);
	FLLM_ASSERT_STATUS(fllm_cmdlist_nop(cl), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_submit(cl, &ev), FLLM_OK);
	fllm_event_free(ev);
	FLLM_ASSERT_EQ_U64(fllm_live_handles(), 2);
	fllm_cmdlist_free(cl);
	assert_device_works();
}

/* Reset while a command hangs: it completes aborted, the card works after. */
static void test_reset_in_flight(void)
{
	fllm_cmdlist *cl;
	fllm_event *ev, *orphan;
	fllm_cmd_result r;

	FLLM_ASSERT_STATUS(fllm_cmdlist_create(dev, &cl), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_spin(cl, UINT64_MAX, 5000000), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_nop(cl), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_submit(cl, &ev), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_submit(cl, &orphan), FLLM_OK);
	fllm_event_free(orphan);
	FLLM_ASSERT_STATUS(fllm_event_wait(ev, 1000000), FLLM_E_TIMEOUT);
	FLLM_ASSERT_STATUS(fllm_device_reset(dev), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_event_wait(ev, 10 * SEC), FLLM_E_CARD);
	for (uint32_t i = 0; i < 2; i++) {
		FLLM_ASSERT_STATUS(fllm_event_result(ev, i, &r), FLLM_OK);
		FLLM_ASSERT_EQ_U64(r.card_status, FLLM_CARD_ERR_ABORTED);
	}
	fllm_event_free(ev);
	fllm_cmdlist_free(cl);
	assert_device_works();
}

#define THREAD_ROUNDS 40

/* One submitting thread: fill and check its own BO, round after round. */
static void *submit_thread(void *arg)
{
	uintptr_t id = (uintptr_t)arg, failures = 0;
	fllm_cmd_result r;
	fllm_cmdlist *cl;
	fllm_event *ev;
	fllm_bo *bo;

	if (fllm_bo_alloc(dev, 64 << 10, NULL, &bo))
		return (void *)1;
	if (fllm_cmdlist_create(dev, &cl)) {
		fllm_bo_free(bo);
		return (void *)1;
	}
	for (uint64_t i = 0; i < THREAD_ROUNDS; i++) {
		uint64_t seed = id << 32 | i;

		fllm_cmdlist_reset(cl);
		failures += fllm_cmdlist_fill(cl, bo, 0, 64 << 10, FLLM_PATTERN_PRNG, seed) != 0;
		failures += fllm_cmdlist_check(cl, bo, 0, 64 << 10, FLLM_PATTERN_PRNG, seed) != 0;
		if (fllm_cmdlist_submit(cl, &ev)) {
			failures++;
			continue;
		}
		failures += fllm_event_wait(ev, 10 * SEC) != FLLM_OK;
		failures += fllm_event_result(ev, 1, &r) != FLLM_OK || r.result != 0;
		fllm_event_free(ev);
	}
	fllm_cmdlist_free(cl);
	fllm_bo_free(bo);
	return (void *)failures;
}

static void test_two_threads(void)
{
	pthread_t t[2];
	void *ret[2];

	for (uintptr_t i = 0; i < 2; i++)
		CU_ASSERT_EQUAL_FATAL(pthread_create(&t[i], NULL, submit_thread, (void *)(i + 1)),
				      0);
	for (int i = 0; i < 2; i++) {
		pthread_join(t[i], &ret[i]);
		FLLM_ASSERT_EQ_U64((uintptr_t)ret[i], 0);
	}
	assert_device_works();
}

static CU_TestInfo tests[] = {
	{ "nop fence", test_nop_fence },
	{ "timestamps", test_timestamps },
	{ "fill copy check", test_fill_copy_check },
	{ "check mismatch count", test_check_mismatch_count },
	{ "record bad", test_record_bad },
	{ "watchdog", test_watchdog },
	{ "raw malformed", test_raw_malformed },
	{ "wait timeout", test_wait_timeout },
	{ "ring overflow", test_ring_overflow },
	{ "free unfinished event", test_free_unfinished_event },
	{ "reset in flight", test_reset_in_flight },
	{ "two threads", test_two_threads },
	CU_TEST_INFO_NULL,
};

int fllm_test_register(void)
{
	return fllm_test_add_suite_each("cmdlist", setup, teardown, tests, nothing_leaked);
}
