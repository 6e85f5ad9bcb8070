/* Helpers shared by the benchmarks: see bench_util.h. */
#include "bench_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "json.h"

double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* qsort order of doubles. */
static int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double bench_quantile(double *v, size_t n, double q)
{
	size_t i;

	qsort(v, n, sizeof(*v), bench_cmp_double);
	i = (size_t)(q * (double)(n - 1) + 0.5);
	return v[i < n ? i : n - 1];
}

double bench_median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), bench_cmp_double);
	return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

void bench_cpuinfo(const char *key, char *buf, size_t len)
{
	static char line[8192];	/* the flags line is long */
	char *colon;
	FILE *f = fopen("/proc/cpuinfo", "r");

	snprintf(buf, len, "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, strlen(key)))
			continue;
		colon = strchr(line, ':');
		if (colon) {
			colon += strspn(colon + 1, " \t") + 1;
			colon[strcspn(colon, "\n")] = '\0';
			snprintf(buf, len, "%s", colon);
		}
		break;
	}
	fclose(f);
}

void bench_print_machine(int json)
{
	char cpu[256];

	bench_cpuinfo("model name", cpu, sizeof(cpu));
	if (json) {
		printf("{\"bench\": \"machine\", \"cpu\": ");
		cli_json_write_string(stdout, cpu);
		printf(", \"cores\": %ld", sysconf(_SC_NPROCESSORS_ONLN));
		return;
	}
	printf("machine   %s, %ld cores online\n", cpu, sysconf(_SC_NPROCESSORS_ONLN));
}

/* See bench_util.h. */
int32_t bench_argmax(const float *x, uint32_t n)
{
	uint32_t a = 0;

	for (uint32_t i = 1; i < n; i++)
		if (x[i] > x[a])
			a = i;
	return (int32_t)a;
}
