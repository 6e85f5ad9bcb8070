/* fllm validate's reports: the text summary, JUnit XML and JSON. */
#ifndef FLLM_CLI_VALIDATE_REPORT_H
#define FLLM_CLI_VALIDATE_REPORT_H

#include <stdio.h>

#include "check.h"

struct val_totals {
	size_t passed, failed, skipped;
	double seconds;
};

void val_totals_count(const struct val_result *results, struct val_totals *t);
/* One line per check, then "N passed, N failed, N skipped" on its own line. */
void val_report_text(FILE *f, const char *device, const struct val_result *results);
/* JUnit XML to path; 0 on success, -1 (errno set) when the file can't be written. */
int val_report_junit(const char *path, const char *device, const struct val_result *results);
void val_report_json(FILE *f, const char *device, const struct val_ctx *ctx,
		     const struct val_result *results);

#endif /* FLLM_CLI_VALIDATE_REPORT_H */
