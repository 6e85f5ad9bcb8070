/*
 * The tokenizer behind fllm_tokenizer: a vocabulary of byte strings with
 * merge scores and kinds, plus a sorted index of the pieces text can turn
 * into (normal and user-defined ones). Loaders fill it through
 * fllm_tokenizer_alloc / _set_piece / _finish.
 */
#ifndef FLLM_ENGINE_TOKENIZER_H
#define FLLM_ENGINE_TOKENIZER_H

#include <stdint.h>

#include "engine_error.h"
#include "fllm/fllm_model.h"

/* Token kinds, numbered as GGUF's tokenizer.ggml.token_type. */
enum fllm_token_kind {
	FLLM_TOKEN_NORMAL = 1,
	FLLM_TOKEN_UNKNOWN = 2,
	FLLM_TOKEN_CONTROL = 3,
	FLLM_TOKEN_USER = 4,
	FLLM_TOKEN_UNUSED = 5,
	FLLM_TOKEN_BYTE = 6,
};

struct fllm_tokenizer {
	uint32_t n_vocab;
	char *text;			/* (text_cap) bytes: every piece, back to back */
	size_t text_len, text_cap;
	uint64_t *piece_off;		/* (n_vocab) start of each piece in text */
	uint32_t *piece_len;		/* (n_vocab) */
	float *score;			/* (n_vocab) merge priority, higher merges first */
	uint8_t *kind;			/* (n_vocab) enum fllm_token_kind */
	uint8_t *byte_val;		/* (n_vocab) the byte of a BYTE token */
	uint32_t *sorted;		/* (n_sorted) ids of NORMAL/USER pieces by bytes */
	uint32_t n_sorted;
	int32_t byte_id[256];		/* token for a raw byte (byte token, else a
					 * one-byte normal piece), -1 none */
	int32_t bos, eos, unk;		/* -1 when absent */
};

/* An empty tokenizer for n_vocab pieces of text_cap bytes in all. */
fllm_status fllm_tokenizer_alloc(uint32_t n_vocab, size_t text_cap, fllm_tokenizer **out);
/* Store piece id (bytes, len); BYTE pieces must read "<0xNN>". */
fllm_status fllm_tokenizer_set_piece(fllm_tokenizer *t, uint32_t id, const uint8_t *bytes,
				     size_t len, float score, uint8_t kind, struct fllm_err *err);
/* Build the index once every piece is set (cannot fail). */
void fllm_tokenizer_finish(fllm_tokenizer *t);
/* Id of the NORMAL/USER piece equal to (s, len), or -1. */
int32_t fllm_tokenizer_lookup(const fllm_tokenizer *t, const char *s, size_t len);
/* Parse "<0xNN>" (hex digits in either case); 1 and *byte on success. */
int fllm_tokenizer_parse_byte(const uint8_t *s, size_t len, uint8_t *byte);

/* Loaders of an in-memory tokenizer.bin (tokenizer_bin.c), for the fuzzers. */
fllm_status fllm_tokenizer_load_bin(const uint8_t *data, size_t size, uint32_t vocab_size,
				    fllm_tokenizer **out, struct fllm_err *err);

#endif /* FLLM_ENGINE_TOKENIZER_H */
