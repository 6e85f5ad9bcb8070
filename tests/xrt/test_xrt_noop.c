/*
 * The xrt backend's call flow under XCL_EMULATION_MODE=noop: device open,
 * loading an image from the image writer, BOs in each channel's bank with
 * write/sync/read, a LUT-GEMM record that starts the image's kernel and
 * waits for it, refusals (no image, other numerics, corrupt image) and no
 * handle left. noop computes nothing: the kernel run completes without
 * touching memory, so no result is checked here (docs/xrt.md). SKIPs when
 * the build has no XRT backend.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fllm/fllm.h"
#include "image_fixture.h"
#include "test_main.h"

static char path[256], bad_path[256], junk_path[256];

static int write_image(const char *p, uint32_t numerics)
{
	struct fllm_image_desc d;
	char err[256];
	void *buf;
	size_t len;
	FILE *f;
	int ok;

	image_fixture(&d, 4);
	d.meta.numerics_version = numerics;
	if (fllm_image_build(&d, &buf, &len, err, sizeof(err)))
		return -1;
	f = fopen(p, "wb");
	ok = f && fwrite(buf, 1, len, f) == len;
	if (f && fclose(f))
		ok = 0;
	free(buf);
	return ok ? 0 : -1;
}

static int init(void)
{
	const char *tmp = getenv("TMPDIR");
	FILE *f;

	/* the backend must cope with XILINX_XRT unset */
	unsetenv("XILINX_XRT");
	setenv("XCL_EMULATION_MODE", "noop", 1);
	snprintf(path, sizeof(path), "%s/fllm-xrt-test-%d.xclbin", tmp ? tmp : "/tmp", getpid());
	snprintf(bad_path, sizeof(bad_path), "%s/fllm-xrt-test-%d-n2.xclbin", tmp ? tmp : "/tmp",
		 getpid());
	snprintf(junk_path, sizeof(junk_path), "%s/fllm-xrt-test-%d-junk.xclbin",
		 tmp ? tmp : "/tmp", getpid());
	if (write_image(path, FLLM_NUMERICS_VERSION) || write_image(bad_path, 2))
		return 1;
	f = fopen(junk_path, "wb");
	if (!f || fputs("xclbin2 but nothing else", f) < 0 || fclose(f))
		return 1;
	return 0;
}

static int fini(void)
{
	unlink(path);
	unlink(bad_path);
	unlink(junk_path);
	return 0;
}

static void after_each(void)
{
	FLLM_ASSERT_EQ_U64(fllm_live_handles(), 0);
}

/* Open xrt:0 with image p; SKIP the case (return 1) when the build has no XRT. */
static int open_or_skip(const char *what, const char *p, fllm_device **dev, fllm_status *st)
{
	char name[320];

	snprintf(name, sizeof(name), "xrt:0,image=%s", p);
	*st = fllm_device_open(name, dev);
	if (*st == FLLM_E_UNSUPPORTED) {
		fllm_test_skip(what, "built without the XRT backend (libxrt-dev, FLLM_XRT)");
		return 1;
	}
	return 0;
}

