/* Outcome and message of a check (see check.h). */
#include <stdarg.h>
#include <stdio.h>

#include "check.h"

/* Record outcome o with its message unless a failure is already recorded. */
static void val_set(struct val_result *res, enum val_outcome o, const char *fmt, va_list ap)
{
	if (res->outcome == VAL_FAIL)
		return;
	res->outcome = o;
	vsnprintf(res->message, sizeof(res->message), fmt, ap);
}

void val_pass(struct val_result *res, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	val_set(res, VAL_PASS, fmt, ap);
	va_end(ap);
}

void val_fail(struct val_result *res, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	val_set(res, VAL_FAIL, fmt, ap);
	va_end(ap);
}

void val_skip(struct val_result *res, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	val_set(res, VAL_SKIP, fmt, ap);
	va_end(ap);
}

const char *val_outcome_name(enum val_outcome o)
{
	switch (o) {
	case VAL_PASS:
		return "pass";
	case VAL_FAIL:
		return "fail";
	case VAL_SKIP:
		return "skip";
	}
	return "unknown";
}
