/* fllm validate: the hardware-validation suite for labs (checks in validate/). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "commands.h"
#include "device_open.h"
#include "fllm/fllm.h"
#include "validate/check.h"
#include "validate/report.h"

/* Parse flags, open the device, run every check, write the reports; exit 0
 * when all passed (skips allowed), 1 on any failure, 2 usage, 3 no device. */
int cli_cmd_validate(int argc, char **argv)
{
	static const char synopsis[] =
		"[--device D] [--junit FILE] [--json] [--quick] [--max-dma SIZE]";
	static const char summary[] =
		"Run the hardware-validation suite through the public runtime API: identity,\n"
		"registers, DMA, card memory, command errors, watchdog, timestamps, telemetry,\n"
		"and every compute unit against the golden model on random shapes.\n"
		"Progress goes to stderr. Exit 0 all passed, 1 a check failed, 2 usage error,\n"
		"3 device not opened.";
	struct val_result results[16];
	struct val_ctx ctx = { 0 };
	struct val_totals t;
	const char *device = "emu:0", *junit = NULL;
	uint64_t max_dma = 64ull << 20;
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
		{ NULL, CLI_OPT_FLAG, NULL, NULL, NULL, 0, 0 },
	};

	rc = cli_args_command(argc, argv, opts, NULL, 0, &npos, synopsis, summary);
	if (rc >= 0)
		return rc;
	_Static_assert(sizeof(results) / sizeof(results[0]) >= 10, "room for every check");
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
	return rc;
}
