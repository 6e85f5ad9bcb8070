/*
 * The kmd backend without a driver: FLLM_KMD_DEV_DIR points at a scratch
 * folder, so listing and opening see no node, a node that is not ours, and
 * malformed names, and each fails cleanly with nothing leaked. Runs anywhere.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fllm/fllm.h"
#include "test_main.h"
#include "test_open.h"

static char dir[64];

/* Number of kmd devices fllm_device_list reports; *openable those usable. */
static size_t count_kmd(size_t *openable)
{
	fllm_device_desc d[16];
	size_t n = 0, k = 0;

	*openable = 0;
	FLLM_ASSERT_STATUS(fllm_device_list(d, 16, &n), FLLM_OK);
	for (size_t i = 0; i < n && i < 16; i++) {
		if (strcmp(d[i].backend, "kmd"))
			continue;
		k++;
		*openable += d[i].openable != 0;
	}
	return k;
}

static void test_no_nodes(void)
{
	fllm_device *dev = NULL;
	size_t ok;

	FLLM_ASSERT_EQ_U64(count_kmd(&ok), 0);
	FLLM_ASSERT_STATUS(fllm_device_open("kmd:0", &dev), FLLM_E_NO_DEVICE);
	FLLM_ASSERT_STATUS(fllm_device_open("kmd", &dev), FLLM_E_NO_DEVICE);
	CU_ASSERT_PTR_NULL(dev);
	FLLM_ASSERT_EQ_U64(fllm_live_handles(), 0);
}

/* A file named fllm3 that is not a card: listed, not openable. */
static void test_foreign_node(void)
{
	char path[96];
	fllm_device *dev = NULL;
	size_t ok;
	int fd;

	snprintf(path, sizeof(path), "%s/fllm3", dir);
	fd = open(path, O_CREAT | O_RDWR, 0600);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	FLLM_ASSERT_EQ_U64(count_kmd(&ok), 1);
	FLLM_ASSERT_EQ_U64(ok, 0);
	FLLM_ASSERT_STATUS(fllm_device_open("kmd:3", &dev), FLLM_E_NO_DEVICE);
	CU_ASSERT_PTR_NULL(dev);
	unlink(path);
	FLLM_ASSERT_EQ_U64(fllm_live_handles(), 0);
}

static void test_bad_names(void)
{
	static const struct fllm_test_bad_open bad[] = {
		{ "kmd:x", FLLM_E_INVALID_ARG },
		{ "kmd:0,mem=1G", FLLM_E_INVALID_ARG },
		{ "kmd:0,", FLLM_E_INVALID_ARG },
		{ "kmd:64", FLLM_E_NO_DEVICE },
		{ "kmd:99999999999999999999", FLLM_E_INVALID_ARG },
	};

	fllm_test_expect_open_fails(bad, sizeof(bad) / sizeof(bad[0]));
	FLLM_ASSERT_EQ_U64(fllm_live_handles(), 0);
}

static int setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/fllm-kmd-test.XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	return setenv("FLLM_KMD_DEV_DIR", dir, 1);
}

static int teardown(void)
{
	return rmdir(dir);
}

static CU_TestInfo tests[] = {
	{ "no nodes", test_no_nodes },
	{ "foreign node", test_foreign_node },
	{ "bad names", test_bad_names },
	CU_TEST_INFO_NULL,
};

int fllm_test_register(void)
{
	return fllm_test_add_suite("kmd_backend", setup, teardown, tests);
}
