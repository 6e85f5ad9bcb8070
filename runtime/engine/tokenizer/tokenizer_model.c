/*
 * The tokenizer a model carries: GGUF's tokenizer.ggml.* metadata (model
 * "llama", SentencePiece pieces with U+2581 for spaces, stored here with real
 * spaces so both sources encode alike), or the synthetic model's bytes.
 */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "model.h"
#include "fllm/fllm_package.h"
#include "tokenizer.h"

#define SP_SPACE "\xe2\x96\x81"	/* U+2581, SentencePiece's visible space */

/* Copy a piece, turning each U+2581 into one space; returns the new length. */
static size_t gguf_piece_unescape(const uint8_t *s, size_t len, uint8_t *dst)
{
	size_t n = 0;

	for (size_t i = 0; i < len;) {
		if (len - i >= 3 && !memcmp(s + i, SP_SPACE, 3)) {
			dst[n++] = ' ';
			i += 3;
		} else {
			dst[n++] = s[i++];
		}
	}
	return n;
}

/* An optional special-token id: absent or 0xFFFFFFFF mean none. */
static fllm_status gguf_special(const struct fllm_gguf *g, const char *key, uint32_t n,
				int32_t def, int32_t *out, struct fllm_err *err)
{
	uint64_t v;
	int found;
	fllm_status st = fllm_gguf_get_uint(g, key, UINT32_MAX, &v, &found, err);

	if (st)
		return st;
	*out = def < (int32_t)n ? def : -1;
	if (!found)
		return FLLM_OK;
	if (v == UINT32_MAX) {
		*out = -1;
		return FLLM_OK;
	}
	if (v >= n)
		return fllm_err_set(err, FLLM_E_FORMAT, "%s = %llu is outside the vocabulary (%u)",
				    key, (unsigned long long)v, n);
	*out = (int32_t)v;
	return FLLM_OK;
}

/* An optional per-token array of elem_type and exactly n entries. */
static fllm_status gguf_token_array(const struct fllm_gguf *g, const char *key, uint32_t type,
				    uint32_t n, const uint8_t **out, struct fllm_err *err)
{
	const struct fllm_gguf_kv *kv;
	fllm_status st;

	*out = NULL;
	if (!fllm_gguf_find(g, key))
		return FLLM_OK;
	st = fllm_gguf_get_array(g, key, type, &kv, err);
	if (st)
		return st;
	if (kv->count != n)
		return fllm_err_set(err, FLLM_E_FORMAT, "%s has %llu entries, tokens has %u", key,
				    (unsigned long long)kv->count, n);
	*out = kv->value;
	return FLLM_OK;
}

/* Kind of token id: from token_type when given, else inferred. */
static fllm_status gguf_kind(const fllm_tokenizer *t, const uint8_t *types, uint32_t id,
			     const uint8_t *piece, size_t len, uint8_t *kind,
			     struct fllm_err *err)
{
	uint8_t byte;

	if (types) {
		int32_t v = (int32_t)fllm_le32(types + 4 * (size_t)id);

		if (v < FLLM_TOKEN_NORMAL || v > FLLM_TOKEN_BYTE)
			return fllm_err_set(err, FLLM_E_FORMAT, "token %u has unknown type %d", id,
					    v);
		*kind = (uint8_t)v;
	} else if ((int32_t)id == t->unk) {
		*kind = FLLM_TOKEN_UNKNOWN;
	} else if ((int32_t)id == t->bos || (int32_t)id == t->eos) {
		*kind = FLLM_TOKEN_CONTROL;
	} else {
		*kind = fllm_tokenizer_parse_byte(piece, len, &byte) ? FLLM_TOKEN_BYTE :
								      FLLM_TOKEN_NORMAL;
	}
	return FLLM_OK;
}

