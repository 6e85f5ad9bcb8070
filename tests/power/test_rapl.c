/*
 * fllm bench's RAPL meter (tools/fllm/bench/rapl.c) on fake powercap trees
 * written to a temporary folder: package zones found and subzones left out,
 * wrap-around at max_energy_range_uj, and every way the tree can be
 * unusable reported with a reason instead of a number.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench/rapl.h"
#include "test_main.h"

static char root[64];

/* Write text to root/rel (folders made as needed). */
static void put(const char *rel, const char *text)
{
	char path[256], *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (slash = strchr(path + strlen(root) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = 0;
		mkdir(path, 0755);
		*slash = '/';
	}
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

/* A fresh empty root. */
static void fresh(void)
{
	char cmd[128];

	if (root[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
		CU_ASSERT(system(cmd) == 0);
	}
	snprintf(root, sizeof(root), "/tmp/fllm-rapl-XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(root));
}

/* Counter deltas: forward, equal, wrapped, and readings that make no sense. */
static void test_delta(void)
{
	FLLM_ASSERT_EQ_U64(rapl_delta_uj(100, 250, 1000), 150);
	FLLM_ASSERT_EQ_U64(rapl_delta_uj(7, 7, 1000), 0);
	/* 990 -> 1000 is 10, 1000 -> 0 is 1, 0 -> 5 is 5 */
	FLLM_ASSERT_EQ_U64(rapl_delta_uj(990, 5, 1000), 16);
	FLLM_ASSERT_EQ_U64(rapl_delta_uj(1000, 0, 1000), 1);
	/* no known range, or a previous reading above it: no guess */
	FLLM_ASSERT_EQ_U64(rapl_delta_uj(990, 5, 0), 0);
	FLLM_ASSERT_EQ_U64(rapl_delta_uj(2000, 5, 1000), 0);
	/* a real range: 2^32 - 1 uJ, as many Intel packages report */
	FLLM_ASSERT_EQ_U64(rapl_delta_uj(4294967000ull, 300, 4294967295ull), 596);
}

/* Two packages and a subzone; the subzone's energy must not be added. */
static void test_two_packages_wrap(void)
{
	struct rapl_meter m;

	fresh();
	put("intel-rapl:0/name", "package-0\n");
	put("intel-rapl:0/max_energy_range_uj", "1000000\n");
	put("intel-rapl:0/energy_uj", "999000\n");
	put("intel-rapl:0:0/name", "core\n");
	put("intel-rapl:0:0/max_energy_range_uj", "1000000\n");
	put("intel-rapl:0:0/energy_uj", "5\n");
	put("intel-rapl:1/name", "package-1\n");
	put("intel-rapl:1/max_energy_range_uj", "500\n");
	put("intel-rapl:1/energy_uj", "100\n");
	put("intel-rapl-mmio:0/energy_uj", "1\n");
	CU_ASSERT_EQUAL_FATAL(rapl_open(&m, root), 0);
	CU_ASSERT_EQUAL(m.n, 2);
	FLLM_ASSERT_EQ_U64(m.total_uj, 0);
	/* package 0 wraps: 999000 -> 1000000 -> 0 -> 2000: 3001 uJ; package 1 +50 */
	put("intel-rapl:0/energy_uj", "2000\n");
	put("intel-rapl:1/energy_uj", "150\n");
	put("intel-rapl:0:0/energy_uj", "900000\n");
	CU_ASSERT_EQUAL(rapl_update(&m), 0);
	FLLM_ASSERT_EQ_U64(m.total_uj, 3051);
	/* package 1 wraps at its own range: 150 -> 500 -> 0 -> 20 = 371 */
	put("intel-rapl:1/energy_uj", "20\n");
	CU_ASSERT_EQUAL(rapl_update(&m), 0);
	FLLM_ASSERT_EQ_U64(m.total_uj, 3051 + 371);
	CU_ASSERT(!strcmp(m.d[0].name, "package-0") || !strcmp(m.d[0].name, "package-1"));
}

/* Each broken tree: no number, a reason naming what is wrong. */
static void test_unavailable(void)
{
	struct rapl_meter m;
	char missing[96];

	snprintf(missing, sizeof(missing), "%s/none", root[0] ? root : "/tmp");
	CU_ASSERT_EQUAL(rapl_open(&m, "/nonexistent/powercap"), -1);
	CU_ASSERT_EQUAL(m.n, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(m.why, "/nonexistent/powercap"));

	fresh();
	CU_ASSERT_EQUAL(rapl_open(&m, root), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(m.why, "no intel-rapl:N package zone"));

	put("intel-rapl:0/max_energy_range_uj", "1000\n");	/* energy_uj missing */
	CU_ASSERT_EQUAL(rapl_open(&m, root), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(m.why, "energy_uj"));

	put("intel-rapl:0/energy_uj", "12abc\n");
	CU_ASSERT_EQUAL(rapl_open(&m, root), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(m.why, "not an unsigned number"));

	put("intel-rapl:0/energy_uj", "12\n");
	CU_ASSERT_EQUAL(rapl_open(&m, root), 0);
	/* the counter vanishes mid-run: the update fails with the reason */
	{
		char path[160];

		snprintf(path, sizeof(path), "%s/intel-rapl:0/energy_uj", root);
		CU_ASSERT_EQUAL(unlink(path), 0);
	}
	CU_ASSERT_EQUAL(rapl_update(&m), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(m.why, "energy_uj"));
}

/* Unreadable counters (mode 000): only meaningful when not root. */
static void test_permission(void)
{
	struct rapl_meter m;
	char path[160];

	if (geteuid() == 0) {
		fllm_test_skip("rapl permission", "running as root reads any file");
		return;
	}
	fresh();
	put("intel-rapl:0/max_energy_range_uj", "1000\n");
	put("intel-rapl:0/energy_uj", "12\n");
	snprintf(path, sizeof(path), "%s/intel-rapl:0/energy_uj", root);
	CU_ASSERT_EQUAL(chmod(path, 0), 0);
	CU_ASSERT_EQUAL(rapl_open(&m, root), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(m.why, "Permission denied"));
}

static int rapl_clean(void)
{
	char cmd[128];

	if (root[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
		if (system(cmd))
			return 1;
	}
	return 0;
}

int fllm_test_register(void)
{
	static CU_TestInfo tests[] = {
		{ "delta", test_delta },
		{ "two_packages_wrap", test_two_packages_wrap },
		{ "unavailable", test_unavailable },
		{ "permission", test_permission },
		CU_TEST_INFO_NULL,
	};

	return fllm_test_add_suite("rapl", NULL, rapl_clean, tests);
}
