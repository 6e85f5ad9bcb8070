/*
 * Error text for the engine's loaders: the caller's buffer (may be absent)
 * receives one line naming the problem, and the status is passed through so
 * a failure is reported and returned in one statement.
 */
#ifndef FLLM_ENGINE_ERROR_H
#define FLLM_ENGINE_ERROR_H

#include <stddef.h>

#include "fllm/fllm.h"

struct fllm_err {
	char *buf;		/* (size) bytes, NUL-terminated text; NULL: discard */
	size_t size;
};

/* Write the formatted message into e (if any) and return st. */
fllm_status fllm_err_set(struct fllm_err *e, fllm_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Put "prefix: " in front of the message already in e (context for callers). */
void fllm_err_prefix(struct fllm_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* FLLM_ENGINE_ERROR_H */
