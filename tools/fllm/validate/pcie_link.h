/*
 * fllm validate's PCIe link judgement, on its own so it can be tested with
 * made-up link states: a link trained below the card's capability (speed or
 * width) is a failure a lab must see (a bad slot, riser or seating).
 */
#ifndef FLLM_CLI_VALIDATE_PCIE_LINK_H
#define FLLM_CLI_VALIDATE_PCIE_LINK_H

#include <stddef.h>

#include "fllm/fllm.h"

enum pcie_link_verdict {
	PCIE_LINK_OK,
	PCIE_LINK_DEGRADED,	/* current speed or width below the maximum */
	PCIE_LINK_UNKNOWN,	/* the link registers could not be read */
};

/* Judge p's link; msg gets the sentence reports show. */
enum pcie_link_verdict pcie_link_judge(const fllm_pci_info *p, char *msg, size_t len);

/* Raw one-direction bandwidth of a link in GB/s after line encoding (8b/10b
 * for Gen1-2, 128b/130b from Gen3); 0 when unknown. */
double pcie_link_gbps(unsigned int gen, unsigned int width);

#endif /* FLLM_CLI_VALIDATE_PCIE_LINK_H */
