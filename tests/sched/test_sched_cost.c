/*
 * The cost model (runtime/engine/sched/cost.c): the reference card's
 * figures follow the card model's cycle models; a written file reads back
 * equal to the last bit; a table of malformed files (each one line broken
 * in one way) is refused with the line and the key named; the default
 * path follows XDG_CACHE_HOME, then HOME.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cost.h"
#include "fllm_attention.h"
#include "fllm_card_lutgemm.h"
#include "test_main.h"

static void test_reference(void)
{
	struct sched_cost c4, c8, bad;

	FLLM_ASSERT_STATUS(sched_cost_reference(0, 0, &c4), FLLM_OK);
	FLLM_ASSERT_EQ_U64(c4.bits, 4);
	FLLM_ASSERT_EQ_U64(c4.group, 32);
	FLLM_ASSERT_STATUS(sched_cost_reference(8, 128, &c8), FLLM_OK);
	/*
	 * The LUT-GEMM unit's ports take 32 x 64 B x 300 MHz = 614 GB/s, more
	 * than the 32 HBM channels' 460 GB/s: at one token it is channel bound,
	 * whatever q; eight tokens share the stream but need eight times the
	 * lookups, so the cycle model bounds them (below 8 x 460 GB/s).
	 */
	CU_ASSERT_DOUBLE_EQUAL(c4.card_lutgemm, 460e9, 1.0);
	CU_ASSERT_DOUBLE_EQUAL(c8.card_lutgemm, 460e9, 1.0);
	CU_ASSERT(c4.card_lutgemm_batch > c4.card_lutgemm &&
		  c4.card_lutgemm_batch < 8 * 460e9);
	CU_ASSERT_DOUBLE_EQUAL(c4.card_attention, FLLM_ATTN_MACS * 300e6 / 2, 1.0);
	FLLM_ASSERT_EQ_U64(c4.card_memory, 8ull << 30);
	FLLM_ASSERT_STATUS(sched_cost_reference(9, 32, &bad), FLLM_E_INVALID_ARG);
	FLLM_ASSERT_STATUS(sched_cost_reference(4, 48, &bad), FLLM_E_INVALID_ARG);
}

static void test_round_trip(void)
{
	char path[] = "/tmp/fllm-cost-XXXXXX", err[256];
	struct sched_cost c, r;
	int fd = mkstemp(path);

	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	FLLM_ASSERT_STATUS(sched_cost_reference(3, 64, &c), FLLM_OK);
	memset(c.device, 0, sizeof(c.device));
	snprintf(c.device, sizeof(c.device), "emu:1");
	c.host_lutgemm = 1.0 / 3.0 * 1e9;	/* needs every digit */
	c.dma_latency = 0.0;
	FLLM_ASSERT_STATUS(sched_cost_write(&c, path, err, sizeof(err)), FLLM_OK);
	FLLM_ASSERT_STATUS(sched_cost_read(path, &r, err, sizeof(err)), FLLM_OK);
	CU_ASSERT_STRING_EQUAL(r.device, "emu:1");
	CU_ASSERT(memcmp(&c, &r, sizeof(c)) == 0);
	unlink(path);
	FLLM_ASSERT_STATUS(sched_cost_read(path, &r, err, sizeof(err)), FLLM_E_IO);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, path));
	FLLM_ASSERT_STATUS(sched_cost_write(&c, "/nonexistent-dir/x.txt", err, sizeof(err)),
			   FLLM_E_IO);
}

/* The text of a valid file with line `line` (1-based) replaced by repl (NULL: dropped). */
static size_t valid_with(char *buf, size_t cap, uint32_t line, const char *repl)
{
	static const char *const lines[] = {
		"# a cost file",
		"device = emu:0",
		"bits = 4 planes",
		"group = 32 weights",
		"host_lutgemm = 6e9 B/s",
		"host_lutgemm_batch = 2e10 B/s",
		"host_vector = 1e9 elem/s",
		"host_attention = 2e9 elem/s   # trailing comment",
		"card_lutgemm = 6e11 B/s",
		"card_lutgemm_batch = 6e11 B/s",
		"card_vector = 4.8e9 elem/s",
		"card_attention = 3.84e10 elem/s",
		"card_command = 1e-6 s",
		"dma_bandwidth = 1.2e10 B/s",
		"dma_latency = 2e-6 s",
		"card_memory = 8589934592 B",
		"host_command = 1.5e-6 s",
	};
	size_t n = 0;

	for (uint32_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		const char *l = i + 1 == line ? repl : lines[i];

		if (l)
			n += (size_t)snprintf(buf + n, cap - n, "%s\n", l);
	}
	return n;
}

