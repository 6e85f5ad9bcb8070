/*
 * llama2.c's tokenizer.bin: int32 max_token_length, then one record per
 * token to the end of the file: float32 score, int32 len, len bytes (no
 * NUL). Ids 0, 1, 2 are <unk>, BOS and EOS; pieces spelled <0xNN> are byte
 * tokens; spaces are real spaces.
 */
#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "cursor.h"
#include "file_map.h"
#include "tokenizer.h"

#define TOKBIN_MAX_VOCAB (1u << 24)
#define TOKBIN_MAX_PIECE 65536

/* Walk the records once: count them and check each; the text bytes total
 * goes to *text. */
static fllm_status tokbin_scan(const uint8_t *data, size_t size, uint32_t *count, size_t *text,
			       uint32_t *max_len, struct fllm_err *err)
{
	struct fllm_cursor c = { .data = data, .size = size, .off = 0 };
	uint32_t n = 0;
	const uint8_t *p;

	*text = 0;
	if (!fllm_cursor_u32(&c, max_len))
		return fllm_err_set(err, FLLM_E_FORMAT,
				    "tokenizer file of %zu bytes has no max_token_length", size);
	if (!*max_len || *max_len > TOKBIN_MAX_PIECE)
		return fllm_err_set(err, FLLM_E_FORMAT,
				    "max_token_length %d out of range 1..%d", (int32_t)*max_len,
				    TOKBIN_MAX_PIECE);
	while (fllm_cursor_left(&c)) {
		size_t at = c.off;
		uint32_t score_bits, len;
		float score;

		if (n == TOKBIN_MAX_VOCAB)
			return fllm_err_set(err, FLLM_E_FORMAT, "more than %u tokens",
					    TOKBIN_MAX_VOCAB);
		if (!fllm_cursor_u32(&c, &score_bits) || !fllm_cursor_u32(&c, &len))
			return fllm_err_set(err, FLLM_E_FORMAT,
					    "token %u: record at byte %zu truncated (file is %zu "
					    "bytes)", n, at, size);
		memcpy(&score, &score_bits, sizeof(score));
		if (!isfinite(score))
			return fllm_err_set(err, FLLM_E_FORMAT, "token %u: score is not finite", n);
		if (len > *max_len)
			return fllm_err_set(err, FLLM_E_FORMAT,
					    "token %u: length %d exceeds max_token_length %u", n,
					    (int32_t)len, *max_len);
		if (!fllm_cursor_bytes(&c, len, &p))
			return fllm_err_set(err, FLLM_E_FORMAT,
					    "token %u: %u bytes at byte %zu past end of file (%zu "
					    "bytes)", n, len, at + 8, size);
		*text += len;
		n++;
	}
	*count = n;
	return FLLM_OK;
}

/* See tokenizer.h. */
fllm_status fllm_tokenizer_load_bin(const uint8_t *data, size_t size, uint32_t vocab_size,
				    fllm_tokenizer **out, struct fllm_err *err)
{
	struct fllm_cursor c = { .data = data, .size = size, .off = 4 };
	fllm_tokenizer *t;
	uint32_t n = 0, max_len = 0;
	size_t text = 0;
	fllm_status st;

	*out = NULL;
	st = tokbin_scan(data, size, &n, &text, &max_len, err);
	if (st)
		return st;
	if (!n)
		return fllm_err_set(err, FLLM_E_FORMAT, "tokenizer holds no tokens");
	if (vocab_size && n != vocab_size)
		return fllm_err_set(err, FLLM_E_FORMAT,
				    "tokenizer holds %u tokens, the model's vocabulary has %u", n,
				    vocab_size);
	st = fllm_tokenizer_alloc(n, text, &t);
	if (st)
		return fllm_err_set(err, st, "out of memory for %u tokens", n);
	for (uint32_t id = 0; id < n; id++) {
		const uint8_t *p = NULL;
		uint32_t score_bits = 0, len = 0;
		uint8_t kind = FLLM_TOKEN_NORMAL, byte;
		float score;

		fllm_cursor_u32(&c, &score_bits);	/* bounds proven by the scan */
		fllm_cursor_u32(&c, &len);
		fllm_cursor_bytes(&c, len, &p);
		memcpy(&score, &score_bits, sizeof(score));
		if (id == 0)
			kind = FLLM_TOKEN_UNKNOWN;
		else if (id <= 2)
			kind = FLLM_TOKEN_CONTROL;
		else if (fllm_tokenizer_parse_byte(p, len, &byte))
			kind = FLLM_TOKEN_BYTE;
		st = fllm_tokenizer_set_piece(t, id, p, len, score, kind, err);
		if (st)
			goto err_free;
	}
	t->unk = 0;
	t->bos = n > 1 ? 1 : -1;
	t->eos = n > 2 ? 2 : -1;
	fllm_tokenizer_finish(t);
	*out = t;
	return FLLM_OK;

err_free:
	fllm_tokenizer_free(t);
	return st;
}

/* Map the file, load it, unmap it (the tokenizer keeps its own copy). */
fllm_status fllm_tokenizer_open(const char *path, uint32_t vocab_size, fllm_tokenizer **out,
				char *err_buf, size_t err_size)
{
	struct fllm_err err = { err_buf, err_size };
	struct fllm_file_map map;
	fllm_status st;

	assert(path && out);
	*out = NULL;
	st = fllm_file_map_open(path, &map, &err);
	if (st)
		return st;
	st = fllm_tokenizer_load_bin(map.data, map.size, vocab_size, out, &err);
	if (st)
		fllm_err_prefix(&err, "%s", path);
	fllm_file_map_close(&map);
	return st;
}
