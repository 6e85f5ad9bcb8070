/*
 * Tiny random Llama models for tests, written as llama2.c checkpoints, as
 * tokenizer.bin files and as GGUF (with a tokenizer in its metadata). The
 * weights are held in llama2.c's layout; for a quantized GGUF they are first
 * rounded through the type, so the .bin of the same weights must give
 * exactly the same logits.
 */
#ifndef FLLM_TEST_MODEL_WRITER_H
#define FLLM_TEST_MODEL_WRITER_H

#include <stdint.h>

#include "bytebuf.h"
#include "gguf_writer.h"

struct tm_spec {
	uint32_t dim, hidden, n_layers, n_heads, n_kv_heads, vocab, seq_len;
	int untied;			/* separate output weight */
	uint32_t type;			/* GGUF type of the matrices (GW_T_*) */
	float theta;			/* 0: default 10000, key omitted */
	uint64_t seed;
};

/* Weights in llama2.c order; matrices (out, in) row-major, per layer stacked. */
struct tm_weights {
	float *emb;		/* (vocab, dim) */
	float *att_norm;	/* (L, dim) */
	float *wq;		/* (L, dim, dim) */
	float *wk, *wv;		/* (L, kv_dim, dim) */
	float *wo;		/* (L, dim, dim) */
	float *ffn_norm;	/* (L, dim) */
	float *w1, *w3;		/* (L, hidden, dim) */
	float *w2;		/* (L, dim, hidden) */
	float *final_norm;	/* (dim) */
	float *wcls;		/* (vocab, dim) when untied, else NULL */
};

/* A spec with small GQA defaults (dim 64, 2 layers, 4/2 heads, vocab 379). */
struct tm_spec tm_spec_default(void);
/* The default spec with another shape: widths and head counts. */
struct tm_spec tm_spec_shape(uint32_t dim, uint32_t hidden, uint32_t n_heads,
			     uint32_t n_kv_heads);
void tm_weights_make(const struct tm_spec *s, struct tm_weights *w);
void tm_weights_free(struct tm_weights *w);

/* The llama2.c legacy checkpoint (freq_cis block included). */
void tm_write_bin(const struct tm_spec *s, const struct tm_weights *w, struct bytebuf *out);

/* The test vocabulary: <unk>, <s>, </s>, <0x00>..<0xFF> (ids 3..258), 20
 * merges (ids 259.., scores 0, -1, ...), 100 single characters (ids 279..:
 * ASCII 0x20..0x7e, then newline, U+00E9, U+65E5, U+672C, U+1F642), then
 * unused fillers up to vocab. Pieces use real spaces (tokenizer.bin) or
 * U+2581 (gguf = 1). */
uint32_t tm_vocab_size_min(void);
void tm_vocab_piece(uint32_t id, uint32_t vocab, int gguf, char *buf, size_t cap, size_t *len,
		    float *score, int32_t *type);
void tm_write_tokbin(uint32_t vocab, struct bytebuf *out);

/* Fill a GGUF writer with the model (metadata, tokenizer and tensors);
 * callers may add keys before gw_finish. */
void tm_gguf(const struct tm_spec *s, const struct tm_weights *w, struct gguf_writer *g);
void tm_write_gguf(const struct tm_spec *s, const struct tm_weights *w, struct bytebuf *out);

#endif /* FLLM_TEST_MODEL_WRITER_H */
