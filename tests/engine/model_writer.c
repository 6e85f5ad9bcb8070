/* Tiny random Llama models for tests (see model_writer.h). */
#include "model_writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The test vocabulary after the 259 fixed tokens: merges (score -i), then
 * single characters (score -100 - i). */
static const char *const tm_merges[] = {
	" t", "he", " a", "in", " the", "er", "on", " s", "at", "en", " w", "an", "ll",
	"\xe6\x97\xa5\xe6\x9c\xac", " 1", "12", "\n\n", "ab", " ab", "abc",
};
#define TM_N_MERGES (sizeof(tm_merges) / sizeof(tm_merges[0]))
#define TM_FIXED 259
#define TM_N_CHARS 100		/* printable ASCII, newline, e-acute, two CJK, emoji */

/* Single-character piece c (0..TM_N_CHARS-1) into buf. */
static const char *tm_char(uint32_t c, char *buf)
{
	static const char *const extra[5] = {
		"\n", "\xc3\xa9", "\xe6\x97\xa5", "\xe6\x9c\xac", "\xf0\x9f\x99\x82",
	};

	if (c < 95) {
		buf[0] = (char)(0x20 + c);
		buf[1] = 0;
		return buf;
	}
	return extra[c - 95];
}

struct tm_spec tm_spec_default(void)
{
	struct tm_spec s = {
		.dim = 64, .hidden = 96, .n_layers = 2, .n_heads = 4, .n_kv_heads = 2,
		.vocab = TM_FIXED + TM_N_MERGES + TM_N_CHARS, .seq_len = 64, .untied = 0,
		.type = GW_T_F32, .theta = 0.0f, .seed = 1,
	};
	return s;
}

struct tm_spec tm_spec_shape(uint32_t dim, uint32_t hidden, uint32_t n_heads,
			     uint32_t n_kv_heads)
{
	struct tm_spec s = tm_spec_default();

	s.dim = dim;
	s.hidden = hidden;
	s.n_heads = n_heads;
	s.n_kv_heads = n_kv_heads;
	return s;
}

uint32_t tm_vocab_size_min(void)
{
	return TM_FIXED + TM_N_MERGES + TM_N_CHARS;
}

/* xorshift for weights: the tests' own generator, not the engine's. */
static float tm_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (float)((*s >> 11) & 0xffffff) / 16777216.0f - 0.5f;
}

static float *tm_fill(size_t n, float scale, float base, uint32_t type, uint64_t *rng)
{
	float *v = malloc(n * sizeof(float));

	if (!v)
		exit(2);
	for (size_t i = 0; i < n; i++)
		v[i] = base + scale * tm_rand(rng);
	if (n % 32 == 0 || (type != GW_T_Q8_0 && type != GW_T_Q4_0))
		gw_roundtrip(type, v, n);
	return v;
}

void tm_weights_make(const struct tm_spec *s, struct tm_weights *w)
{
	size_t L = s->n_layers, d = s->dim, h = s->hidden;
	size_t kvd = (size_t)s->n_kv_heads * (s->dim / s->n_heads);
	uint64_t rng = s->seed * 0x9e3779b97f4a7c15ull + 1;

	memset(w, 0, sizeof(*w));
	w->emb = tm_fill(s->vocab * d, 2.0f, 0.0f, s->type, &rng);
	w->att_norm = tm_fill(L * d, 0.4f, 1.0f, GW_T_F32, &rng);
	w->wq = tm_fill(L * d * d, 0.5f, 0.0f, s->type, &rng);
	w->wk = tm_fill(L * kvd * d, 0.5f, 0.0f, s->type, &rng);
	w->wv = tm_fill(L * kvd * d, 0.5f, 0.0f, s->type, &rng);
	w->wo = tm_fill(L * d * d, 0.5f, 0.0f, s->type, &rng);
	w->ffn_norm = tm_fill(L * d, 0.4f, 1.0f, GW_T_F32, &rng);
	w->w1 = tm_fill(L * h * d, 0.5f, 0.0f, s->type, &rng);
	w->w2 = tm_fill(L * d * h, 0.5f, 0.0f, s->type, &rng);
	w->w3 = tm_fill(L * h * d, 0.5f, 0.0f, s->type, &rng);
	w->final_norm = tm_fill(d, 0.4f, 1.0f, GW_T_F32, &rng);
	if (s->untied)
		w->wcls = tm_fill(s->vocab * d, 2.0f, 0.0f, s->type, &rng);
}

void tm_weights_free(struct tm_weights *w)
{
	float **p = &w->emb;

	for (size_t i = 0; i < sizeof(*w) / sizeof(*p); i++)
		free(p[i]);
	memset(w, 0, sizeof(*w));
}