static void test_malformed(void)
{
	static const struct {
		uint32_t line;
		const char *text;	/* NULL: the line is dropped */
		const char *msg;	/* expected in the error */
	} bad[] = {
		{ 5, "host_lutgemm = -6e9 B/s", "line 5: host_lutgemm: negative" },
		{ 5, "host_lutgemm = nan B/s", "line 5: host_lutgemm: not finite" },
		{ 5, "host_lutgemm = inf B/s", "line 5: host_lutgemm: not finite" },
		{ 5, "host_lutgemm = 0 B/s", "line 5: host_lutgemm: zero" },
		{ 5, "host_lutgemm = 6e9", "line 5: host_lutgemm: missing or wrong unit" },
		{ 5, "host_lutgemm = 6e9 GB/s", "line 5: host_lutgemm: missing or wrong unit" },
		{ 5, "host_lutgemm = fast B/s", "line 5: host_lutgemm: not a number" },
		{ 5, "host_lutgemm = 6e9x B/s", "line 5: host_lutgemm: not a number" },
		{ 5, "host_lutgemm =", "line 5: host_lutgemm: no value" },
		{ 5, "host_lutgemm 6e9 B/s", "line 5: not 'key = value'" },
		{ 5, "host_lutgem = 6e9 B/s", "line 5: unknown key 'host_lutgem'" },
		{ 5, "bits = 4 planes", "line 5: bits: repeated (first on line 3)" },
		{ 5, NULL, "missing key host_lutgemm" },
		{ 3, "bits = 9 planes", "line 3: bits: out of range" },
		{ 3, "bits = 0 planes", "line 3: bits: out of range" },
		{ 3, "bits = -4 planes", "line 3: bits: negative" },
		{ 3, "bits = 4.5 planes", "line 3: bits: not a number" },
		{ 4, "group = 48 weights", "line 4: group: out of range" },
		{ 13, "card_command = 5 s", "line 13: card_command: more than 1 s" },
		{ 15, "dma_latency = -0 s", NULL },	/* -0 is not negative */
		{ 16, "card_memory = 1000 B", "line 16: card_memory: less than 1 MiB" },
		{ 16, "card_memory = 99999999999999999999999 B", "line 16: card_memory: out of range" },
		{ 16, "card_memory = 8G", "line 16: card_memory: not a number" },
		{ 2, "device = emu 0", "line 2: device: device name with a space" },
		{ 2, "device =", "line 2: device: no value" },
		{ 17, "host_command = 2 s", "line 17: host_command: more than 1 s" },
		{ 17, NULL, "missing key host_command" },
	};
	char buf[2048], err[256];
	struct sched_cost c;
	size_t n;

	n = valid_with(buf, sizeof(buf), 0, NULL);
	FLLM_ASSERT_STATUS(sched_cost_parse(buf, n, &c, err, sizeof(err)), FLLM_OK);
	CU_ASSERT_DOUBLE_EQUAL(c.host_attention, 2e9, 0);
	FLLM_ASSERT_EQ_U64(c.card_memory, 8589934592ull);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fllm_status st;

		n = valid_with(buf, sizeof(buf), bad[i].line, bad[i].text);
		err[0] = 0;
		st = sched_cost_parse(buf, n, &c, err, sizeof(err));
		if (!bad[i].msg) {
			FLLM_ASSERT_STATUS(st, FLLM_OK);
			continue;
		}
		FLLM_ASSERT_STATUS(st, FLLM_E_FORMAT);
		if (!strstr(err, bad[i].msg))
			printf("\ncase %zu: error '%s', expected '%s'\n", i, err, bad[i].msg);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, bad[i].msg));
	}
	/* a NUL byte and an overlong line */
	n = valid_with(buf, sizeof(buf), 0, NULL);
	buf[20] = 0;
	FLLM_ASSERT_STATUS(sched_cost_parse(buf, n, &c, err, sizeof(err)), FLLM_E_FORMAT);
	memset(buf, 'a', 400);
	FLLM_ASSERT_STATUS(sched_cost_parse(buf, 400, &c, err, sizeof(err)), FLLM_E_FORMAT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "line 1: longer than"));
	FLLM_ASSERT_STATUS(sched_cost_parse("", 0, &c, err, sizeof(err)), FLLM_E_FORMAT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "missing key device"));
}

static void test_default_path(void)
{
	char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	char sx[512], sh[512], buf[256];

	snprintf(sx, sizeof(sx), "%s", xdg ? xdg : "");
	snprintf(sh, sizeof(sh), "%s", home ? home : "");
	setenv("XDG_CACHE_HOME", "/x/cache", 1);
	FLLM_ASSERT_STATUS(sched_cost_default_path("emu:0", buf, sizeof(buf)), FLLM_OK);
	CU_ASSERT_STRING_EQUAL(buf, "/x/cache/fllm/cost-emu:0.txt");
	unsetenv("XDG_CACHE_HOME");
	setenv("HOME", "/h", 1);
	FLLM_ASSERT_STATUS(sched_cost_default_path("pci:00/1", buf, sizeof(buf)), FLLM_OK);
	CU_ASSERT_STRING_EQUAL(buf, "/h/.cache/fllm/cost-pci:00_1.txt");
	unsetenv("HOME");
	FLLM_ASSERT_STATUS(sched_cost_default_path("emu:0", buf, sizeof(buf)), FLLM_E_INVALID_ARG);
	setenv("HOME", "/h", 1);
	FLLM_ASSERT_STATUS(sched_cost_default_path("emu:0", buf, 8), FLLM_E_INVALID_ARG);
	if (xdg)
		setenv("XDG_CACHE_HOME", sx, 1);
	if (home)
		setenv("HOME", sh, 1);
	else
		unsetenv("HOME");
}

static CU_TestInfo cost_tests[] = {
	{ "reference_card", test_reference },
	{ "file_round_trip", test_round_trip },
	{ "malformed_files", test_malformed },
	{ "default_path", test_default_path },
	CU_TEST_INFO_NULL,
};

int fllm_test_register(void)
{
	return fllm_test_add_suite("sched_cost", NULL, NULL, cost_tests);
}
