/* Device spec options: good specs parse, each kind of bad one is refused. */
#include <stdio.h>
#include <string.h>

#include "options.h"
#include "test_main.h"

enum { MEM, CH, N };

/* A fresh option table: mem (size, 1M..1T), channels (1..64). */
static void table(struct fllm_option o[N])
{
	o[MEM] = (struct fllm_option){ "mem", FLLM_OPT_SIZE, 1ull << 20, 1ull << 40, 0, 0 };
	o[CH] = (struct fllm_option){ "channels", FLLM_OPT_UINT, 1, 64, 0, 0 };
}

/* Parse spec into a fresh table o. */
static fllm_status parse_fresh(const char *spec, struct fllm_option o[N], uint64_t *index)
{
	table(o);
	return fllm_options_parse(spec, o, N, index);
}

/* The end of every test: no handle is still live. */
static void nothing_leaked(void)
{
	FLLM_ASSERT_EQ_U64(fllm_live_handles(), 0);
}

static void test_full_spec(void)
{
	struct fllm_option o[N];
	uint64_t index = 99;

	FLLM_ASSERT_STATUS(parse_fresh("3,mem=1G,channels=8", o, &index), FLLM_OK);
	FLLM_ASSERT_EQ_U64(index, 3);
	CU_ASSERT(o[MEM].present && o[CH].present);
	FLLM_ASSERT_EQ_U64(o[MEM].value, 1ull << 30);
	FLLM_ASSERT_EQ_U64(o[CH].value, 8);
}

static void test_empty_and_partial(void)
{
	struct fllm_option o[N];
	uint64_t index = 7;

	FLLM_ASSERT_STATUS(parse_fresh("", o, &index), FLLM_OK);
	FLLM_ASSERT_EQ_U64(index, 7);
	CU_ASSERT(!o[MEM].present && !o[CH].present);
	FLLM_ASSERT_STATUS(fllm_options_parse("channels=0x10", o, N, &index), FLLM_OK);
	FLLM_ASSERT_EQ_U64(o[CH].value, 16);
	CU_ASSERT(!o[MEM].present);
}

static void test_suffixes(void)
{
	static const struct {
		const char *text;
		uint64_t value;
	} ok[] = {
		{ "4096", 4096 }, { "1k", 1024 }, { "1K", 1024 }, { "3M", 3ull << 20 },
		{ "2g", 2ull << 30 }, { "1T", 1ull << 40 }, { "0x100", 256 },
	};
	uint64_t v;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		v = 0;
		FLLM_ASSERT_STATUS(fllm_options_number(ok[i].text, strlen(ok[i].text),
						       FLLM_OPT_SIZE, &v), FLLM_OK);
		FLLM_ASSERT_EQ_U64(v, ok[i].value);
	}
	/* a suffix is only for sizes */
	FLLM_ASSERT_STATUS(fllm_options_number("1K", 2, FLLM_OPT_UINT, &v), FLLM_E_INVALID_ARG);
}

/* Each bad spec differs from a valid one in one place. */
static void test_bad_specs(void)
{
	static const char *const bad[] = {
		"0,mem=1X",		/* bad suffix */
		"0,mem=1GB",		/* two-letter suffix */
		"0,mem=G",		/* no digits */
		"0,mem=",		/* empty value */
		"0,mem=-1G",		/* sign */
		"0,mem=1G,mem=2G",	/* repeated key */
		"0,memory=1G",		/* unknown key */
		"0,,mem=1G",		/* empty item */
		"0,mem=1G,",		/* trailing comma */
		"x,mem=1G",		/* bad index */
		"0,1,mem=1G",		/* index not first */
		"0,mem=512K",		/* below min */
		"0,mem=2T",		/* above max */
		"0,channels=65",	/* above max */
		"0,channels=0",		/* below min */
		"0,mem=99999999999999999999", /* overflow */
		"0,mem=17179869184T",	/* overflow by suffix */
		"0,mem=0x1G",		/* hex with suffix */
		"0,=1G",		/* empty key */
	};
	struct fllm_option o[N];
	uint64_t index;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		table(o);
		if (fllm_options_parse(bad[i], o, N, &index) != FLLM_E_INVALID_ARG)
			fprintf(stderr, "spec \"%s\" was accepted\n", bad[i]);
		FLLM_ASSERT_STATUS(fllm_options_parse(bad[i], o, N, &index), FLLM_E_INVALID_ARG);
	}
	/* the valid spec each was derived from */
	FLLM_ASSERT_STATUS(parse_fresh("0,mem=1G,channels=8", o, &index), FLLM_OK);
	/* an index where none is allowed */
	FLLM_ASSERT_STATUS(fllm_options_parse("0,mem=1G", o, N, NULL), FLLM_E_INVALID_ARG);
	FLLM_ASSERT_STATUS(fllm_options_parse("mem=1G", o, N, NULL), FLLM_OK);
}

static CU_TestInfo tests[] = {
	{ "full spec", test_full_spec },
	{ "empty and partial", test_empty_and_partial },
	{ "suffixes", test_suffixes },
	{ "bad specs", test_bad_specs },
	CU_TEST_INFO_NULL,
};

int fllm_test_register(void)
{
	return fllm_test_add_suite_each("options", NULL, NULL, tests, nothing_leaked);
}
