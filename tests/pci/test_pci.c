/* pci backend: discovery from a dump and a fake sysfs; bad access settings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fllm/fllm.h"
#include "test_main.h"

#define MAXDEV 16

/* List devices with FLLM_PCI_ACCESS set to access; count only the pci ones. */
static fllm_status list_pci(const char *access, fllm_device_desc *pci, size_t *n_pci)
{
	fllm_device_desc all[MAXDEV];
	size_t n = 0;
	fllm_status st;

	setenv("FLLM_PCI_ACCESS", access, 1);
	st = fllm_device_list(all, MAXDEV, &n);
	unsetenv("FLLM_PCI_ACCESS");
	*n_pci = 0;
	if (st)
		return st;
	for (size_t i = 0; i < n && i < MAXDEV; i++)
		if (!strcmp(all[i].backend, "pci"))
			pci[(*n_pci)++] = all[i];
	return FLLM_OK;
}

/* Fields every source gives: identity, location, link from the PCIe capability. */
static void check_common(const fllm_device_desc *d)
{
	CU_ASSERT_STRING_EQUAL(d->name, "pci:0000:03:00.0");
	CU_ASSERT(d->is_pci);
	CU_ASSERT(!d->openable);
	FLLM_ASSERT_EQ_U64(d->pci.vendor_id, 0x10ee);
	FLLM_ASSERT_EQ_U64(d->pci.device_id, 0x500c);
	FLLM_ASSERT_EQ_U64(d->pci.domain, 0);
	FLLM_ASSERT_EQ_U64(d->pci.bus, 3);
	FLLM_ASSERT_EQ_U64(d->pci.dev, 0);
	FLLM_ASSERT_EQ_U64(d->pci.func, 0);
	FLLM_ASSERT_EQ_U64(d->pci.link_speed_max, 3);
	FLLM_ASSERT_EQ_U64(d->pci.link_width_max, 16);
	FLLM_ASSERT_EQ_U64(d->pci.link_speed_cur, 3);
	FLLM_ASSERT_EQ_U64(d->pci.link_width_cur, 8);
	if (!access("/usr/share/misc/pci.ids", R_OK) || !access("/usr/share/hwdata/pci.ids", R_OK))
		CU_ASSERT(strstr(d->pci.product, "U280") != NULL);
}

/* List spec's cards into d, expecting the one U280 and checking what every
 * source reports of it; 0 when there was not exactly one. */
static int list_one_card(const char *spec, fllm_device_desc *d)
{
	size_t n;

	FLLM_ASSERT_STATUS(list_pci(spec, d, &n), FLLM_OK);
	FLLM_ASSERT_EQ_U64(n, 1);
	if (n != 1)
		return 0;
	check_common(&d[0]);
	return 1;
}

/* The end of every test: no handle is still live. */
static void nothing_leaked(void)
{
	FLLM_ASSERT_EQ_U64(fllm_live_handles(), 0);
}

static void test_dump_finds_card(void)
{
	fllm_device_desc d[MAXDEV];

	if (!list_one_card("dump:" FLLM_PCI_DATA "/u280.dump", d))
		return;
	FLLM_ASSERT_EQ_U64(d[0].pci.subsys_vendor_id, 0x10ee);
	FLLM_ASSERT_EQ_U64(d[0].pci.subsys_device_id, 0x000e);
	FLLM_ASSERT_EQ_U64(d[0].pci.bar_size[0], 0);	/* a dump has no sizes */
}

static void test_sysfs_finds_card(void)
{
	fllm_device_desc d[MAXDEV];

	if (!list_one_card("sysfs:" FLLM_PCI_DATA "/sysfs", d))
		return;
	FLLM_ASSERT_EQ_U64(d[0].pci.numa_node, 1);
	FLLM_ASSERT_EQ_U64(d[0].pci.bar_size[0], 32 << 20);
	FLLM_ASSERT_EQ_U64(d[0].pci.bar_size[1], 0);
	FLLM_ASSERT_EQ_U64(d[0].pci.bar_size[2], 128 << 10);
	CU_ASSERT_STRING_EQUAL(d[0].pci.driver, "xclmgmt");
}

static void test_no_match(void)
{
	fllm_device_desc d[MAXDEV];
	size_t n = 99;

	FLLM_ASSERT_STATUS(list_pci("dump:" FLLM_PCI_DATA "/none.dump", d, &n), FLLM_OK);
	FLLM_ASSERT_EQ_U64(n, 0);
}

