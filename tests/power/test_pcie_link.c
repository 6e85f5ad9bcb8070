/*
 * fllm validate's PCIe link judgement (tools/fllm/validate/pcie_link.c) on
 * made-up link states: full speed and width pass, either one below the
 * card's capability fails with both states named, unreadable registers
 * are unknown; and the raw rates per generation.
 */
#include <CUnit/CUnit.h>
#include <math.h>
#include <string.h>

#include "test_main.h"
#include "validate/pcie_link.h"

static fllm_pci_info link(unsigned cur_gen, unsigned max_gen, unsigned cur_w, unsigned max_w)
{
	fllm_pci_info p;

	memset(&p, 0, sizeof(p));
	p.link_speed_cur = (uint8_t)cur_gen;
	p.link_speed_max = (uint8_t)max_gen;
	p.link_width_cur = (uint8_t)cur_w;
	p.link_width_max = (uint8_t)max_w;
	return p;
}

static void test_judge(void)
{
	fllm_pci_info p;
	char msg[256];

	p = link(3, 3, 16, 16);
	CU_ASSERT_EQUAL(pcie_link_judge(&p, msg, sizeof(msg)), PCIE_LINK_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "Gen3 x16, the card's maximum"));

	/* the U280 of tests/cli/data/alveo-u280.dump: Gen3 x16 trained at x8 */
	p = link(3, 3, 8, 16);
	CU_ASSERT_EQUAL(pcie_link_judge(&p, msg, sizeof(msg)), PCIE_LINK_DEGRADED);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "trained at Gen3 x8"));
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "capable of Gen3 x16"));

	p = link(1, 4, 16, 16);
	CU_ASSERT_EQUAL(pcie_link_judge(&p, msg, sizeof(msg)), PCIE_LINK_DEGRADED);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "trained at Gen1 x16"));

	p = link(0, 3, 16, 16);
	CU_ASSERT_EQUAL(pcie_link_judge(&p, msg, sizeof(msg)), PCIE_LINK_UNKNOWN);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "unreadable"));
	p = link(3, 3, 16, 0);
	CU_ASSERT_EQUAL(pcie_link_judge(&p, msg, sizeof(msg)), PCIE_LINK_UNKNOWN);
}

/* Gen3 x16: 8 GT/s x 16 lanes x 128/130 / 8 bits = 15.75 GB/s; Gen2 x8: 4 GB/s. */
static void test_rates(void)
{
	CU_ASSERT(fabs(pcie_link_gbps(3, 16) - 8.0 * 16 * 128 / 130 / 8) < 1e-9);
	CU_ASSERT(fabs(pcie_link_gbps(2, 8) - 4.0) < 1e-9);
	CU_ASSERT(fabs(pcie_link_gbps(4, 16) - 2 * pcie_link_gbps(3, 16)) < 1e-9);
	CU_ASSERT(pcie_link_gbps(0, 16) == 0);
	CU_ASSERT(pcie_link_gbps(9, 16) == 0);
}

int fllm_test_register(void)
{
	static CU_TestInfo tests[] = {
		{ "judge", test_judge },
		{ "rates", test_rates },
		CU_TEST_INFO_NULL,
	};

	return fllm_test_add_suite("pcie_link", NULL, NULL, tests);
}
