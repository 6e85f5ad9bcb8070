/* PCIe link judgement for fllm validate (see pcie_link.h). */
#include <stdio.h>

#include "../units.h"
#include "pcie_link.h"

/* See pcie_link.h. */
double pcie_link_gbps(unsigned int gen, unsigned int width)
{
	double enc = gen >= 3 ? 128.0 / 130.0 : 8.0 / 10.0;

	return cli_pcie_gts(gen) * enc * width / 8.0;
}

/* See pcie_link.h. */
enum pcie_link_verdict pcie_link_judge(const fllm_pci_info *p, char *msg, size_t len)
{
	if (!p->link_speed_cur || !p->link_speed_max || !p->link_width_cur ||
	    !p->link_width_max) {
		snprintf(msg, len, "link status unreadable (speed Gen%u of Gen%u, width x%u of x%u)",
			 p->link_speed_cur, p->link_speed_max, p->link_width_cur,
			 p->link_width_max);
		return PCIE_LINK_UNKNOWN;
	}
	if (p->link_speed_cur < p->link_speed_max || p->link_width_cur < p->link_width_max) {
		snprintf(msg, len, "link trained at Gen%u x%u (%.2f GB/s), the card is capable "
			 "of Gen%u x%u (%.2f GB/s): check the slot, riser and seating",
			 p->link_speed_cur, p->link_width_cur,
			 pcie_link_gbps(p->link_speed_cur, p->link_width_cur), p->link_speed_max,
			 p->link_width_max, pcie_link_gbps(p->link_speed_max, p->link_width_max));
		return PCIE_LINK_DEGRADED;
	}
	snprintf(msg, len, "Gen%u x%u, the card's maximum (%.2f GB/s each way)",
		 p->link_speed_cur, p->link_width_cur,
		 pcie_link_gbps(p->link_speed_cur, p->link_width_cur));
	return PCIE_LINK_OK;
}