/* Open name with FLLM_PCI_ACCESS set to access (NULL: unset). */
static fllm_status open_pci(const char *access, const char *name)
{
	fllm_device *dev = NULL;
	fllm_status st;

	if (access)
		setenv("FLLM_PCI_ACCESS", access, 1);
	st = fllm_device_open(name, &dev);
	unsetenv("FLLM_PCI_ACCESS");
	CU_ASSERT(st != FLLM_OK || dev != NULL);
	if (!st)
		fllm_device_close(dev);
	return st;
}

/*
 * A card bound to another driver (xclmgmt in the fixture) or seen through a
 * dump (no driver known) is not supported; malformed or absent addresses are
 * no device. Cards bound to fllm.ko: tests/cli/devices_sysfs.sh.
 */
static void test_open_unbound(void)
{
	FLLM_ASSERT_STATUS(open_pci("sysfs:" FLLM_PCI_DATA "/sysfs", "pci:0000:03:00.0"),
			   FLLM_E_UNSUPPORTED);
	FLLM_ASSERT_STATUS(open_pci("dump:" FLLM_PCI_DATA "/u280.dump", "pci:0000:03:00.0"),
			   FLLM_E_UNSUPPORTED);
	FLLM_ASSERT_STATUS(open_pci("sysfs:" FLLM_PCI_DATA "/sysfs", "pci:0000:04:00.0"),
			   FLLM_E_NO_DEVICE);
	FLLM_ASSERT_STATUS(open_pci("sysfs:" FLLM_PCI_DATA "/sysfs", "pci:0000:03:00.8"),
			   FLLM_E_NO_DEVICE);
	FLLM_ASSERT_STATUS(open_pci("sysfs:" FLLM_PCI_DATA "/sysfs", "pci:03:00.0"),
			   FLLM_E_NO_DEVICE);
	FLLM_ASSERT_STATUS(open_pci("sysfs:" FLLM_PCI_DATA "/sysfs", "pci:0000:03:00.0/../x"),
			   FLLM_E_NO_DEVICE);
}

/* Each bad setting differs from a good one in one way; listing works after. */
static void test_bad_access(void)
{
	static const struct {
		const char *access;
		fllm_status st;
	} bad[] = {
		{ "dump:", FLLM_E_INVALID_ARG },
		{ "sysfs:", FLLM_E_INVALID_ARG },
		{ "dmp:" FLLM_PCI_DATA "/u280.dump", FLLM_E_INVALID_ARG },
		{ FLLM_PCI_DATA "/u280.dump", FLLM_E_INVALID_ARG },
		{ "dump:" FLLM_PCI_DATA "/missing.dump", FLLM_E_IO },
		{ "dump:" FLLM_PCI_DATA, FLLM_E_IO },		/* a folder, not a file */
		{ "sysfs:" FLLM_PCI_DATA "/nosuch", FLLM_E_IO },
		/* one level too deep */
		{ "sysfs:" FLLM_PCI_DATA "/sysfs/devices", FLLM_E_IO },
	};
	fllm_device_desc d[MAXDEV];
	size_t n;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (list_pci(bad[i].access, d, &n) != bad[i].st)
			fprintf(stderr, "FLLM_PCI_ACCESS=%s\n", bad[i].access);
		FLLM_ASSERT_STATUS(list_pci(bad[i].access, d, &n), bad[i].st);
	}
	FLLM_ASSERT_STATUS(list_pci("dump:" FLLM_PCI_DATA "/u280.dump", d, &n), FLLM_OK);
	FLLM_ASSERT_EQ_U64(n, 1);
}

/* A dump libpci cannot parse fails the listing instead of ending the process. */
static void test_garbage_dump(void)
{
	fllm_device_desc d[MAXDEV];
	size_t n;

	FLLM_ASSERT_STATUS(list_pci("dump:" FLLM_PCI_DATA "/garbage.dump", d, &n), FLLM_E_FORMAT);
	FLLM_ASSERT_STATUS(list_pci("dump:" FLLM_PCI_DATA "/u280.dump", d, &n), FLLM_OK);
	FLLM_ASSERT_EQ_U64(n, 1);
}

static CU_TestInfo tests[] = {
	{ "dump finds card", test_dump_finds_card },
	{ "sysfs finds card", test_sysfs_finds_card },
	{ "no match", test_no_match },
	{ "open: unbound cards, bad names", test_open_unbound },
	{ "bad access", test_bad_access },
	{ "garbage dump", test_garbage_dump },
	CU_TEST_INFO_NULL,
};

int fllm_test_register(void)
{
	return fllm_test_add_suite_each("pci", NULL, NULL, tests, nothing_leaked);
}
