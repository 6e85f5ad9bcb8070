/*
 * The fllm CLI's argument parser: every command describes its options in a
 * table and gets strict checking for free (unknown flag, missing value, bad
 * number, value out of range), each failure reported with the flag's name.
 */
#ifndef FLLM_CLI_ARGS_H
#define FLLM_CLI_ARGS_H

#include <stdint.h>
#include <stdio.h>

/* Exit statuses shared by every command. */
#define CLI_EXIT_OK		0
#define CLI_EXIT_FAIL		1
#define CLI_EXIT_USAGE		2
#define CLI_EXIT_NO_DEVICE	3

enum cli_opt_kind {
	CLI_OPT_FLAG,		/* dst: int *, set to 1 */
	CLI_OPT_U64,		/* dst: uint64_t *, decimal or 0x hex */
	CLI_OPT_SIZE,		/* dst: uint64_t *, bytes with optional K/M/G suffix (KiB...) */
	CLI_OPT_STRING,		/* dst: const char **, points into argv, not empty */
	CLI_OPT_TEXT,		/* dst: const char **, points into argv, may be empty */
};

struct cli_opt {
	const char *name;	/* "--samples"; NULL ends the table */
	enum cli_opt_kind kind;
	void *dst;
	const char *meta;	/* value placeholder in help, e.g. "N" */
	const char *help;
	uint64_t min, max;	/* accepted range for U64 and SIZE (max 0 = no limit) */
};

/* What cli_args_parse found. */
enum cli_args_result {
	CLI_ARGS_OK = 0,
	CLI_ARGS_HELP = 1,	/* -h or --help given: caller prints usage, exits 0 */
	CLI_ARGS_ERROR = 2,	/* message already printed on stderr */
};

/*
 * Parse argv[1..argc) of command cmd (argv[0] is the command's name). Options
 * take "--name VALUE" or "--name=VALUE"; "--" ends options. Up to pos_max
 * positional arguments are stored in pos[], their number in *npos.
 */
enum cli_args_result cli_args_parse(const char *cmd, int argc, char **argv,
				    const struct cli_opt *opts, const char **pos, int pos_max,
				    int *npos);

/* Print "usage: fllm CMD SYNOPSIS" and one line per option. */
void cli_args_usage(FILE *f, const char *cmd, const char *synopsis, const char *summary,
		    const struct cli_opt *opts);

/*
 * cli_args_parse for a command's main: on -h/--help prints the usage and
 * returns CLI_EXIT_OK, on a bad argument returns CLI_EXIT_USAGE, and returns
 * -1 when the command should go on.
 */
int cli_args_command(int argc, char **argv, const struct cli_opt *opts, const char **pos,
		     int pos_max, int *npos, const char *synopsis, const char *summary);

/* Parse a size such as "4096", "64K", "1MiB", "2G" into bytes; 0 on success. */
int cli_parse_size(const char *text, uint64_t *out);
/* Parse an unsigned decimal or 0x-prefixed hexadecimal number; 0 on success. */
int cli_parse_u64(const char *text, uint64_t *out);

#endif /* FLLM_CLI_ARGS_H */
