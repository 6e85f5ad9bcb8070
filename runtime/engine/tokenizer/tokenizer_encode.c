/*
 * Text to token ids, as llama2.c's encoder does it: BOS, a dummy-prefix space
 * for non-empty text, one piece per UTF-8 character (a lead byte and up to
 * three continuation bytes) or its bytes' tokens when the vocabulary lacks
 * it, then repeatedly merge the adjacent pair whose concatenation is the
 * best-scoring piece (the leftmost pair on a tie). Byte tokens never merge.
 *
 * Every symbol is a span of the prefixed text, since a merged piece equals
 * its two halves side by side; a merge looks the joined span up directly.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "tokenizer.h"

struct enc_sym {
	size_t start, len;	/* span of the prefixed text */
	int32_t id;
	int mergeable;		/* 0 for byte-fallback and unknown tokens */
};

/* Split into characters; unknown characters become byte tokens. */
static size_t enc_split(const fllm_tokenizer *t, const char *s, size_t n, struct enc_sym *sym)
{
	size_t count = 0;

	for (size_t i = 0; i < n;) {
		size_t len = 1;
		int32_t id;

		while (i + len < n && ((uint8_t)s[i + len] & 0xc0) == 0x80 && len < 4)
			len++;
		id = fllm_tokenizer_lookup(t, s + i, len);
		if (id >= 0) {
			sym[count++] = (struct enc_sym){ i, len, id, 1 };
		} else {
			for (size_t b = 0; b < len; b++) {
				int32_t bid = t->byte_id[(uint8_t)s[i + b]];

				sym[count++] = (struct enc_sym){ i + b, 1, bid >= 0 ? bid : t->unk,
								 0 };
			}
		}
		i += len;
	}
	return count;
}

/* Merge best pairs until none of the joined spans is a piece. */
static size_t enc_merge(const fllm_tokenizer *t, const char *s, struct enc_sym *sym, size_t n)
{
	for (;;) {
		float best_score = -1e10f;	/* llama2.c's floor: worse pairs never merge */
		int32_t best_id = -1;
		size_t best = 0;

		for (size_t i = 0; i + 1 < n; i++) {
			int32_t id;

			if (!sym[i].mergeable || !sym[i + 1].mergeable)
				continue;
			id = fllm_tokenizer_lookup(t, s + sym[i].start,
						   sym[i].len + sym[i + 1].len);
			if (id >= 0 && t->score[id] > best_score) {
				best_score = t->score[id];
				best_id = id;
				best = i;
			}
		}
		if (best_id < 0)
			return n;
		sym[best].len += sym[best + 1].len;
		sym[best].id = best_id;
		memmove(&sym[best + 1], &sym[best + 2], (n - best - 2) * sizeof(*sym));
		n--;
	}
}

/* See fllm_model.h. */
fllm_status fllm_tokenizer_encode(const fllm_tokenizer *t, const char *text, size_t len,
				  uint32_t flags, int32_t *ids, size_t cap, size_t *n_ids)
{
	int bos = (flags & FLLM_ENCODE_BOS) && t->bos >= 0;
	struct enc_sym *sym;
	char *buf;
	size_t n, need;

	assert(t && n_ids && (text || !len) && (ids || !cap));
	*n_ids = 0;
	if (flags & ~FLLM_ENCODE_BOS)
		return FLLM_E_INVALID_ARG;
	if (len > SIZE_MAX / sizeof(*sym) - 2)
		return FLLM_E_NO_MEMORY;
	buf = malloc(len + 1);
	sym = malloc((len + 1) * sizeof(*sym));
	if (!buf || !sym) {
		free(buf);
		free(sym);
		return FLLM_E_NO_MEMORY;
	}
	n = 0;
	if (len) {
		buf[0] = ' ';
		memcpy(buf + 1, text, len);
		n = enc_merge(t, buf, sym, enc_split(t, buf, len + 1, sym));
	}
	need = n + (size_t)bos;
	*n_ids = need;
	if (need > cap) {
		free(buf);
		free(sym);
		return FLLM_E_INVALID_ARG;
	}
	if (bos)
		ids[0] = t->bos;
	for (size_t i = 0; i < n; i++)
		ids[bos + i] = sym[i].id;
	free(buf);
	free(sym);
	return FLLM_OK;
}

/* See fllm_model.h. */
fllm_status fllm_tokenizer_decode(const fllm_tokenizer *t, int32_t prev, int32_t id,
				  const char **piece, size_t *len)
{
	const char *p;
	size_t n;

	assert(t && piece && len);
	*piece = "";
	*len = 0;
	if (id < 0 || (uint32_t)id >= t->n_vocab)
		return FLLM_E_INVALID_ARG;
	switch (t->kind[id]) {
	case FLLM_TOKEN_BYTE:
		*piece = (const char *)&t->byte_val[id];
		*len = 1;
		return FLLM_OK;
	case FLLM_TOKEN_CONTROL:
	case FLLM_TOKEN_UNUSED:
		return FLLM_OK;
	}
	p = t->text + t->piece_off[id];
	n = t->piece_len[id];
	if (prev >= 0 && prev == t->bos && n && p[0] == ' ') {
		p++;
		n--;
	}
	*piece = p;
	*len = n;
	return FLLM_OK;
}
