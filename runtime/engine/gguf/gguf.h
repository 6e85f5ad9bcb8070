/*
 * GGUF v2/v3 (llama.cpp's model file format), parsed in place from a
 * memory image. Layout (little-endian): "GGUF", u32 version, u64 n_tensors,
 * u64 n_kv; n_kv x (string key, u32 type, value); n_tensors x (string name,
 * u32 n_dims, u64 dims[n_dims], u32 type, u64 offset); padding to
 * general.alignment (default 32); tensor data at the offsets. A string is
 * u64 length + bytes; an array is u32 element type + u64 count + elements.
 *
 * fllm_gguf_parse checks every count, length, offset and size against the
 * image (overflow-safe) before anything is stored, so the accessors below
 * never read outside it.
 */
#ifndef FLLM_ENGINE_GGUF_H
#define FLLM_ENGINE_GGUF_H

#include <stddef.h>
#include <stdint.h>

#include "engine_error.h"

#define FLLM_GGUF_MAGIC 0x46554747u	/* "GGUF" read as little-endian u32 */
#define FLLM_GGUF_DEFAULT_ALIGNMENT 32
#define FLLM_GGUF_MAX_DIMS 4
#define FLLM_GGUF_NAME_MAX 64		/* tensor names are shorter (ggml's limit) */

enum fllm_gguf_vtype {
	FLLM_GGUF_U8 = 0, FLLM_GGUF_I8 = 1, FLLM_GGUF_U16 = 2, FLLM_GGUF_I16 = 3,
	FLLM_GGUF_U32 = 4, FLLM_GGUF_I32 = 5, FLLM_GGUF_F32 = 6, FLLM_GGUF_BOOL = 7,
	FLLM_GGUF_STRING = 8, FLLM_GGUF_ARRAY = 9, FLLM_GGUF_U64 = 10, FLLM_GGUF_I64 = 11,
	FLLM_GGUF_F64 = 12,
	FLLM_GGUF_VTYPES
};

struct fllm_gguf_kv {
	const uint8_t *key;		/* (key_len) bytes in the image, not NUL-terminated */
	size_t key_len;
	uint32_t type;			/* enum fllm_gguf_vtype */
	uint32_t elem_type;		/* arrays: the elements' type */
	uint64_t count;			/* arrays: elements; else 1 */
	const uint8_t *value;		/* scalar value, string length, or first element */
};

struct fllm_gguf_tensor {
	char name[FLLM_GGUF_NAME_MAX];	/* NUL-terminated copy */
	uint32_t n_dims;
	uint64_t dims[FLLM_GGUF_MAX_DIMS];	/* dims[0] contiguous; unused ones 1 */
	uint32_t type;			/* ggml type number, one of fllm_tensor_type */
	uint64_t offset;		/* from the start of the data section */
	uint64_t n_elems;
	uint64_t bytes;
	const uint8_t *data;		/* (bytes) in the image */
};

struct fllm_gguf {
	uint32_t version;
	uint32_t alignment;
	uint64_t n_kv;
	uint64_t n_tensors;
	struct fllm_gguf_kv *kv;		/* (n_kv) */
	struct fllm_gguf_tensor *tensors;	/* (n_tensors) */
	uint64_t data_start;		/* byte offset of the data section */
	size_t size;			/* image bytes */
};

/* Parse size bytes at data into g (which then points into data). */
fllm_status fllm_gguf_parse(const uint8_t *data, size_t size, struct fllm_gguf *g,
			    struct fllm_err *err);
void fllm_gguf_release(struct fllm_gguf *g);

/* Element type facts (gguf_types.c). */
const char *fllm_gguf_vtype_name(uint32_t type);
/* Bytes of one scalar of type; 0 for strings, arrays and unknown types. */
size_t fllm_gguf_vtype_size(uint32_t type);
/* Name of a ggml tensor type ("F32", "Q4_K", ...) or "unknown". */
const char *fllm_gguf_ttype_name(uint32_t type);
/* Block facts of a supported tensor type; 0 if the engine cannot load it. */
int fllm_gguf_ttype_block(uint32_t type, uint32_t *block_elems, uint32_t *block_bytes);

/* Metadata lookup (gguf_kv.c); NULL when absent. */
const struct fllm_gguf_kv *fllm_gguf_find(const struct fllm_gguf *g, const char *key);
/*
 * Typed getters: FLLM_OK with *found = 0 when absent (out untouched),
 * FLLM_E_FORMAT naming the key when the type or value does not fit.
 */
fllm_status fllm_gguf_get_uint(const struct fllm_gguf *g, const char *key, uint64_t max,
			       uint64_t *out, int *found, struct fllm_err *err);
fllm_status fllm_gguf_get_float(const struct fllm_gguf *g, const char *key, float *out,
				int *found, struct fllm_err *err);
fllm_status fllm_gguf_get_string(const struct fllm_gguf *g, const char *key, const char **s,
				 size_t *len, int *found, struct fllm_err *err);
/*
 * A string key that, when present, must be want: FLLM_E_FORMAT "<what>
 * '<value>' not supported (only '<want>')" otherwise. *found as above.
 */
fllm_status fllm_gguf_expect_string(const struct fllm_gguf *g, const char *key,
				    const char *want, const char *what, int *found,
				    struct fllm_err *err);
/* An array whose elements have type elem_type. */
fllm_status fllm_gguf_get_array(const struct fllm_gguf *g, const char *key, uint32_t elem_type,
				const struct fllm_gguf_kv **kv, struct fllm_err *err);
/* Walk a validated string array: returns the string at *p and advances *p. */
const uint8_t *fllm_gguf_string_next(const uint8_t **p, size_t *len);

const struct fllm_gguf_tensor *fllm_gguf_tensor(const struct fllm_gguf *g, const char *name);

#endif /* FLLM_ENGINE_GGUF_H */
