/* The CLI's strict option parser (see args.h). */
#include "args.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Parse an unsigned number with strtoull, refusing signs, junk and overflow. */
int cli_parse_u64(const char *text, uint64_t *out)
{
	unsigned long long v;
	char *end;
	int base = 10;

	if (!text || !*text || !isdigit((unsigned char)text[0]))
		return -1;
	if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
		base = 16;
		text += 2;
		if (!isxdigit((unsigned char)*text))
			return -1;
	}
	errno = 0;
	v = strtoull(text, &end, base);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

/* Parse a byte count with an optional binary suffix: K, M, G, T (with or
 * without "iB"/"B"), so "64K", "64KiB" and "65536" mean the same. */
int cli_parse_size(const char *text, uint64_t *out)
{
	static const char suffixes[] = "KMGT";
	unsigned long long v;
	const char *s;
	char *end;
	int shift = 0;

	if (!text || !isdigit((unsigned char)text[0]))
		return -1;
	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno)
		return -1;
	if (*end) {
		s = strchr(suffixes, toupper((unsigned char)*end));
		if (!s)
			return -1;
		shift = 10 * (int)(s - suffixes + 1);
		end++;
		if (!strcmp(end, "iB") || !strcmp(end, "B"))
			end += strlen(end);
		if (*end)
			return -1;
	}
	if (shift && v > (~0ull >> shift))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

/* Find the table entry for "--name" (the text before any '='). */
static const struct cli_opt *cli_opt_find(const struct cli_opt *opts, const char *arg,
					  size_t len)
{
	for (; opts->name; opts++)
		if (strlen(opts->name) == len && !strncmp(opts->name, arg, len))
			return opts;
	return NULL;
}

/* Store one option's value, checking its form and range. */
static int cli_opt_store(const char *cmd, const struct cli_opt *o, const char *val)
{
	uint64_t v;
	int bad;

	switch (o->kind) {
	case CLI_OPT_STRING:
		if (!*val) {
			fprintf(stderr, "fllm %s: %s needs a non-empty value\n", cmd, o->name);
			return -1;
		}
		*(const char **)o->dst = val;
		return 0;
	case CLI_OPT_TEXT:
		*(const char **)o->dst = val;
		return 0;
	case CLI_OPT_U64:
	case CLI_OPT_SIZE:
		bad = o->kind == CLI_OPT_U64 ? cli_parse_u64(val, &v) : cli_parse_size(val, &v);
		if (bad) {
			fprintf(stderr, "fllm %s: %s: '%s' is not a valid %s\n", cmd, o->name, val,
				o->kind == CLI_OPT_U64 ? "number" : "size (e.g. 4096, 64K, 16M)");
			return -1;
		}
		if (v < o->min || (o->max && v > o->max)) {
			fprintf(stderr, "fllm %s: %s: %s is out of range [%llu, %llu]\n", cmd,
				o->name, val, (unsigned long long)o->min,
				(unsigned long long)(o->max ? o->max : UINT64_MAX));
			return -1;
		}
		*(uint64_t *)o->dst = v;
		return 0;
	case CLI_OPT_FLAG:
		break;
	}
	return -1;
}

/* Walk argv once: options by table, the rest positional (see args.h). */
enum cli_args_result cli_args_parse(const char *cmd, int argc, char **argv,
				    const struct cli_opt *opts, const char **pos, int pos_max,
				    int *npos)
{
	const struct cli_opt *o;
	const char *arg, *eq, *val;
	int i, only_pos = 0;

	*npos = 0;
	for (i = 1; i < argc; i++) {
		arg = argv[i];
		if (only_pos || arg[0] != '-' || !arg[1]) {
			if (*npos >= pos_max) {
				fprintf(stderr, "fllm %s: unexpected argument '%s'\n", cmd, arg);
				return CLI_ARGS_ERROR;
			}
			pos[(*npos)++] = arg;
			continue;
		}
		if (!strcmp(arg, "--")) {
			only_pos = 1;
			continue;
		}
		if (!strcmp(arg, "-h") || !strcmp(arg, "--help"))
			return CLI_ARGS_HELP;
		eq = strchr(arg, '=');
		o = cli_opt_find(opts, arg, eq ? (size_t)(eq - arg) : strlen(arg));
		if (!o) {
			fprintf(stderr, "fllm %s: unknown option '%.*s' (see 'fllm %s --help')\n",
				cmd, eq ? (int)(eq - arg) : (int)strlen(arg), arg, cmd);
			return CLI_ARGS_ERROR;
		}
		if (o->kind == CLI_OPT_FLAG) {
			if (eq) {
				fprintf(stderr, "fllm %s: %s takes no value\n", cmd, o->name);
				return CLI_ARGS_ERROR;
			}
			*(int *)o->dst = 1;
			continue;
		}
		if (eq) {
			val = eq + 1;
		} else if (i + 1 < argc) {
			val = argv[++i];
		} else {
			fprintf(stderr, "fllm %s: %s needs a value (%s)\n", cmd, o->name,
				o->meta ? o->meta : "VALUE");
			return CLI_ARGS_ERROR;
		}
		if (cli_opt_store(cmd, o, val))
			return CLI_ARGS_ERROR;
	}
	return CLI_ARGS_OK;
}

/* Usage text generated from the option table, so help never drifts. */
void cli_args_usage(FILE *f, const char *cmd, const char *synopsis, const char *summary,
		    const struct cli_opt *opts)
{
	char left[64];

	fprintf(f, "usage: fllm %s %s\n\n%s\n", cmd, synopsis, summary);
	if (!opts || !opts->name)
		return;
	fprintf(f, "\noptions:\n");
	for (; opts->name; opts++) {
		snprintf(left, sizeof(left), "%s%s%s", opts->name, opts->meta ? " " : "",
			 opts->meta ? opts->meta : "");
		fprintf(f, "  %-22s %s\n", left, opts->help);
	}
	fprintf(f, "  %-22s %s\n", "-h, --help", "show this help");
}

/* See args.h. */
int cli_args_command(int argc, char **argv, const struct cli_opt *opts, const char **pos,
		     int pos_max, int *npos, const char *synopsis, const char *summary)
{
	switch (cli_args_parse(argv[0], argc, argv, opts, pos, pos_max, npos)) {
	case CLI_ARGS_HELP:
		cli_args_usage(stdout, argv[0], synopsis, summary, opts);
		return CLI_EXIT_OK;
	case CLI_ARGS_ERROR:
		return CLI_EXIT_USAGE;
	case CLI_ARGS_OK:
		break;
	}
	return -1;
}
