/*
 * Host CPU package energy from RAPL through the powercap sysfs tree
 * (ROOT/intel-rapl:N/energy_uj, cumulative microjoules that wrap at
 * max_energy_range_uj; AMD processors appear under the same names). The
 * root is a parameter so tests can point it at a fake tree. When nothing is
 * readable the meter says why and reports no figure at all.
 */
#ifndef FLLM_CLI_BENCH_RAPL_H
#define FLLM_CLI_BENCH_RAPL_H

#include <stdint.h>

#define RAPL_ROOT_DEFAULT "/sys/class/powercap"
#define RAPL_DOMAINS_MAX 8

struct rapl_domain {
	char energy_path[512];		/* ROOT/intel-rapl:N/energy_uj */
	char name[32];			/* "package-0" */
	uint64_t max_uj;		/* max_energy_range_uj: the counter wraps here */
	uint64_t last_uj;		/* last reading */
};

struct rapl_meter {
	int n;				/* readable package domains, 0 = unavailable */
	struct rapl_domain d[RAPL_DOMAINS_MAX];
	uint64_t total_uj;		/* energy since rapl_open, every domain */
	char why[256];			/* when n == 0: what was missing or unreadable */
};

/*
 * Find the package domains (ROOT/intel-rapl:N, not their subzones) and take
 * a first reading of each. 0 with m->n > 0 when at least one is readable;
 * -1 with m->why set when none is (missing tree, permission denied, bad
 * contents).
 */
int rapl_open(struct rapl_meter *m, const char *root);

/* Read every domain and add what each used since its last reading to
 * m->total_uj; -1 (m->why set, m->n unchanged) when a reading fails. */
int rapl_update(struct rapl_meter *m);

/* Microjoules from reading prev to reading now of a counter that wraps to
 * 0 after max_uj (max_uj 0: no wrap known, a smaller now counts as 0). */
uint64_t rapl_delta_uj(uint64_t prev, uint64_t now, uint64_t max_uj);

#endif /* FLLM_CLI_BENCH_RAPL_H */
