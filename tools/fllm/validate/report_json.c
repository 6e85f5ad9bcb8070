/* JSON report of fllm validate (see report.h). */
#include "../json.h"
#include "report.h"

/* One document: device, settings, totals and one object per check. */
void val_report_json(FILE *f, const char *device, const struct val_ctx *ctx,
		     const struct val_result *results)
{
	struct val_totals t;
	struct cli_json j;
	size_t i;

	val_totals_count(results, &t);
	cli_json_init(&j, f);
	cli_json_object_begin(&j, NULL);
	cli_json_str(&j, "device", device);
	cli_json_bool(&j, "quick", ctx->quick);
	cli_json_u64(&j, "max_dma", ctx->max_dma);
	cli_json_u64(&j, "runs", ctx->runs);
	cli_json_double(&j, "temp_max_c", ctx->temp_max_c);
	if (ctx->dma_floor_gbps > 0)
		cli_json_double(&j, "dma_floor_gbps", ctx->dma_floor_gbps);
	cli_json_u64(&j, "tests", val_check_count);
	cli_json_u64(&j, "passed", t.passed);
	cli_json_u64(&j, "failed", t.failed);
	cli_json_u64(&j, "skipped", t.skipped);
	cli_json_double(&j, "seconds", t.seconds);
	cli_json_array_begin(&j, "checks");
	for (i = 0; i < val_check_count; i++) {
		cli_json_object_begin(&j, NULL);
		cli_json_str(&j, "name", val_checks[i].name);
		cli_json_str(&j, "status", val_outcome_name(results[i].outcome));
		cli_json_double(&j, "seconds", results[i].seconds);
		cli_json_str(&j, "message", results[i].message);
		cli_json_object_end(&j);
	}
	cli_json_array_end(&j);
	cli_json_object_end(&j);
	cli_json_end(&j);
}