static void test_flow(void)
{
	uint8_t out[4096], in[4096];
	fllm_device_info info;
	fllm_bo_params bp;
	fllm_cmd_result res;
	fllm_device *dev;
	fllm_cmdlist *cl;
	fllm_event *ev;
	fllm_bo *bo[4];
	fllm_status st;

	if (open_or_skip("noop flow", path, &dev, &st))
		return;
	FLLM_ASSERT_EQ_U64(st, FLLM_OK);
	if (st)
		return;
	FLLM_ASSERT_EQ_U64(fllm_device_info_get(dev, &info), FLLM_OK);
	CU_ASSERT_STRING_EQUAL(info.backend, "xrt");
	FLLM_ASSERT_EQ_U64(info.mem_channels, 4);
	FLLM_ASSERT_EQ_U64(info.mem_size, 64ull << 20);
	FLLM_ASSERT_EQ_U64(info.clock_khz, 250000);
	/* only the unit with a kernel in the image is listed */
	FLLM_ASSERT_EQ_U64(info.cu_count, 1);
	FLLM_ASSERT_EQ_U64(FLLM_CU_INFO_TYPE(info.cu_info[0]), FLLM_CU_LUTGEMM);
	for (int c = 0; c < 4; c++) {
		memset(&bp, 0, sizeof(bp));
		bp.channel = c;
		FLLM_ASSERT_EQ_U64(fllm_bo_alloc(dev, 4096, &bp, &bo[c]), FLLM_OK);
		/* card addresses lie in the channel's bank of the image */
		CU_ASSERT(fllm_bo_card_addr(bo[c]) >= (uint64_t)c << 24 &&
			  fllm_bo_card_addr(bo[c]) < (uint64_t)(c + 1) << 24);
	}
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 7 + 3);
	FLLM_ASSERT_EQ_U64(fllm_bo_write(bo[2], 0, in, sizeof(in)), FLLM_OK);
	FLLM_ASSERT_EQ_U64(fllm_bo_read(bo[2], 0, out, sizeof(out)), FLLM_OK);
	CU_ASSERT(memcmp(in, out, sizeof(in)) == 0);	/* host copy under noop */
	FLLM_ASSERT_EQ_U64(fllm_cmdlist_create(dev, &cl), FLLM_OK);
	FLLM_ASSERT_EQ_U64(fllm_cmdlist_nop(cl), FLLM_OK);
	FLLM_ASSERT_EQ_U64(fllm_cmdlist_lutgemm(cl, bo[0], 0, 512), FLLM_OK);
	FLLM_ASSERT_EQ_U64(fllm_cmdlist_fill(cl, bo[1], 0, 64, FLLM_PATTERN_CONST, 0), FLLM_OK);
	FLLM_ASSERT_EQ_U64(fllm_cmdlist_submit(cl, &ev), FLLM_OK);
	/* the fill fails (below), so the submission reports a card error */
	FLLM_ASSERT_EQ_U64(fllm_event_wait(ev, 30000000000ull), FLLM_E_CARD);
	FLLM_ASSERT_EQ_U64(fllm_event_count(ev), 3);
	FLLM_ASSERT_EQ_U64(fllm_event_result(ev, 0, &res), FLLM_OK);
	FLLM_ASSERT_EQ_U64(res.card_status, FLLM_CARD_OK);
	/* the kernel was started and XRT reported the run complete */
	FLLM_ASSERT_EQ_U64(fllm_event_result(ev, 1, &res), FLLM_OK);
	FLLM_ASSERT_EQ_U64(res.card_status, FLLM_CARD_OK);
	/* no test unit behind XRT: the fill is refused */
	FLLM_ASSERT_EQ_U64(fllm_event_result(ev, 2, &res), FLLM_OK);
	FLLM_ASSERT_EQ_U64(res.card_status, FLLM_CARD_ERR_NO_CU);
	fllm_event_free(ev);
	fllm_cmdlist_free(cl);
	for (int c = 0; c < 4; c++)
		fllm_bo_free(bo[c]);
	fllm_device_close(dev);
}

static void test_refusals(void)
{
	fllm_device *dev = NULL;
	fllm_status st;

	if (open_or_skip("noop refusals", bad_path, &dev, &st))
		return;
	FLLM_ASSERT_EQ_U64(st, FLLM_E_VERSION);
	if (open_or_skip("noop refusals", junk_path, &dev, &st))
		return;
	FLLM_ASSERT_EQ_U64(st, FLLM_E_FORMAT);
	FLLM_ASSERT_EQ_U64(fllm_device_open("xrt:0", &dev), FLLM_E_INVALID_ARG);
	FLLM_ASSERT_EQ_U64(fllm_device_open("xrt:0,mem=1G", &dev), FLLM_E_INVALID_ARG);
	FLLM_ASSERT_EQ_U64(fllm_device_open("xrt:0,image=/nonexistent.xclbin", &dev), FLLM_E_IO);
}

/* Listing under noop shows the emulated card without starting XRT. */
static void test_list(void)
{
	fllm_device_desc d[16];
	size_t n = 0, found = 0;

	FLLM_ASSERT_EQ_U64(fllm_device_list(d, 16, &n), FLLM_OK);
	for (size_t i = 0; i < n && i < 16; i++)
		found += !strcmp(d[i].name, "xrt:0") && !strcmp(d[i].backend, "xrt");
	if (!found) {
		fllm_test_skip("noop listing", "built without the XRT backend");
		return;
	}
	FLLM_ASSERT_EQ_U64(found, 1);
}

int fllm_test_register(void)
{
	static CU_TestInfo tests[] = {
		{ "open, load, BOs per bank, kernel run and wait", test_flow },
		{ "refusals: other numerics, corrupt, no image", test_refusals },
		{ "listing under noop", test_list },
		CU_TEST_INFO_NULL,
	};

	return fllm_test_add_suite_each("xrt_noop", init, fini, tests, after_each);
}