static void tm_floats(struct bytebuf *b, const float *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		bb_f32(b, v[i]);
}

void tm_write_bin(const struct tm_spec *s, const struct tm_weights *w, struct bytebuf *out)
{
	size_t L = s->n_layers, d = s->dim, h = s->hidden, hd = s->dim / s->n_heads;
	size_t kvd = (size_t)s->n_kv_heads * hd;
	int32_t hdr[7] = {
		(int32_t)s->dim, (int32_t)s->hidden, (int32_t)s->n_layers, (int32_t)s->n_heads,
		(int32_t)s->n_kv_heads, s->untied ? -(int32_t)s->vocab : (int32_t)s->vocab,
		(int32_t)s->seq_len,
	};

	bb_init(out);
	for (int i = 0; i < 7; i++)
		bb_u32(out, (uint32_t)hdr[i]);
	tm_floats(out, w->emb, s->vocab * d);
	tm_floats(out, w->att_norm, L * d);
	tm_floats(out, w->wq, L * d * d);
	tm_floats(out, w->wk, L * kvd * d);
	tm_floats(out, w->wv, L * kvd * d);
	tm_floats(out, w->wo, L * d * d);
	tm_floats(out, w->ffn_norm, L * d);
	tm_floats(out, w->w1, L * h * d);
	tm_floats(out, w->w2, L * d * h);
	tm_floats(out, w->w3, L * h * d);
	tm_floats(out, w->final_norm, d);
	for (size_t i = 0; i < s->seq_len * hd; i++)	/* freq_cis: unused, nonzero */
		bb_f32(out, 0.25f);
	if (s->untied)
		tm_floats(out, w->wcls, s->vocab * d);
}

/* Piece id of the test vocabulary: fixed tokens, merges, then filler. */
void tm_vocab_piece(uint32_t id, uint32_t vocab, int gguf, char *buf, size_t cap, size_t *len,
		    float *score, int32_t *type)
{
	static const char *const special[3] = { "<unk>", "<s>", "</s>" };
	const char *src;
	char one[2];
	size_t n = 0;

	*score = 0.0f;
	*type = 1;
	if (id < 3) {
		src = gguf ? special[id] : (id == 1 ? "\n<s>\n" : id == 2 ? "\n</s>\n" : "<unk>");
		*type = id ? 3 : 2;
	} else if (id < TM_FIXED) {
		snprintf(buf, cap, "<0x%02X>", id - 3);
		*len = 6;
		*type = 6;
		return;
	} else if (id < TM_FIXED + TM_N_MERGES) {
		src = tm_merges[id - TM_FIXED];
		*score = -(float)(id - TM_FIXED);
	} else if (id < TM_FIXED + TM_N_MERGES + TM_N_CHARS) {
		src = tm_char(id - TM_FIXED - TM_N_MERGES, one);
		*score = -100.0f - (float)(id - TM_FIXED - TM_N_MERGES);
	} else {
		snprintf(buf, cap, "<filler%u>", id);
		*len = strlen(buf);
		*score = -1000.0f;
		*type = 5;
		return;
	}
	for (const char *p = src; *p && n + 4 < cap; p++) {
		if (*p == ' ' && gguf) {
			memcpy(buf + n, "\xe2\x96\x81", 3);
			n += 3;
		} else {
			buf[n++] = *p;
		}
	}
	buf[n] = 0;
	*len = n;
}

void tm_write_tokbin(uint32_t vocab, struct bytebuf *out)
{
	char piece[64];
	size_t len;
	float score;
	int32_t type;

	bb_init(out);
	bb_u32(out, 16);
	for (uint32_t id = 0; id < vocab; id++) {
		tm_vocab_piece(id, vocab, 0, piece, sizeof(piece), &len, &score, &type);
		bb_f32(out, score);
		bb_u32(out, (uint32_t)len);
		bb_bytes(out, piece, len);
	}
}

/* Per-layer tensors of one kind, sliced from a stacked array. */
static void tm_gguf_layers(struct gguf_writer *g, const char *suffix, const float *v,
			   uint32_t L, uint64_t rows, uint64_t cols, uint32_t type)
{
	char name[64];
	uint64_t dims[2] = { cols, rows };

	for (uint32_t l = 0; l < L; l++) {
		snprintf(name, sizeof(name), "blk.%u.%s.weight", l, suffix);
		gw_tensor(g, name, rows > 1 ? type : GW_T_F32, rows > 1 ? 2 : 1, dims,
			  v + (size_t)l * rows * cols);
	}
}

