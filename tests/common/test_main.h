/*
 * Shared main() for the CUnit test programs. A test program defines
 * fllm_test_register(), which adds its suites; main runs them in basic mode
 * and exits non-zero when any test, suite or framework call failed (CUnit
 * itself would exit 0).
 */
#ifndef FLLM_TEST_MAIN_H
#define FLLM_TEST_MAIN_H

#include <CUnit/CUnit.h>

/*
 * Skips: a case that needs something absent (a model file, a CPU feature)
 * calls fllm_test_skip() with the case and the reason, and returns. The
 * line "skipped: <what>: <reason>" is printed at once and again after the
 * run's summary. When every test that ran skipped and none failed, main
 * exits 77, which ctest reports as SKIP (set SKIP_RETURN_CODE 77 on the
 * entry); when some ran, the program passes and the lines name what did not.
 */
void fllm_test_skip(const char *what, const char *reason);

/* Add the program's suites; return 0 or a CUnit error. */
int fllm_test_register(void);

/* The program's parts: each function adds its suites; return 0 or a CUnit error. */
typedef int (*fllm_test_part_fn)(void);

/* Call each part of the NULL-terminated list in order; stop at the first error. */
int fllm_test_register_parts(const fllm_test_part_fn *parts);

/* Add a suite with its tests from a NULL-terminated CU_TestInfo array. */
int fllm_test_add_suite(const char *name, CU_InitializeFunc init, CU_CleanupFunc fini,
			CU_TestInfo *tests);

/*
 * As fllm_test_add_suite; after_each also runs at the end of every test of
 * the suite, inside the test (a failed assertion there fails that test, also
 * after a fatal one): the suite's one check that nothing is still live.
 */
int fllm_test_add_suite_each(const char *name, CU_InitializeFunc init, CU_CleanupFunc fini,
			     CU_TestInfo *tests, CU_TearDownFunc after_each);

/* Assert with both values printed on mismatch (CUnit prints only the expression). */
#define FLLM_ASSERT_EQ_U64(actual, expected)                                              \
	do {                                                                              \
		unsigned long long a_ = (unsigned long long)(actual);                     \
		unsigned long long e_ = (unsigned long long)(expected);                   \
		if (a_ != e_)                                                             \
			fllm_test_report_mismatch(__FILE__, __LINE__, #actual, a_, e_);   \
		CU_ASSERT_EQUAL(a_, e_);                                                  \
	} while (0)

#define FLLM_ASSERT_STATUS(actual, expected)                                              \
	do {                                                                              \
		long long a_ = (long long)(actual);                                       \
		long long e_ = (long long)(expected);                                     \
		if (a_ != e_)                                                             \
			fllm_test_report_status(__FILE__, __LINE__, #actual, (int)a_,     \
						(int)e_);                                 \
		CU_ASSERT_EQUAL(a_, e_);                                                  \
	} while (0)

void fllm_test_report_mismatch(const char *file, int line, const char *expr,
			       unsigned long long actual, unsigned long long expected);
void fllm_test_report_status(const char *file, int line, const char *expr, int actual,
			     int expected);

#endif /* FLLM_TEST_MAIN_H */
