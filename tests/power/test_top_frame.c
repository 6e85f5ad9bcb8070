/*
 * fllm top's frame (tools/fllm/top/top_frame.c) from made-up telemetry
 * samples: one line per compute unit whose bar and percentage are the
 * unit's busy-cycle delta over the kernel-clock delta; "-" before there are
 * two samples or across a reset; the old one-line inventory on a card
 * without busy counters (interface 1.0).
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <string.h>

#include "fllm_card.h"
#include "test_main.h"
#include "top/top.h"

/* A four-unit card as the card model has it, and a sample of it named device. */
static void card_sample(fllm_device_info *in, struct top_sample *s, const char *device)
{
	memset(s, 0, sizeof(*s));
	s->device = device;
	s->info = in;
	s->interval_ms = 1000;
	s->dt = 1.0;
	memset(in, 0, sizeof(*in));
	snprintf(in->backend, sizeof(in->backend), "emu");
	in->clock_khz = 300000;
	in->mem_size = 1ull << 30;
	in->mem_channels = 32;
	in->mem_chan_mbps = 14375;
	in->cu_count = 4;
	in->cu_info[0] = FLLM_CU_INFO_MAKE(FLLM_CU_TEST, 1);
	in->cu_info[1] = FLLM_CU_INFO_MAKE(FLLM_CU_LUTGEMM, 1);
	in->cu_info[2] = FLLM_CU_INFO_MAKE(FLLM_CU_VECTOR, 1);
	in->cu_info[3] = FLLM_CU_INFO_MAKE(FLLM_CU_ATTENTION, 1);
}

/* The frame's line that starts with prefix, or NULL (printed). */
static const char *find_line(const struct top_frame *f, const char *prefix)
{
	for (int i = 0; i < f->n; i++)
		if (!strncmp(f->line[i], prefix, strlen(prefix)))
			return f->line[i];
	fprintf(stderr, "  no line starting \"%s\"\n", prefix);
	return NULL;
}

/* Bar cells filled ('#') in a line. */
static int filled(const char *line)
{
	int n = 0;

	for (; *line; line++)
		n += *line == '#';
	return n;
}

/* 1 million kernel cycles between the samples; each unit busy a known share. */
static void test_units_share(void)
{
	static const uint64_t busy[4] = { 0, 250000, 1000000, 5 };	/* of 1e6 cycles */
	static const char *const want[4] = { "  0.0% busy", " 25.0% busy", "100.0% busy",
					     "  0.0% busy" };
	static const char *const name[4] = { "cu0  test", "cu1  lutgemm", "cu2  vector",
					     "cu3  attention" };
	struct top_sample s;
	fllm_device_info in;
	struct top_frame f;
	const char *l;

	card_sample(&in, &s, "emu:0");
	s.simulated = 1;
	s.prev.cycles = 7000000;
	s.now.cycles = 8000000;
	s.prev.cu_busy_count = s.now.cu_busy_count = 4;
	for (int i = 0; i < 4; i++) {
		s.prev.cu_busy_cycles[i] = 100 * (uint64_t)i;
		s.now.cu_busy_cycles[i] = 100 * (uint64_t)i + busy[i];
	}
	top_frame_build(&f, &s, 100);
	for (int i = 0; i < 4; i++) {
		l = find_line(&f, name[i]);

		CU_ASSERT_FATAL(l != NULL);
		if (!strstr(l, want[i]))
			fprintf(stderr, "  got \"%s\", want \"%s\"\n", l, want[i]);
		CU_ASSERT(strstr(l, want[i]) != NULL);
		/* a 50-cell bar at width 100 */
		FLLM_ASSERT_EQ_U64(filled(l), busy[i] * 50 / 1000000);
	}
	CU_ASSERT(find_line(&f, "units ") == NULL);

	/* the first frame has no interval yet; a reset between samples neither */
	s.dt = 0;
	top_frame_build(&f, &s, 100);
	l = find_line(&f, "cu1  lutgemm");
	CU_ASSERT_FATAL(l != NULL);
	CU_ASSERT(strstr(l, "     - busy") != NULL);
	s.dt = 1.0;
	s.now.reset_count = 1;
	top_frame_build(&f, &s, 100);
	l = find_line(&f, "cu2  vector");
	CU_ASSERT_FATAL(l != NULL);
	CU_ASSERT(strstr(l, "     - busy") != NULL);
}

/* A 1.0 card (no busy counters): the inventory on one line and why. */
static void test_units_old_card(void)
{
	struct top_sample s;
	fllm_device_info in;
	struct top_frame f;
	const char *l;

	card_sample(&in, &s, "kmd:0");
	top_frame_build(&f, &s, 100);
	l = find_line(&f, "units ");
	CU_ASSERT_FATAL(l != NULL);
	CU_ASSERT(strstr(l, "cu0 test, cu1 lutgemm, cu2 vector, cu3 attention") != NULL);
	CU_ASSERT(find_line(&f, "cu0 ") == NULL);
}

int fllm_test_register(void)
{
	static CU_TestInfo tests[] = {
		{ "per-unit bars from busy-cycle deltas", test_units_share },
		{ "card without busy counters", test_units_old_card },
		CU_TEST_INFO_NULL,
	};

	return fllm_test_add_suite("top_frame", NULL, NULL, tests);
}
