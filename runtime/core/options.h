/*
 * Device spec options: "0,mem=1G,channels=8". An optional leading index
 * (decimal, no '=') and then key=value pairs separated by commas. Strict:
 * unknown or repeated keys, empty items, bad numbers and bad suffixes are
 * errors (FLLM_E_INVALID_ARG), never ignored.
 */
#ifndef FLLM_CORE_OPTIONS_H
#define FLLM_CORE_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "fllm/fllm.h"

enum fllm_option_kind {
	FLLM_OPT_UINT,		/* decimal or 0x hex, no suffix */
	FLLM_OPT_SIZE,		/* as UINT, plus K, M, G, T (powers of 1024) */
};

struct fllm_option {
	const char *key;
	enum fllm_option_kind kind;
	uint64_t min, max;	/* accepted range, inclusive */
	uint64_t value;		/* out: the value, when present */
	int present;		/* out: 1 when given */
};

/*
 * Parse spec into opts[0..n). index receives the leading index if one is
 * given (left alone otherwise); pass NULL to refuse a leading index.
 */
fllm_status fllm_options_parse(const char *spec, struct fllm_option *opts, size_t n,
			       uint64_t *index);

/* Parse one number of kind from the whole of text (exposed for tests). */
fllm_status fllm_options_number(const char *text, size_t len, enum fllm_option_kind kind,
				uint64_t *out);

#endif /* FLLM_CORE_OPTIONS_H */
