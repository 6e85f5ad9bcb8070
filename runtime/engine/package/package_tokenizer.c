/*
 * The TOKENIZER section of a package: the vocabulary as the engine holds it
 * (pieces with real spaces, scores, kinds, special ids), so a package
 * tokenizes exactly as the model it was made from.
 *
 * Layout after struct fllm_pkg_tok_hdr: scores f32[n], kinds u8[n] padded
 * to a multiple of 4 with zeros, lens u32[n], then the pieces' bytes back
 * to back (text_bytes = sum of lens).
 */
#include <math.h>
#include <string.h>

#include "package.h"

/* n rounded up to a multiple of 4. */
static uint64_t tok_pad4(uint64_t n)
{
	return (n + 3) & ~(uint64_t)3;
}

/* Offsets of the arrays for n pieces. */
struct tok_layout {
	uint64_t scores, kinds, lens, text;
};

/* The arrays follow the header in this order, kinds padded to 4 bytes. */
static void tok_layout(uint32_t n, struct tok_layout *l)
{
	l->scores = sizeof(struct fllm_pkg_tok_hdr);
	l->kinds = l->scores + 4ull * n;
	l->lens = l->kinds + tok_pad4(n);
	l->text = l->lens + 4ull * n;
}

/* See package.h: header, arrays and every piece. */
uint64_t fllm_pkg_tokenizer_bytes(const fllm_tokenizer *tok)
{
	struct tok_layout l;
	uint64_t text = 0;

	tok_layout(tok->n_vocab, &l);
	for (uint32_t i = 0; i < tok->n_vocab; i++)
		text += tok->piece_len[i];
	return l.text + text;
}

/* buf has fllm_pkg_tokenizer_bytes(tok) bytes. */
void fllm_pkg_tokenizer_store(const fllm_tokenizer *tok, uint8_t *buf)
{
	struct fllm_pkg_tok_hdr h;
	struct tok_layout l;
	uint64_t at;

	tok_layout(tok->n_vocab, &l);
	memset(&h, 0, sizeof(h));
	h.n_vocab = tok->n_vocab;
	h.bos = tok->bos;
	h.eos = tok->eos;
	h.unk = tok->unk;
	at = l.text;
	memset(buf + l.kinds, 0, l.lens - l.kinds);
	for (uint32_t i = 0; i < tok->n_vocab; i++) {
		uint32_t len = tok->piece_len[i];

		memcpy(buf + l.scores + 4ull * i, &tok->score[i], 4);
		buf[l.kinds + i] = tok->kind[i];
		memcpy(buf + l.lens + 4ull * i, &len, 4);
		memcpy(buf + at, tok->text + tok->piece_off[i], len);
		at += len;
	}
	h.text_bytes = at - l.text;
	memcpy(buf, &h, sizeof(h));
}

/* A special id: -1 or a token. */
static int tok_id_ok(int32_t id, uint32_t n)
{
	return id == -1 || (id >= 0 && (uint32_t)id < n);
}

/* Header and array sizes against the section and the model's vocabulary. */
static fllm_status tok_check(const struct fllm_pkg_tok_hdr *h, const uint8_t *sec,
			     uint64_t bytes, uint32_t vocab, struct tok_layout *l,
			     struct fllm_err *err)
{
	static const uint8_t zero[sizeof(h->reserved)];
	uint64_t text = 0;

	if (memcmp(h->reserved, zero, sizeof(zero)))
		return fllm_err_set(err, FLLM_E_FORMAT, "tokenizer: reserved bytes not 0");
	if (h->n_vocab != vocab)
		return fllm_err_set(err, FLLM_E_FORMAT, "tokenizer has %u pieces, the model %u",
				    h->n_vocab, vocab);
	if (!tok_id_ok(h->bos, vocab) || !tok_id_ok(h->eos, vocab) || !tok_id_ok(h->unk, vocab))
		return fllm_err_set(err, FLLM_E_FORMAT,
				    "tokenizer: special ids bos %d eos %d unk %d outside -1..%u",
				    h->bos, h->eos, h->unk, vocab - 1);
	tok_layout(vocab, l);
	if (bytes < l->text || bytes - l->text != h->text_bytes)
		return fllm_err_set(err, FLLM_E_FORMAT,
				    "tokenizer section is %llu bytes; %u pieces of %llu text "
				    "bytes need %llu", (unsigned long long)bytes, vocab,
				    (unsigned long long)h->text_bytes,
				    (unsigned long long)(l->text + h->text_bytes));
	for (uint32_t i = 0; i < vocab; i++) {
		uint32_t len;

		memcpy(&len, sec + l->lens + 4ull * i, 4);
		text += len;
	}
	if (text != h->text_bytes)
		return fllm_err_set(err, FLLM_E_FORMAT,
				    "tokenizer: piece lengths add up to %llu, header says %llu",
				    (unsigned long long)text, (unsigned long long)h->text_bytes);
	for (uint64_t i = l->kinds + vocab; i < l->lens; i++)
		if (sec[i])
			return fllm_err_set(err, FLLM_E_FORMAT, "tokenizer: padding not 0");
	return FLLM_OK;
}

/* See package.h. */
fllm_status fllm_pkg_tokenizer_load(const uint8_t *sec, uint64_t bytes, uint32_t vocab,
				    fllm_tokenizer **out, struct fllm_err *err)
{
	struct fllm_pkg_tok_hdr h;
	struct tok_layout l = { 0 };
	fllm_tokenizer *t;
	uint64_t at;
	fllm_status st;

	*out = NULL;
	if (bytes < sizeof(h))
		return fllm_err_set(err, FLLM_E_FORMAT, "tokenizer section too short (%llu bytes)",
				    (unsigned long long)bytes);
	memcpy(&h, sec, sizeof(h));
	st = tok_check(&h, sec, bytes, vocab, &l, err);
	if (st)
		return st;
	st = fllm_tokenizer_alloc(vocab, h.text_bytes, &t);
	if (st)
		return fllm_err_set(err, st, "out of memory for %u tokens", vocab);
	at = l.text;
	for (uint32_t i = 0; i < vocab; i++) {
		uint8_t kind = sec[l.kinds + i];
		uint32_t len;
		float score;

		memcpy(&score, sec + l.scores + 4ull * i, 4);
		memcpy(&len, sec + l.lens + 4ull * i, 4);
		if (!isfinite(score) || kind < FLLM_TOKEN_NORMAL || kind > FLLM_TOKEN_BYTE) {
			st = fllm_err_set(err, FLLM_E_FORMAT,
					  "tokenizer: token %u has a bad score or kind %u", i,
					  kind);
			goto err_free;
		}
		st = fllm_tokenizer_set_piece(t, i, sec + at, len, score, kind, err);
		if (st)
			goto err_free;
		at += len;
	}
	t->bos = h.bos;
	t->eos = h.eos;
	t->unk = h.unk;
	fllm_tokenizer_finish(t);
	*out = t;
	return FLLM_OK;

err_free:
	fllm_tokenizer_free(t);
	return st;
}
