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

#endif /* FLLM_CLI_JSON_H */