/* Build from the GGUF metadata of m. */
static fllm_status tok_from_gguf(const fllm_model *m, fllm_tokenizer **out, struct fllm_err *err)
{
	const struct fllm_gguf *g = &m->gguf;
	const struct fllm_gguf_kv *tokens;
	const uint8_t *scores, *types, *p;
	uint8_t *buf;
	fllm_tokenizer *t;
	size_t text = 0;
	uint32_t n;
	int found;
	fllm_status st;

	st = fllm_gguf_expect_string(g, "tokenizer.ggml.model", "llama", "tokenizer model", &found,
				     err);
	if (st)
		return st;
	if (!found)
		return fllm_err_set(err, FLLM_E_FORMAT, "the GGUF file carries no tokenizer");
	st = fllm_gguf_get_array(g, "tokenizer.ggml.tokens", FLLM_GGUF_STRING, &tokens, err);
	if (st)
		return st;
	if (tokens->count != m->info.vocab_size)
		return fllm_err_set(err, FLLM_E_FORMAT, "tokenizer has %llu tokens, model %u",
				    (unsigned long long)tokens->count, m->info.vocab_size);
	n = (uint32_t)tokens->count;
	if ((st = gguf_token_array(g, "tokenizer.ggml.scores", FLLM_GGUF_F32, n, &scores, err)) ||
	    (st = gguf_token_array(g, "tokenizer.ggml.token_type", FLLM_GGUF_I32, n, &types,
				   err)))
		return st;
	p = tokens->value;
	for (uint32_t id = 0; id < n; id++) {
		size_t len;

		fllm_gguf_string_next(&p, &len);
		text += len;
	}
	st = fllm_tokenizer_alloc(n, text, &t);
	if (st)
		return fllm_err_set(err, st, "out of memory for %u tokens", n);
	buf = malloc(text ? text : 1);
	if (!buf) {
		st = fllm_err_set(err, FLLM_E_NO_MEMORY, "out of memory for %u tokens", n);
		goto err_free;
	}
	if ((st = gguf_special(g, "tokenizer.ggml.bos_token_id", n, 1, &t->bos, err)) ||
	    (st = gguf_special(g, "tokenizer.ggml.eos_token_id", n, 2, &t->eos, err)) ||
	    (st = gguf_special(g, "tokenizer.ggml.unknown_token_id", n, 0, &t->unk, err)))
		goto err_free_buf;
	p = tokens->value;
	for (uint32_t id = 0; id < n; id++) {
		size_t len;
		const uint8_t *s = fllm_gguf_string_next(&p, &len);
		float score = scores ? fllm_le_f32(scores + 4 * (size_t)id) : 0.0f;
		uint8_t kind = FLLM_TOKEN_NORMAL;

		if (!isfinite(score)) {
			st = fllm_err_set(err, FLLM_E_FORMAT, "token %u: score is not finite", id);
			goto err_free_buf;
		}
		st = gguf_kind(t, types, id, s, len, &kind, err);
		if (st)
			goto err_free_buf;
		len = gguf_piece_unescape(s, len, buf);
		st = fllm_tokenizer_set_piece(t, id, buf, len, score, kind, err);
		if (st)
			goto err_free_buf;
	}
	free(buf);
	fllm_tokenizer_finish(t);
	*out = t;
	return FLLM_OK;

err_free_buf:
	free(buf);
err_free:
	fllm_tokenizer_free(t);
	return st;
}

/* <unk>, <s>, </s>, then a token per byte: printable ASCII as one-character
 * pieces (so the space after BOS is dropped as with real vocabularies), the
 * rest as <0xNN> byte tokens. */
static fllm_status tok_synthetic(const fllm_model *m, fllm_tokenizer **out)
{
	static const char *const special[3] = { "<unk>", "<s>", "</s>" };
	fllm_tokenizer *t;
	char piece[8];
	fllm_status st;

	assert(m->info.vocab_size == 259);
	st = fllm_tokenizer_alloc(259, 16 + 256 * 6, &t);
	if (st)
		return st;
	for (uint32_t id = 0; id < 3; id++)
		fllm_tokenizer_set_piece(t, id, (const uint8_t *)special[id], strlen(special[id]),
					 0.0f, id ? FLLM_TOKEN_CONTROL : FLLM_TOKEN_UNKNOWN, NULL);
	for (uint32_t b = 0; b < 256; b++) {
		int printable = b >= 0x20 && b < 0x7f;
		size_t len = 1;

		piece[0] = (char)b;
		if (!printable)
			len = (size_t)snprintf(piece, sizeof(piece), "<0x%02X>", b);
		fllm_tokenizer_set_piece(t, 3 + b, (const uint8_t *)piece, len, 0.0f,
					 printable ? FLLM_TOKEN_NORMAL : FLLM_TOKEN_BYTE, NULL);
	}
	t->unk = 0;
	t->bos = 1;
	t->eos = 2;
	fllm_tokenizer_finish(t);
	*out = t;
	return FLLM_OK;
}

/* See fllm_model.h. */
fllm_status fllm_tokenizer_from_model(const fllm_model *m, fllm_tokenizer **out, char *err_buf,
				      size_t err_size)
{
	struct fllm_err err = { err_buf, err_size };

	assert(m && out);
	*out = NULL;
	if (m->info.format == FLLM_MODEL_SYNTHETIC)
		return tok_synthetic(m, out);
	if (m->info.format == FLLM_MODEL_PACKAGE)
		return fllm_package_tokenizer(m, out, err_buf, err_size);
	if (!m->is_gguf)
		return fllm_err_set(&err, FLLM_E_FORMAT,
				    "a llama2.c checkpoint carries no tokenizer: give its "
				    "tokenizer.bin");
	return tok_from_gguf(m, out, &err);
}
