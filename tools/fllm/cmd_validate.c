/* fllm validate: the hardware-validation suite for labs (checks in validate/). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "commands.h"
#include "device_open.h"
#include "fllm/fllm.h"
#include "run_options.h"
#include "validate/check.h"
#include "validate/report.h"

/* The decimal flags, each checked against its range; -1 after printing the
 * first bad one. */
static int val_parse_floats(const char *floor, const char *load, const char *temp,
			    float *f_floor, float *f_load, float *f_temp)
{
	const struct {
		const char *flag, *text;
		float lo, hi, *out;
	} fl[] = {
		{ "--dma-floor", floor, 0.001f, 1000.0f, f_floor },
		{ "--load-secs", load, 0.05f, 600.0f, f_load },
		{ "--temp-max", temp, 20.0f, 150.0f, f_temp },
	};

	for (size_t i = 0; i < sizeof(fl) / sizeof(fl[0]); i++)
		if (fl[i].text && run_parse_float(fl[i].text, fl[i].lo, fl[i].hi, fl[i].out)) {
			fprintf(stderr, "fllm validate: %s: '%s' is not a number in [%g, %g]\n",
				fl[i].flag, fl[i].text, (double)fl[i].lo, (double)fl[i].hi);
			return -1;
		}
	return 0;
}

/* Parse flags, open the device, run every check, write the reports; exit 0
 * when all passed (skips allowed), 1 on any failure, 2 usage, 3 no device. */
int cli_cmd_validate(int argc, char **argv)
{
	static const char synopsis[] =
		"[--device D] [--junit FILE] [--json] [--quick] [--max-dma SIZE] "
		"[--dma-floor GBPS] [--load-secs S] [--temp-max C] [--repeat N] [--duration S]";
	static const char summary[] =
		"Run the hardware-validation suite through the public runtime API: identity,\n"
		"registers, DMA, card memory, command errors, watchdog, timestamps, telemetry,\n"
		"DMA bandwidth, PCIe link, power under load, and every compute unit against\n"
		"the golden model on random shapes. --repeat/--duration soak the card.\n"
		"Progress goes to stderr. Exit 0 all passed, 1 a check failed, 2 usage error,\n"
		"3 device not opened.";
	struct val_result results[24];
	struct val_ctx ctx = { 0 };
	struct val_totals t;
	const char *device = "emu:0", *junit = NULL;
	const char *dma_floor = NULL, *load_secs = NULL, *temp_max = NULL;
	uint64_t max_dma = 64ull << 20, repeat = 1, duration = 0;
	float f_floor = 0, f_load = 1.0f, f_temp = 95.0f;
	int json = 0, quick = 0, npos, rc;
	fllm_status st;
	struct cli_opt opts[] = {
		{ "--device", CLI_OPT_STRING, &device, "D", "device to test (default emu:0)", 0,
		  0 },
		{ "--junit", CLI_OPT_STRING, &junit, "FILE", "write a JUnit XML report to FILE",
		  0, 0 },
		{ "--json", CLI_OPT_FLAG, &json, NULL, "print a JSON report instead of text", 0,
		  0 },
		{ "--quick", CLI_OPT_FLAG, &quick, NULL, "shorter run: DMA up to 1 MiB", 0, 0 },
		{ "--max-dma", CLI_OPT_SIZE, &max_dma, "SIZE",
		  "largest DMA loopback transfer, 4K..64M (default 64M)", 4096, 64ull << 20 },
		{ "--dma-floor", CLI_OPT_STRING, &dma_floor, "GBPS", "dma_bandwidth floor in GB/s "
		  "(default: 60% of the PCIe link, 0.05 for a simulated card)", 0, 0 },
		{ "--load-secs", CLI_OPT_STRING, &load_secs, "S", "power_load duration, 0.05..600 "
		  "(default 1; 0.3 with --quick)", 0, 0 },
		{ "--temp-max", CLI_OPT_STRING, &temp_max, "C", "power_load die temperature "
		  "limit, 20..150 (default 95)", 0, 0 },
		{ "--repeat", CLI_OPT_U64, &repeat, "N", "soak: run the suite N times (default 1)",
		  1, 1000000 },
		{ "--duration", CLI_OPT_U64, &duration, "S", "soak: run the suite again until S "
		  "seconds passed", 1, 7 * 24 * 3600 },
		{ NULL, CLI_OPT_FLAG, NULL, NULL, NULL, 0, 0 },
	};

	rc = cli_args_command(argc, argv, opts, NULL, 0, &npos, synopsis, summary);
	if (rc >= 0)
		return rc;
	if (val_parse_floats(dma_floor, load_secs, temp_max, &f_floor, &f_load, &f_temp))
		return CLI_EXIT_USAGE;
	_Static_assert(sizeof(results) / sizeof(results[0]) >= 16, "room for every check");
	if (val_check_count > sizeof(results) / sizeof(results[0])) {
		fprintf(stderr, "fllm validate: internal error: too many checks\n");
		return CLI_EXIT_FAIL;
	}
	if (cli_device_open(argv[0], device, &ctx.dev) != FLLM_OK)
		return CLI_EXIT_NO_DEVICE;
	st = fllm_device_info_get(ctx.dev, &ctx.info);
	if (st != FLLM_OK) {
		fprintf(stderr, "fllm validate: %s: reading device info: %s\n", device,
			fllm_status_str(st));
		fllm_device_close(ctx.dev);
		return CLI_EXIT_NO_DEVICE;
	}
	ctx.max_dma = max_dma;
	ctx.quick = quick;
	ctx.dma_floor_gbps = f_floor;
	ctx.load_secs = f_load;
	ctx.temp_max_c = f_temp;
	ctx.repeat = repeat;
	ctx.duration_s = (double)duration;
	fprintf(stderr, "fllm validate: %s (%s), %zu checks%s\n", device, ctx.info.backend,
		val_check_count, quick ? ", quick" : "");
	val_suite_run(&ctx, results);
	fllm_device_close(ctx.dev);

	val_totals_count(results, &t);
	rc = t.failed ? CLI_EXIT_FAIL : CLI_EXIT_OK;
	if (junit && val_report_junit(junit, device, results)) {
		fprintf(stderr, "fllm validate: writing %s: %s\n", junit, strerror(errno));
		rc = CLI_EXIT_FAIL;
	}
	if (json) {
		val_report_json(stdout, device, &ctx, results);
		fprintf(stderr, "%zu passed, %zu failed, %zu skipped\n", t.passed, t.failed,
			t.skipped);
	} else {
		val_report_text(stdout, device, results);
	}
	if (ctx.runs > 1)
		fprintf(stderr, "fllm validate: soak: %llu runs of the suite\n",
			(unsigned long long)ctx.runs);
	return rc;
}
