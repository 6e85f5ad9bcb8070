/* Human-readable units for CLI output. */
#ifndef FLLM_CLI_UNITS_H
#define FLLM_CLI_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* "64 MiB", "4 KiB", "1.50 GiB", "512 B" into buf; returns buf. */
const char *cli_format_bytes(uint64_t bytes, char *buf, size_t len);
/* Transfer rate per lane of PCIe generation gen (1..6) in GT/s; 0 when unknown. */
double cli_pcie_gts(unsigned int gen);
/* Seconds of a monotonic clock, for durations. */
double cli_now(void);

#endif /* FLLM_CLI_UNITS_H */
