/* Devices: listing, opening by name and spec, identity, registers, telemetry. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fllm/fllm.h"
#include "fllm_card.h"
#include "test_main.h"
#include "test_open.h"

#define EMU_SPEC "emu:0,mem=1G,channels=8"

/* The device under test: $FLLM_TEST_DEVICE (e.g. "kmd:0" in the VM rig), else
 * the emulated card. Tests of emu-only names and options keep using emu. */
static const char *test_device(void)
{
	const char *d = getenv("FLLM_TEST_DEVICE");

	return d && *d ? d : EMU_SPEC;
}

/* The end of every test: no handle is still live. */
static void nothing_leaked(void)
{
	FLLM_ASSERT_EQ_U64(fllm_live_handles(), 0);
}

static void test_list_has_emu(void)
{
	fllm_device_desc d[8];
	size_t n = 0, n2 = 0;
	int found = 0;

	FLLM_ASSERT_STATUS(fllm_device_list(d, 8, &n), FLLM_OK);
	CU_ASSERT(n >= 1);
	for (size_t i = 0; i < n && i < 8; i++)
		if (!strcmp(d[i].name, "emu:0")) {
			found = 1;
			CU_ASSERT(d[i].openable);
			CU_ASSERT_STRING_EQUAL(d[i].backend, "emu");
			CU_ASSERT(!d[i].is_pci);
		}
	CU_ASSERT(found);
	/* counting only */
	FLLM_ASSERT_STATUS(fllm_device_list(NULL, 0, &n2), FLLM_OK);
	FLLM_ASSERT_EQ_U64(n2, n);
}

static void test_open_info_close(void)
{
	fllm_device *dev = NULL;
	fllm_device_info info;

	FLLM_ASSERT_STATUS(fllm_device_open(test_device(), &dev), FLLM_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(dev);
	FLLM_ASSERT_EQ_U64(fllm_live_handles(), 1);
	FLLM_ASSERT_STATUS(fllm_device_info_get(dev, &info), FLLM_OK);
	CU_ASSERT_STRING_EQUAL(info.name, test_device());
	/* the backend is the name's prefix: "emu" for "emu:0,...", "kmd" for "kmd:0" */
	FLLM_ASSERT_EQ_U64(strlen(info.backend), strcspn(test_device(), ":,"));
	CU_ASSERT_NSTRING_EQUAL(info.backend, test_device(), strcspn(test_device(), ":,"));
	FLLM_ASSERT_EQ_U64(info.mem_size, 1ull << 30);
	FLLM_ASSERT_EQ_U64(info.mem_channels, 8);
	FLLM_ASSERT_EQ_U64(FLLM_CARD_IF_VERSION_MAJOR(info.if_version), FLLM_CARD_IF_MAJOR);
	CU_ASSERT(info.caps & FLLM_CAP_SIMULATED);
	CU_ASSERT(info.ring_entries > FLLM_CMDLIST_MAX);
	CU_ASSERT(info.dma_max_len > 0);
	CU_ASSERT(info.cu_count >= 1 && info.cu_count <= FLLM_CU_INFO_MAX);
	fllm_device_close(dev);
	fllm_device_close(NULL);
}

/* Defaults: "emu" alone and "emu,..." are the same backend. */
static void test_open_forms(void)
{
	static const char *const names[] = { "emu", "emu:0", "emu,mem=64M,channels=2" };
	fllm_device *dev;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		dev = NULL;
		FLLM_ASSERT_STATUS(fllm_device_open(names[i], &dev), FLLM_OK);
		fllm_device_close(dev);
	}
}

/* Unknown names and broken specs fail, then the valid spec still opens. */
static void test_open_bad(void)
{
	static const struct fllm_test_bad_open bad[] = {
		{ "nosuch:0", FLLM_E_NO_DEVICE },
		{ "", FLLM_E_NO_DEVICE },
		{ "em:0", FLLM_E_NO_DEVICE },
		{ "emu:1,mem=1G,channels=8", FLLM_E_NO_DEVICE },
		{ "emu:0,mem=1Q,channels=8", FLLM_E_INVALID_ARG },
		{ "emu:0,mem=1G,chans=8", FLLM_E_INVALID_ARG },
		{ "emu:0,mem=1G,channels=x", FLLM_E_INVALID_ARG },
		{ "emu:0,mem=1G,channels=8,", FLLM_E_INVALID_ARG },
		{ "emu:0,mem=1G,channels=7", FLLM_E_INVALID_ARG },	/* does not divide */
		{ "pci:0000:00:00.0", FLLM_E_UNSUPPORTED },
		{ "emu:0,mem=1G,channels=8,xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
		  FLLM_E_INVALID_ARG },
	};
	fllm_device *dev;

	fllm_test_expect_open_fails(bad, sizeof(bad) / sizeof(bad[0]));
	FLLM_ASSERT_EQ_U64(fllm_live_handles(), 0);
	FLLM_ASSERT_STATUS(fllm_device_open(test_device(), &dev), FLLM_OK);
	fllm_device_close(dev);
}

