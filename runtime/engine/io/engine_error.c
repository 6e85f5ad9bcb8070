/* Error text for the engine's loaders (see engine_error.h). */
#include "engine_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Format the message into the caller's buffer, truncating if it must. */
fllm_status fllm_err_set(struct fllm_err *e, fllm_status st, const char *fmt, ...)
{
	va_list ap;

	if (!e || !e->buf || !e->size)
		return st;
	va_start(ap, fmt);
	vsnprintf(e->buf, e->size, fmt, ap);
	va_end(ap);
	return st;
}

/* Prepend context such as the file name to an existing message. */
void fllm_err_prefix(struct fllm_err *e, const char *fmt, ...)
{
	char old[512];	/* the message being prefixed */
	va_list ap;
	int n;

	if (!e || !e->buf || !e->size)
		return;
	snprintf(old, sizeof(old), "%s", e->buf);
	va_start(ap, fmt);
	n = vsnprintf(e->buf, e->size, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < e->size)
		snprintf(e->buf + n, e->size - (size_t)n, ": %s", old);
}
