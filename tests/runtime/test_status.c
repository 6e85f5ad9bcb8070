/* fllm_status_str: a distinct text for every status, a fallback for others. */
#include <string.h>

#include "fllm/fllm.h"
#include "test_main.h"

/* The end of every test: no handle is still live. */
static void nothing_leaked(void)
{
	FLLM_ASSERT_EQ_U64(fllm_live_handles(), 0);
}

/* Every defined value has its own non-empty text, unlike the fallback. */
static void test_every_status_named(void)
{
	const char *unknown = fllm_status_str((fllm_status)-1000);

	CU_ASSERT_PTR_NOT_NULL_FATAL(unknown);
	for (int s = FLLM_OK; s >= FLLM_E_PERMISSION; s--) {
		const char *t = fllm_status_str((fllm_status)s);

		CU_ASSERT_PTR_NOT_NULL_FATAL(t);
		CU_ASSERT(strlen(t) > 0);
		CU_ASSERT_STRING_NOT_EQUAL(t, unknown);
		for (int o = FLLM_OK; o > s; o--)
			CU_ASSERT_STRING_NOT_EQUAL(t, fllm_status_str((fllm_status)o));
	}
}

/* Values outside the list still give text, never NULL. */
static void test_unknown_status(void)
{
	CU_ASSERT_PTR_NOT_NULL(fllm_status_str((fllm_status)1));
	CU_ASSERT_PTR_NOT_NULL(fllm_status_str((fllm_status)(FLLM_E_PERMISSION - 1)));
	CU_ASSERT_STRING_EQUAL(fllm_status_str((fllm_status)1),
			       fllm_status_str((fllm_status)(FLLM_E_PERMISSION - 1)));
}

static CU_TestInfo tests[] = {
	{ "every status named", test_every_status_named },
	{ "unknown status", test_unknown_status },
	CU_TEST_INFO_NULL,
};

int fllm_test_register(void)
{
	return fllm_test_add_suite_each("status", NULL, NULL, tests, nothing_leaked);
}
