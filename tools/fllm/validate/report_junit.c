/* JUnit XML report of fllm validate (see report.h). */
#include <errno.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "../json.h"
#include "report.h"

/* Write s with XML's five special characters escaped, and control
 * characters (not allowed in XML 1.0) replaced by '?'. */
static void junit_escape(FILE *f, const char *s)
{
	static const char *const map[128] = {
		['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;", ['\''] = "&apos;",
		['\t'] = "\t", ['\n'] = "\n",
	};

	cli_write_escaped(f, s, map, "?");
}

/* Close an open <testcase> with its <failure> or <skipped> child; a failure
 * repeats its message as the element's text. */
static void junit_outcome(FILE *f, int failed, const char *message)
{
	fprintf(f, ">\n      <%s message=\"", failed ? "failure" : "skipped");
	junit_escape(f, message);
	if (failed) {
		fprintf(f, "\" type=\"fail\">");
		junit_escape(f, message);
		fprintf(f, "</failure>\n    </testcase>\n");
	} else {
		fprintf(f, "\"/>\n    </testcase>\n");
	}
}

/* One <testsuites> holding one <testsuite> with one <testcase> per check. */
int val_report_junit(const char *path, const char *device, const struct val_result *results)
{
	char host[256] = "localhost", stamp[32];
	struct val_totals t;
	struct tm tm;
	time_t now = time(NULL);
	size_t i;
	FILE *f;
	int err;

	f = fopen(path, "w");
	if (!f)
		return -1;
	val_totals_count(results, &t);
	gethostname(host, sizeof(host) - 1);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f, "<testsuites name=\"fllm validate\" tests=\"%zu\" failures=\"%zu\" "
		"errors=\"0\" skipped=\"%zu\" time=\"%.3f\">\n", val_check_count, t.failed,
		t.skipped, t.seconds);
	fprintf(f, "  <testsuite name=\"fllm.validate\" tests=\"%zu\" failures=\"%zu\" "
		"errors=\"0\" skipped=\"%zu\" time=\"%.3f\" timestamp=\"%s\" hostname=\"",
		val_check_count, t.failed, t.skipped, t.seconds, stamp);
	junit_escape(f, host);
	fprintf(f, "\">\n    <properties>\n      <property name=\"device\" value=\"");
	junit_escape(f, device);
	fprintf(f, "\"/>\n    </properties>\n");
	for (i = 0; i < val_check_count; i++) {
		fprintf(f, "    <testcase classname=\"fllm.validate\" name=\"");
		junit_escape(f, val_checks[i].name);
		fprintf(f, "\" time=\"%.3f\"", results[i].seconds);
		switch (results[i].outcome) {
		case VAL_PASS:
			fprintf(f, "/>\n");
			break;
		case VAL_FAIL:
			junit_outcome(f, 1, results[i].message);
			break;
		case VAL_SKIP:
			junit_outcome(f, 0, results[i].message);
			break;
		}
	}
	fprintf(f, "  </testsuite>\n</testsuites>\n");
	err = ferror(f);
	if (fclose(f) || err) {
		if (!errno)
			errno = EIO;
		return -1;
	}
	return 0;
}
