/* Helpers shared by the benchmarks: see bench_util.h. */
#include "bench_util.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "json.h"

void bench_print_machine(int json)
{
	char cpu[256], simd[160];

	bench_cpuinfo("model name", cpu, sizeof(cpu));
	bench_simd(simd, sizeof(simd));
	if (json) {
		printf("{\"bench\": \"machine\", \"cpu\": ");
		cli_json_write_string(stdout, cpu);
		printf(", \"simd\": ");
		cli_json_write_string(stdout, simd);
		printf(", \"cores\": %ld", sysconf(_SC_NPROCESSORS_ONLN));
		return;
	}
	printf("machine   %s, %ld cores online, SIMD %s\n", cpu, sysconf(_SC_NPROCESSORS_ONLN),
	       simd);
}

double bench_cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
