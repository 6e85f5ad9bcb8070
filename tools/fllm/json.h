/*
 * A small streaming JSON writer for the CLI's --json outputs: it tracks
 * nesting and commas, escapes every string and prints one document.
 */
#ifndef FLLM_CLI_JSON_H
#define FLLM_CLI_JSON_H

#include <stdint.h>
#include <stdio.h>

#define CLI_JSON_DEPTH 16

struct cli_json {
	FILE *f;
	int depth;
	int count[CLI_JSON_DEPTH];	/* members written at each level */
};

void cli_json_init(struct cli_json *j, FILE *f);
/* key is the member name inside an object, NULL inside an array or at the top. */
void cli_json_object_begin(struct cli_json *j, const char *key);
void cli_json_object_end(struct cli_json *j);
void cli_json_array_begin(struct cli_json *j, const char *key);
void cli_json_array_end(struct cli_json *j);
void cli_json_str(struct cli_json *j, const char *key, const char *val);
void cli_json_u64(struct cli_json *j, const char *key, uint64_t val);
void cli_json_i64(struct cli_json *j, const char *key, int64_t val);
void cli_json_double(struct cli_json *j, const char *key, double val);
void cli_json_bool(struct cli_json *j, const char *key, int val);
/* Finish the document with a newline. */
void cli_json_end(struct cli_json *j);

/* Write s as a quoted, escaped JSON string. */
void cli_json_write_string(FILE *f, const char *s);

/*
 * Write s with each byte that has an entry in map (128 entries) as that
 * entry, other control bytes by ctrl_fmt (given the byte as an unsigned int;
 * "?" replaces them) and every other byte as itself: JSON strings, and the
 * XML of fllm validate's JUnit report.
 */
void cli_write_escaped(FILE *f, const char *s, const char *const map[128],
		       const char *ctrl_fmt);

#endif /* FLLM_CLI_JSON_H */
