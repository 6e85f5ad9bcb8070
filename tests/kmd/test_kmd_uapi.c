/*
 * The uapi header's layouts, pinned: sizes, offsets and ioctl numbers are
 * an ABI, so any change here is a break the header's append-only rule
 * forbids. Runs anywhere (no device needed).
 */
#include <stddef.h>

#include "test_main.h"
#include "uapi/fllm_uapi.h"

#define LAYOUT(type, size) FLLM_ASSERT_EQ_U64(sizeof(struct type), (size))
#define AT(type, field, off) FLLM_ASSERT_EQ_U64(offsetof(struct type, field), (off))

static void test_sizes(void)
{
	LAYOUT(fllm_uapi_query, 200);
	LAYOUT(fllm_uapi_bo_create, 40);
	LAYOUT(fllm_uapi_bo_free, 8);
	LAYOUT(fllm_uapi_bo_xfer, 32);
	LAYOUT(fllm_uapi_submit, 32);
	LAYOUT(fllm_uapi_cpl, 32);
	LAYOUT(fllm_uapi_wait, 32);
	LAYOUT(fllm_uapi_reg, 8);
	LAYOUT(fllm_uapi_telemetry, 88);
	LAYOUT(fllm_uapi_reset, 8);
}

static void test_offsets(void)
{
	AT(fllm_uapi_query, mem_size, 32);
	AT(fllm_uapi_query, mem_free, 40);
	AT(fllm_uapi_query, cu_info, 72);
	AT(fllm_uapi_query, cu_caps, 136);
	AT(fllm_uapi_bo_create, channel, 16);
	AT(fllm_uapi_bo_create, handle, 24);
	AT(fllm_uapi_bo_create, card_addr, 32);
	AT(fllm_uapi_bo_xfer, offset, 8);
	AT(fllm_uapi_bo_xfer, user_ptr, 24);
	AT(fllm_uapi_submit, job, 16);
	AT(fllm_uapi_submit, rejected, 24);
	AT(fllm_uapi_cpl, status, 4);
	AT(fllm_uapi_cpl, start_cycle, 8);
	AT(fllm_uapi_cpl, result, 24);
	AT(fllm_uapi_wait, count, 24);
	AT(fllm_uapi_telemetry, energy_mj, 24);
	AT(fllm_uapi_telemetry, driver_resets, 72);
}

/* Every number is ours, read-write, sized by its struct and distinct. */
static void test_numbers(void)
{
	static const struct {
		unsigned long cmd;
		size_t size;
	} n[] = {
		{ FLLM_IOCTL_QUERY, sizeof(struct fllm_uapi_query) },
		{ FLLM_IOCTL_BO_CREATE, sizeof(struct fllm_uapi_bo_create) },
		{ FLLM_IOCTL_BO_FREE, sizeof(struct fllm_uapi_bo_free) },
		{ FLLM_IOCTL_BO_WRITE, sizeof(struct fllm_uapi_bo_xfer) },
		{ FLLM_IOCTL_BO_READ, sizeof(struct fllm_uapi_bo_xfer) },
		{ FLLM_IOCTL_SUBMIT, sizeof(struct fllm_uapi_submit) },
		{ FLLM_IOCTL_WAIT, sizeof(struct fllm_uapi_wait) },
		{ FLLM_IOCTL_REG_READ, sizeof(struct fllm_uapi_reg) },
		{ FLLM_IOCTL_REG_WRITE, sizeof(struct fllm_uapi_reg) },
		{ FLLM_IOCTL_TELEMETRY, sizeof(struct fllm_uapi_telemetry) },
		{ FLLM_IOCTL_RESET, sizeof(struct fllm_uapi_reset) },
	};

	for (size_t i = 0; i < sizeof(n) / sizeof(n[0]); i++) {
		FLLM_ASSERT_EQ_U64(_IOC_TYPE(n[i].cmd), FLLM_IOCTL_TYPE);
		FLLM_ASSERT_EQ_U64(_IOC_NR(n[i].cmd), i);
		FLLM_ASSERT_EQ_U64(_IOC_DIR(n[i].cmd), _IOC_READ | _IOC_WRITE);
		FLLM_ASSERT_EQ_U64(_IOC_SIZE(n[i].cmd), n[i].size);
	}
	FLLM_ASSERT_EQ_U64(FLLM_UAPI_VERSION >> 16, FLLM_UAPI_MAJOR);
}

static CU_TestInfo tests[] = {
	{ "sizes", test_sizes },
	{ "offsets", test_offsets },
	{ "ioctl numbers", test_numbers },
	CU_TEST_INFO_NULL,
};

int fllm_test_register(void)
{
	return fllm_test_add_suite("kmd_uapi", NULL, NULL, tests);
}
