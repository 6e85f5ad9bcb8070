/* Check "pcie_link": the card's PCIe link runs at the speed and width it is capable of. */
#include <string.h>

#include "check.h"
#include "fllm_card.h"
#include "pcie_link.h"

/* See check.h: -1 when the device is not a PCIe function in the device list. */
int val_pci_info(const struct val_ctx *ctx, fllm_pci_info *out)
{
	fllm_device_desc descs[32];
	size_t n = 0;

	if (fllm_device_list(descs, 32, &n) != FLLM_OK)
		return -1;
	for (size_t i = 0; i < n && i < 32; i++)
		if (descs[i].is_pci && !strcmp(descs[i].name, ctx->info.name)) {
			*out = descs[i].pci;
			return 0;
		}
	return -1;
}

/* Not applicable on simulated cards (no link); skip when the link is unreadable. */
void val_check_pcie_link(struct val_ctx *ctx, struct val_result *res)
{
	fllm_pci_info p;
	char msg[256];

	if (ctx->info.caps & FLLM_CAP_SIMULATED) {
		val_skip(res, "not applicable: a simulated card has no PCIe link");
		return;
	}
	if (val_pci_info(ctx, &p)) {
		val_skip(res, "not applicable: %s is not a PCIe device in the device list",
			 ctx->info.name);
		return;
	}
	switch (pcie_link_judge(&p, msg, sizeof(msg))) {
	case PCIE_LINK_OK:
		val_pass(res, "%s", msg);
		break;
	case PCIE_LINK_DEGRADED:
		val_fail(res, "%s", msg);
		break;
	case PCIE_LINK_UNKNOWN:
		val_skip(res, "%s", msg);
		break;
	}
}
