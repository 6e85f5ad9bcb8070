/* Measurement helpers of fllm bench and bench/ (see measure.h). */
#include "measure.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

void bench_simd(char *buf, size_t len)
{
	static const char *const names[] = { "sse4_2", "avx", "avx2", "fma", "avx512f",
					     "avx512bw", "avx512vl", "avx512dq", "avx512vbmi",
					     "avx512_vnni", "neon", "asimd", "sve" };
	static char flags[8192];
	size_t used = 0;

	bench_cpuinfo("flags", flags, sizeof(flags));
	if (!strcmp(flags, "unknown"))
		bench_cpuinfo("Features", flags, sizeof(flags));	/* arm64 */
	snprintf(buf, len, "none");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *hit = strstr(flags, names[i]);
		size_t nl = strlen(names[i]);

		/* whole words only ("avx" is in "avx2") */
		while (hit && ((hit != flags && hit[-1] != ' ') || (hit[nl] && hit[nl] != ' ')))
			hit = strstr(hit + 1, names[i]);
		if (hit && used + nl + 2 < len)
			used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? " " : "",
						 names[i]);
	}
}

int32_t bench_argmax(const float *x, uint32_t n)
{
	uint32_t a = 0;

	for (uint32_t i = 1; i < n; i++)
		if (x[i] > x[a])
			a = i;
	return (int32_t)a;
}
