/* Device spec options parser: see options.h. */
#include "options.h"

#include <string.h>

/* Value of one digit in base, or -1. */
static int digit_value(char c, unsigned base)
{
	int v;

	if (c >= '0' && c <= '9')
		v = c - '0';
	else if (c >= 'a' && c <= 'f')
		v = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		v = c - 'A' + 10;
	else
		return -1;
	return (unsigned)v < base ? v : -1;
}

/* Strict number: digits (0x for hex) then, for sizes, one suffix letter. */
fllm_status fllm_options_number(const char *text, size_t len, enum fllm_option_kind kind,
				uint64_t *out)
{
	unsigned base = 10, shift = 0;
	uint64_t v = 0;
	size_t i = 0, digits = 0;

	if (len >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (kind == FLLM_OPT_SIZE && len > i) {
		switch (text[len - 1]) {
		case 'k': case 'K': shift = 10; break;
		case 'm': case 'M': shift = 20; break;
		case 'g': case 'G': shift = 30; break;
		case 't': case 'T': shift = 40; break;
		default: break;
		}
		if (shift && base == 16)
			return FLLM_E_INVALID_ARG;	/* "0x1G" is ambiguous: refuse */
		if (shift)
			len--;
	}
	for (; i < len; i++, digits++) {
		int d = digit_value(text[i], base);

		if (d < 0)
			return FLLM_E_INVALID_ARG;
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			return FLLM_E_INVALID_ARG;
		v = v * base + (uint64_t)d;
	}
	if (!digits)
		return FLLM_E_INVALID_ARG;
	if (shift && v > (UINT64_MAX >> shift))
		return FLLM_E_INVALID_ARG;
	*out = v << shift;
	return FLLM_OK;
}

/* Find key (not NUL-terminated, klen bytes) in opts. */
static struct fllm_option *find_option(struct fllm_option *opts, size_t n, const char *key,
				       size_t klen)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(opts[i].key) == klen && !memcmp(opts[i].key, key, klen))
			return &opts[i];
	return NULL;
}

/* Walk the comma-separated items of spec; see options.h for the rules. */
fllm_status fllm_options_parse(const char *spec, struct fllm_option *opts, size_t n,
			       uint64_t *index)
{
	const char *p = spec;
	int first = 1;

	for (size_t i = 0; i < n; i++)
		opts[i].present = 0;
	if (!*p)
		return FLLM_OK;
	for (;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		const char *eq = memchr(p, '=', len);
		struct fllm_option *o;
		fllm_status st;
		uint64_t v;

		if (!len)
			return FLLM_E_INVALID_ARG;
		if (!eq) {
			if (!first || !index)
				return FLLM_E_INVALID_ARG;
			st = fllm_options_number(p, len, FLLM_OPT_UINT, &v);
			if (st)
				return st;
			*index = v;
		} else {
			o = find_option(opts, n, p, (size_t)(eq - p));
			if (!o || o->present)
				return FLLM_E_INVALID_ARG;
			st = fllm_options_number(eq + 1, len - (size_t)(eq + 1 - p), o->kind, &v);
			if (st)
				return st;
			if (v < o->min || v > o->max)
				return FLLM_E_INVALID_ARG;
			o->value = v;
			o->present = 1;
		}
		first = 0;
		if (!end)
			return FLLM_OK;
		p = end + 1;
	}
}
