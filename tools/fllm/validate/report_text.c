/* Text report and totals of fllm validate (see report.h). */
#include "report.h"

void val_totals_count(const struct val_result *results, struct val_totals *t)
{
	size_t i;

	t->passed = t->failed = t->skipped = 0;
	t->seconds = 0;
	for (i = 0; i < val_check_count; i++) {
		t->seconds += results[i].seconds;
		if (results[i].outcome == VAL_PASS)
			t->passed++;
		else if (results[i].outcome == VAL_FAIL)
			t->failed++;
		else
			t->skipped++;
	}
}

/* A table of checks, then the closing totals line CI tools read. */
void val_report_text(FILE *f, const char *device, const struct val_result *results)
{
	struct val_totals t;
	size_t i;

	val_totals_count(results, &t);
	fprintf(f, "fllm validate on %s\n", device);
	for (i = 0; i < val_check_count; i++)
		fprintf(f, "  %-4s %-18s %8.3f s  %s\n", val_outcome_name(results[i].outcome),
			val_checks[i].name, results[i].seconds, results[i].message);
	fprintf(f, "%zu passed, %zu failed, %zu skipped\n", t.passed, t.failed, t.skipped);
}
