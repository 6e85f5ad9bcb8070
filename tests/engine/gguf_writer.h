/*
 * A small GGUF writer for tests: metadata of every value type, tensors in
 * F32/F16/BF16/Q8_0/Q4_0 encoded from fp32 (written here independently of
 * the engine), and a choice of version and alignment. Tests break one
 * field of a valid file at a time, so the writer also reports where each
 * part landed.
 */
#ifndef FLLM_TEST_GGUF_WRITER_H
#define FLLM_TEST_GGUF_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "bytebuf.h"

#define GW_MAX_TENSORS 256

enum {
	GW_U8 = 0, GW_I8 = 1, GW_U16 = 2, GW_I16 = 3, GW_U32 = 4, GW_I32 = 5, GW_F32 = 6,
	GW_BOOL = 7, GW_STRING = 8, GW_ARRAY = 9, GW_U64 = 10, GW_I64 = 11, GW_F64 = 12,
};

enum { GW_T_F32 = 0, GW_T_F16 = 1, GW_T_Q4_0 = 2, GW_T_Q8_0 = 8, GW_T_BF16 = 30 };

struct gw_tensor {
	char name[96];
	uint32_t type, n_dims;
	uint64_t dims[8];		/* up to 8, so tests can write too many */
	struct bytebuf data;		/* encoded elements */
	size_t info_off;		/* where its info starts in the file */
	uint64_t data_off;		/* offset in the data section */
};

struct gguf_writer {
	uint32_t version;
	uint32_t alignment;		/* used for padding; write general.alignment yourself */
	uint64_t n_kv;
	struct bytebuf kv;		/* encoded key/value pairs */
	uint32_t n_tensors;
	struct gw_tensor t[GW_MAX_TENSORS];
	size_t data_start;		/* after gw_finish */
};

void gw_init(struct gguf_writer *w, uint32_t version);
void gw_release(struct gguf_writer *w);

void gw_kv_u32(struct gguf_writer *w, const char *key, uint32_t v);
void gw_kv_i32(struct gguf_writer *w, const char *key, int32_t v);
void gw_kv_f32(struct gguf_writer *w, const char *key, float v);
void gw_kv_str(struct gguf_writer *w, const char *key, const char *s);
/* Any scalar: type and its little-endian bytes. */
void gw_kv_raw(struct gguf_writer *w, const char *key, uint32_t type, const void *v, size_t n);
void gw_kv_arr_str(struct gguf_writer *w, const char *key, const char *const *s,
		   const size_t *len, uint64_t n);
void gw_kv_arr_f32(struct gguf_writer *w, const char *key, const float *v, uint64_t n);
void gw_kv_arr_i32(struct gguf_writer *w, const char *key, const int32_t *v, uint64_t n);

/* A tensor of dims (dims[0] contiguous) from n fp32 values, encoded as type. */
void gw_tensor(struct gguf_writer *w, const char *name, uint32_t type, uint32_t n_dims,
	       const uint64_t *dims, const float *values);

/* The whole file into out (caller frees with bb_free). */
void gw_finish(struct gguf_writer *w, struct bytebuf *out);

/* Encode n values (a multiple of the block) as type, then decode them back
 * into values in place: what a reader of that type must see. */
void gw_roundtrip(uint32_t type, float *values, size_t n);
/* Encoders, written from the format descriptions. */
uint16_t gw_f32_to_f16(float f);
uint16_t gw_f32_to_bf16(float f);
float gw_f16_to_f32(uint16_t h);

#endif /* FLLM_TEST_GGUF_WRITER_H */
