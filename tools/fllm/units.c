/* Human-readable units (see units.h). */
#include "units.h"

#include <stdio.h>
#include <time.h>

/* Pick the largest binary unit that keeps the number >= 1; print exact
 * multiples without decimals. */
const char *cli_format_bytes(uint64_t bytes, char *buf, size_t len)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	int u = 0;

	while (u < 5 && bytes >= (1ull << (10 * (u + 1))))
		u++;
	if (u == 0 || !(bytes & ((1ull << (10 * u)) - 1)))
		snprintf(buf, len, "%llu %s", (unsigned long long)(bytes >> (10 * u)), unit[u]);
	else
		snprintf(buf, len, "%.2f %s", (double)bytes / (double)(1ull << (10 * u)),
			 unit[u]);
	return buf;
}

/* Per-lane raw rate of each PCIe generation. */
double cli_pcie_gts(unsigned int gen)
{
	static const double gts[] = { 0, 2.5, 5.0, 8.0, 16.0, 32.0, 64.0 };

	return gen < sizeof(gts) / sizeof(gts[0]) ? gts[gen] : 0;
}

double cli_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
