/* Streaming JSON writer (see json.h). */
#include "json.h"

#include <assert.h>
#include <inttypes.h>
#include <math.h>

/* Start writing to f. */
void cli_json_init(struct cli_json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->count[0] = 0;
}

void cli_write_escaped(FILE *f, const char *s, const char *const map[128],
		       const char *ctrl_fmt)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 128 && map[*p])
			fputs(map[*p], f);
		else if (*p < 0x20)
			fprintf(f, ctrl_fmt, (unsigned)*p);
		else
			fputc(*p, f);
	}
}

/* Quote and escape s: quotes, backslashes and control characters. */
void cli_json_write_string(FILE *f, const char *s)
{
	static const char *const map[128] = {
		['"'] = "\\\"", ['\\'] = "\\\\", ['\n'] = "\\n", ['\t'] = "\\t", ['\r'] = "\\r",
	};

	fputc('"', f);
	cli_write_escaped(f, s, map, "\\u%04x");
	fputc('"', f);
}

/* Separator, indentation and "key": before any value. */
static void cli_json_member(struct cli_json *j, const char *key)
{
	if (j->count[j->depth]++)
		fputc(',', j->f);
	if (j->depth)
		fprintf(j->f, "\n%*s", 2 * j->depth, "");
	if (key) {
		cli_json_write_string(j->f, key);
		fputs(": ", j->f);
	}
}

/* Open a nested container. */
static void cli_json_open(struct cli_json *j, const char *key, char c)
{
	cli_json_member(j, key);
	fputc(c, j->f);
	assert(j->depth + 1 < CLI_JSON_DEPTH && "JSON nested too deep");
	j->count[++j->depth] = 0;
}

/* Close the innermost container. */
static void cli_json_close(struct cli_json *j, char c)
{
	int had = j->count[j->depth];

	assert(j->depth > 0 && "JSON close without open");
	j->depth--;
	if (had)
		fprintf(j->f, "\n%*s", 2 * j->depth, "");
	fputc(c, j->f);
}

void cli_json_object_begin(struct cli_json *j, const char *key)
{
	cli_json_open(j, key, '{');
}

void cli_json_object_end(struct cli_json *j)
{
	cli_json_close(j, '}');
}

void cli_json_array_begin(struct cli_json *j, const char *key)
{
	cli_json_open(j, key, '[');
}

void cli_json_array_end(struct cli_json *j)
{
	cli_json_close(j, ']');
}

void cli_json_str(struct cli_json *j, const char *key, const char *val)
{
	cli_json_member(j, key);
	cli_json_write_string(j->f, val ? val : "");
}

void cli_json_u64(struct cli_json *j, const char *key, uint64_t val)
{
	cli_json_member(j, key);
	fprintf(j->f, "%" PRIu64, val);
}

void cli_json_i64(struct cli_json *j, const char *key, int64_t val)
{
	cli_json_member(j, key);
	fprintf(j->f, "%" PRId64, val);
}

/* JSON has no NaN or infinity: those become null. */
void cli_json_double(struct cli_json *j, const char *key, double val)
{
	cli_json_member(j, key);
	if (isfinite(val))
		fprintf(j->f, "%.6g", val);
	else
		fputs("null", j->f);
}

void cli_json_bool(struct cli_json *j, const char *key, int val)
{
	cli_json_member(j, key);
	fputs(val ? "true" : "false", j->f);
}

void cli_json_end(struct cli_json *j)
{
	assert(j->depth == 0 && "JSON document left open");
	fputc('\n', j->f);
}
