/*
 * A growing byte buffer for text the CLI gathers piece by piece (generated
 * text, request bodies, documents being written). Zero-initialise it; after
 * any successful append p[len] is '\0'.
 */
#ifndef FLLM_CLI_TEXT_BUF_H
#define FLLM_CLI_TEXT_BUF_H

#include <stddef.h>

struct text_buf {
	char *p;		/* (cap) bytes: the text, then '\0' */
	size_t len, cap;
};

/* Append s[0..n); 0, or -1 without memory (the buffer unchanged). */
int text_buf_append(struct text_buf *b, const char *s, size_t n);
/* Append printf output; 0 or -1. */
int text_buf_printf(struct text_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void text_buf_free(struct text_buf *b);

#endif /* FLLM_CLI_TEXT_BUF_H */
