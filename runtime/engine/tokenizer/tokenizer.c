/* Tokenizer storage, the piece index and the accessors of fllm_model.h. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tokenizer.h"

/* See tokenizer.h. */
fllm_status fllm_tokenizer_alloc(uint32_t n_vocab, size_t text_cap, fllm_tokenizer **out)
{
	fllm_tokenizer *t = calloc(1, sizeof(*t));

	*out = NULL;
	if (!t)
		return FLLM_E_NO_MEMORY;
	fllm_handle_add(FLLM_HANDLE_TOKENIZER);
	t->n_vocab = n_vocab;
	t->text_cap = text_cap;
	t->text = malloc(text_cap ? text_cap : 1);
	t->piece_off = calloc(n_vocab ? n_vocab : 1, sizeof(*t->piece_off));
	t->piece_len = calloc(n_vocab ? n_vocab : 1, sizeof(*t->piece_len));
	t->score = calloc(n_vocab ? n_vocab : 1, sizeof(*t->score));
	t->kind = calloc(n_vocab ? n_vocab : 1, 1);
	t->byte_val = calloc(n_vocab ? n_vocab : 1, 1);
	t->sorted = calloc(n_vocab ? n_vocab : 1, sizeof(*t->sorted));
	if (!t->text || !t->piece_off || !t->piece_len || !t->score || !t->kind ||
	    !t->byte_val || !t->sorted) {
		fllm_tokenizer_free(t);
		return FLLM_E_NO_MEMORY;
	}
	t->bos = t->eos = t->unk = -1;
	*out = t;
	return FLLM_OK;
}

void fllm_tokenizer_free(fllm_tokenizer *t)
{
	if (!t)
		return;
	free(t->text);
	free(t->piece_off);
	free(t->piece_len);
	free(t->score);
	free(t->kind);
	free(t->byte_val);
	free(t->sorted);
	free(t);
	fllm_handle_del(FLLM_HANDLE_TOKENIZER);
}

int fllm_tokenizer_parse_byte(const uint8_t *s, size_t len, uint8_t *byte)
{
	unsigned v = 0;

	if (len != 6 || memcmp(s, "<0x", 3) || s[5] != '>')
		return 0;
	for (int i = 3; i < 5; i++) {
		unsigned c = s[i];

		if (c >= '0' && c <= '9')
			v = v * 16 + (c - '0');
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			v = v * 16 + ((c | 0x20) - 'a' + 10);
		else
			return 0;
	}
	*byte = (uint8_t)v;
	return 1;
}

/* See tokenizer.h; the caller sized text_cap for every piece. */
fllm_status fllm_tokenizer_set_piece(fllm_tokenizer *t, uint32_t id, const uint8_t *bytes,
				     size_t len, float score, uint8_t kind, struct fllm_err *err)
{
	assert(id < t->n_vocab && len <= t->text_cap - t->text_len);
	if (kind == FLLM_TOKEN_BYTE && !fllm_tokenizer_parse_byte(bytes, len, &t->byte_val[id]))
		return fllm_err_set(err, FLLM_E_FORMAT,
				    "token %u is marked as a byte but is not <0xNN>", id);
	memcpy(t->text + t->text_len, bytes, len);
	t->piece_off[id] = t->text_len;
	t->piece_len[id] = (uint32_t)len;
	t->text_len += len;
	t->score[id] = score;
	t->kind[id] = kind;
	return FLLM_OK;
}

/* Byte-wise order of two pieces (shorter first on a common prefix). */
static int piece_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int r = memcmp(a, b, alen < blen ? alen : blen);

	if (r)
		return r;
	return alen < blen ? -1 : alen > blen;
}

/* qsort has no context argument: the tokenizer being sorted. */
static _Thread_local const fllm_tokenizer *sort_tok;

/* Sort by bytes, then by id so the lowest id of equal pieces comes first. */
static int sorted_cmp(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	const fllm_tokenizer *t = sort_tok;
	int r = piece_cmp(t->text + t->piece_off[a], t->piece_len[a], t->text + t->piece_off[b],
			  t->piece_len[b]);

	return r ? r : (a > b) - (a < b);
}

static int is_text_piece(const fllm_tokenizer *t, uint32_t id)
{
	return (t->kind[id] == FLLM_TOKEN_NORMAL || t->kind[id] == FLLM_TOKEN_USER) &&
	       t->piece_len[id];
}

/* Index the text pieces and find each raw byte's token. */
void fllm_tokenizer_finish(fllm_tokenizer *t)
{
	t->n_sorted = 0;
	for (uint32_t id = 0; id < t->n_vocab; id++)
		if (is_text_piece(t, id))
			t->sorted[t->n_sorted++] = id;
	sort_tok = t;
	qsort(t->sorted, t->n_sorted, sizeof(*t->sorted), sorted_cmp);
	sort_tok = NULL;
	for (int b = 0; b < 256; b++) {
		char c = (char)b;

		t->byte_id[b] = fllm_tokenizer_lookup(t, &c, 1);
	}
	for (uint32_t id = t->n_vocab; id-- > 0;)
		if (t->kind[id] == FLLM_TOKEN_BYTE)
			t->byte_id[t->byte_val[id]] = (int32_t)id;
	if (t->unk < 0)
		for (uint32_t id = 0; id < t->n_vocab && t->unk < 0; id++)
			if (t->kind[id] == FLLM_TOKEN_UNKNOWN)
				t->unk = (int32_t)id;
}

/* Binary search for the first (lowest-id) piece equal to (s, len). */
int32_t fllm_tokenizer_lookup(const fllm_tokenizer *t, const char *s, size_t len)
{
	size_t lo = 0, hi = t->n_sorted;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint32_t id = t->sorted[mid];

		if (piece_cmp(t->text + t->piece_off[id], t->piece_len[id], s, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < t->n_sorted) {
		uint32_t id = t->sorted[lo];

		if (!piece_cmp(t->text + t->piece_off[id], t->piece_len[id], s, len))
			return (int32_t)id;
	}
	return -1;
}

uint32_t fllm_tokenizer_vocab_size(const fllm_tokenizer *t)
{
	assert(t);
	return t->n_vocab;
}

int32_t fllm_tokenizer_bos(const fllm_tokenizer *t)
{
	assert(t);
	return t->bos;
}

int32_t fllm_tokenizer_eos(const fllm_tokenizer *t)
{
	assert(t);
	return t->eos;
}