/* Quantized types need rows in whole blocks; other matrices stay F32. */
static uint32_t tm_type_for(uint32_t type, uint64_t cols)
{
	if ((type == GW_T_Q8_0 || type == GW_T_Q4_0) && cols % 32)
		return GW_T_F32;
	return type;
}

void tm_gguf(const struct tm_spec *s, const struct tm_weights *w, struct gguf_writer *g)
{
	uint32_t hd = s->dim / s->n_heads, kvd = s->n_kv_heads * hd, L = s->n_layers;
	const char **pieces = calloc(s->vocab, sizeof(*pieces));
	size_t *lens = calloc(s->vocab, sizeof(*lens));
	float *scores = calloc(s->vocab, sizeof(*scores));
	int32_t *types = calloc(s->vocab, sizeof(*types));
	char (*buf)[64] = calloc(s->vocab, sizeof(*buf));
	uint64_t dims[2] = { s->dim, s->vocab };

	if (!pieces || !lens || !scores || !types || !buf)
		exit(2);
	gw_init(g, 3);
	gw_kv_str(g, "general.architecture", "llama");
	gw_kv_str(g, "general.name", "test-model");
	gw_kv_u32(g, "llama.context_length", s->seq_len);
	gw_kv_u32(g, "llama.embedding_length", s->dim);
	gw_kv_u32(g, "llama.feed_forward_length", s->hidden);
	gw_kv_u32(g, "llama.block_count", s->n_layers);
	gw_kv_u32(g, "llama.attention.head_count", s->n_heads);
	gw_kv_u32(g, "llama.attention.head_count_kv", s->n_kv_heads);
	gw_kv_u32(g, "llama.rope.dimension_count", hd);
	gw_kv_f32(g, "llama.attention.layer_norm_rms_epsilon", 1e-5f);
	if (s->theta != 0.0f)
		gw_kv_f32(g, "llama.rope.freq_base", s->theta);
	for (uint32_t id = 0; id < s->vocab; id++) {
		tm_vocab_piece(id, s->vocab, 1, buf[id], sizeof(buf[id]), &lens[id], &scores[id],
			       &types[id]);
		pieces[id] = buf[id];
	}
	gw_kv_str(g, "tokenizer.ggml.model", "llama");
	gw_kv_arr_str(g, "tokenizer.ggml.tokens", pieces, lens, s->vocab);
	gw_kv_arr_f32(g, "tokenizer.ggml.scores", scores, s->vocab);
	gw_kv_arr_i32(g, "tokenizer.ggml.token_type", types, s->vocab);
	gw_kv_u32(g, "tokenizer.ggml.bos_token_id", 1);
	gw_kv_u32(g, "tokenizer.ggml.eos_token_id", 2);
	gw_kv_u32(g, "tokenizer.ggml.unknown_token_id", 0);
	gw_tensor(g, "token_embd.weight", tm_type_for(s->type, s->dim), 2, dims, w->emb);
	gw_tensor(g, "output_norm.weight", GW_T_F32, 1, dims, w->final_norm);
	if (s->untied)
		gw_tensor(g, "output.weight", tm_type_for(s->type, s->dim), 2, dims, w->wcls);
	tm_gguf_layers(g, "attn_norm", w->att_norm, L, 1, s->dim, GW_T_F32);
	tm_gguf_layers(g, "attn_q", w->wq, L, s->dim, s->dim, tm_type_for(s->type, s->dim));
	tm_gguf_layers(g, "attn_k", w->wk, L, kvd, s->dim, tm_type_for(s->type, s->dim));
	tm_gguf_layers(g, "attn_v", w->wv, L, kvd, s->dim, tm_type_for(s->type, s->dim));
	tm_gguf_layers(g, "attn_output", w->wo, L, s->dim, s->dim, tm_type_for(s->type, s->dim));
	tm_gguf_layers(g, "ffn_norm", w->ffn_norm, L, 1, s->dim, GW_T_F32);
	tm_gguf_layers(g, "ffn_gate", w->w1, L, s->hidden, s->dim, tm_type_for(s->type, s->dim));
	tm_gguf_layers(g, "ffn_down", w->w2, L, s->dim, s->hidden,
		       tm_type_for(s->type, s->hidden));
	tm_gguf_layers(g, "ffn_up", w->w3, L, s->hidden, s->dim, tm_type_for(s->type, s->dim));
	free(pieces);
	free(lens);
	free(scores);
	free(types);
	free(buf);
}

void tm_write_gguf(const struct tm_spec *s, const struct tm_weights *w, struct bytebuf *out)
{
	struct gguf_writer g;

	tm_gguf(s, w, &g);
	gw_finish(&g, out);
	gw_release(&g);
}