static void test_registers(void)
{
	fllm_device *dev;
	uint32_t v = 0;

	FLLM_ASSERT_STATUS(fllm_device_open(test_device(), &dev), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_device_reg_read(dev, FLLM_REG_MAGIC, &v), FLLM_OK);
	FLLM_ASSERT_EQ_U64(v, FLLM_CARD_MAGIC);
	FLLM_ASSERT_STATUS(fllm_device_reg_write(dev, FLLM_REG_SCRATCH, 0xa5a5f00d), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_device_reg_read(dev, FLLM_REG_SCRATCH, &v), FLLM_OK);
	FLLM_ASSERT_EQ_U64(v, 0xa5a5f00d);
	/* bad offsets: misaligned, past the BAR */
	FLLM_ASSERT_STATUS(fllm_device_reg_read(dev, FLLM_REG_SCRATCH + 1, &v),
			   FLLM_E_INVALID_ARG);
	FLLM_ASSERT_STATUS(fllm_device_reg_read(dev, FLLM_REG_BAR_SIZE, &v), FLLM_E_INVALID_ARG);
	FLLM_ASSERT_STATUS(fllm_device_reg_write(dev, FLLM_REG_SCRATCH + 2, 1),
			   FLLM_E_INVALID_ARG);
	FLLM_ASSERT_STATUS(fllm_device_reg_write(dev, FLLM_REG_BAR_SIZE, 1), FLLM_E_INVALID_ARG);
	/* writes that would disturb the rings */
	FLLM_ASSERT_STATUS(fllm_device_reg_write(dev, FLLM_REG_CONTROL, 0), FLLM_E_PERMISSION);
	FLLM_ASSERT_STATUS(fllm_device_reg_write(dev, FLLM_REG_SQ_TAIL, 5), FLLM_E_PERMISSION);
	FLLM_ASSERT_STATUS(fllm_device_reg_write(dev, FLLM_REG_MAGIC, 0), FLLM_E_PERMISSION);
	/* still intact */
	FLLM_ASSERT_STATUS(fllm_device_reg_read(dev, FLLM_REG_SCRATCH, &v), FLLM_OK);
	FLLM_ASSERT_EQ_U64(v, 0xa5a5f00d);
	FLLM_ASSERT_STATUS(fllm_device_reg_read(dev, FLLM_REG_STATUS, &v), FLLM_OK);
	CU_ASSERT(v & FLLM_STATUS_QUEUES_ON);
	FLLM_ASSERT_STATUS(fllm_device_reg_write(dev, FLLM_REG_WATCHDOG_US, 5000), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_device_reg_read(dev, FLLM_REG_WATCHDOG_US, &v), FLLM_OK);
	FLLM_ASSERT_EQ_U64(v, 5000);
	fllm_device_close(dev);
}

/* Readings in plausible ranges; counters never go backwards. */
static void test_telemetry(void)
{
	fllm_telemetry a, b;
	fllm_device *dev;
	fllm_cmdlist *cl;

	FLLM_ASSERT_STATUS(fllm_device_open(test_device(), &dev), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_device_telemetry(dev, &a), FLLM_OK);
	CU_ASSERT(a.power_mw > 0 && a.power_mw < 500000);
	CU_ASSERT(a.temp_mc > 0 && a.temp_mc < 125000);
	CU_ASSERT(a.vccint_mv > 500 && a.vccint_mv < 1500);
	CU_ASSERT(a.util_permille <= 1000 && a.mem_util_permille <= 1000);
	FLLM_ASSERT_STATUS(fllm_cmdlist_create(dev, &cl), FLLM_OK);
	for (int i = 0; i < 10; i++)
		FLLM_ASSERT_STATUS(fllm_cmdlist_nop(cl), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_submit(cl, NULL), FLLM_OK);
	fllm_cmdlist_free(cl);
	FLLM_ASSERT_STATUS(fllm_device_telemetry(dev, &b), FLLM_OK);
	CU_ASSERT(b.cycles > a.cycles);
	CU_ASSERT(b.energy_mj >= a.energy_mj);
	FLLM_ASSERT_EQ_U64(b.cmds - a.cmds, 10);
	CU_ASSERT(b.irq_count >= a.irq_count + 1);
	fllm_device_close(dev);
}

/* Reset with nothing running keeps the device usable and counts. */
static void test_reset_idle(void)
{
	fllm_telemetry a, b;
	fllm_device *dev;
	fllm_cmdlist *cl;

	FLLM_ASSERT_STATUS(fllm_device_open(test_device(), &dev), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_device_telemetry(dev, &a), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_device_reset(dev), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_device_telemetry(dev, &b), FLLM_OK);
	FLLM_ASSERT_EQ_U64(b.reset_count, a.reset_count + 1);
	FLLM_ASSERT_STATUS(fllm_cmdlist_create(dev, &cl), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_nop(cl), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_submit(cl, NULL), FLLM_OK);
	fllm_cmdlist_free(cl);
	fllm_device_close(dev);
}

static CU_TestInfo tests[] = {
	{ "list has emu", test_list_has_emu },
	{ "open info close", test_open_info_close },
	{ "open forms", test_open_forms },
	{ "open bad", test_open_bad },
	{ "registers", test_registers },
	{ "telemetry", test_telemetry },
	{ "reset idle", test_reset_idle },
	CU_TEST_INFO_NULL,
};

int fllm_test_register(void)
{
	return fllm_test_add_suite_each("device", NULL, NULL, tests, nothing_leaked);
}
