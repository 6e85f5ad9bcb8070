/* Device opening for CLI commands (see device_open.h). */
#include "device_open.h"

#include <stdio.h>
#include <string.h>

/* One message format for every command, with a hint for unknown names. */
fllm_status cli_device_open(const char *cmd, const char *name, fllm_device **out)
{
	fllm_status st = fllm_device_open(name, out);

	if (st == FLLM_OK)
		return st;
	fprintf(stderr, "fllm %s: cannot open device '%s': %s\n", cmd, name,
		fllm_status_str(st));
	if (st == FLLM_E_NO_DEVICE)
		fprintf(stderr, "fllm %s: 'fllm devices' lists the devices\n", cmd);
	if (!strncmp(name, "pci:", 4) && st == FLLM_E_UNSUPPORTED)
		fprintf(stderr, "fllm %s: a PCIe card is opened through its driver: load fllm.ko "
			"(modprobe fllm, or bind the card to it in /sys/bus/pci/drivers/fllm) and "
			"use kmd:N; an Alveo card under XRT opens as xrt:N,image=FILE\n", cmd);
	if (!strncmp(name, "xrt", 3) && st != FLLM_E_NO_DEVICE)
		fprintf(stderr, "fllm %s: an XRT card opens as xrt:N,image=FILE with an image from "
			"'fllm image create' of this build (docs/xrt.md)\n", cmd);
	return st;
}
