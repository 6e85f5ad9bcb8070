/*
 * GGUF header, metadata and tensor-info parsing with every field checked
 * against the image before it is stored (see gguf.h for the layout).
 */
#include "gguf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"

/* Smallest possible encodings, to bound counts before allocating. */
#define GGUF_MIN_KV_BYTES 13		/* u64 key length, 1 key byte, u32 type, 1 byte */
#define GGUF_MIN_TENSOR_BYTES 29	/* u64 len, 1 byte, u32 n_dims, u64 dim, u32, u64 */

/* Read a GGUF string: u64 length then that many bytes. */
static fllm_status gguf_string(struct fllm_cursor *c, const uint8_t **s, uint64_t *len,
			       const char *what, struct fllm_err *err)
{
	size_t at = c->off;

	if (!fllm_cursor_u64(c, len))
		return fllm_err_set(err, FLLM_E_FORMAT,
				    "%s: string length at byte %zu past end of file (%zu bytes)",
				    what, at, c->size);
	if (!fllm_cursor_bytes(c, *len, s)) {
		c->off = at;
		return fllm_err_set(err, FLLM_E_FORMAT,
				    "%s: string of %llu bytes at byte %zu runs past end of file "
				    "(%zu bytes)", what, (unsigned long long)*len, at + 8, c->size);
	}
	return FLLM_OK;
}

/* Check one metadata value of type and step over it; arrays recurse once. */
static fllm_status gguf_value(struct fllm_cursor *c, struct fllm_gguf_kv *kv, const char *key,
			      struct fllm_err *err)
{
	const uint8_t *p;
	uint64_t len;
	size_t sz;
	fllm_status st;

	kv->count = 1;
	kv->elem_type = kv->type;
	kv->value = c->data + c->off;
	if (kv->type == FLLM_GGUF_STRING)
		return gguf_string(c, &p, &len, key, err);
	if (kv->type == FLLM_GGUF_ARRAY) {
		if (!fllm_cursor_u32(c, &kv->elem_type) || !fllm_cursor_u64(c, &kv->count))
			return fllm_err_set(err, FLLM_E_FORMAT,
					    "key '%s': array header past end of file (%zu bytes)",
					    key, c->size);
		kv->value = c->data + c->off;
		if (kv->elem_type == FLLM_GGUF_ARRAY)
			return fllm_err_set(err, FLLM_E_FORMAT,
					    "key '%s': arrays of arrays are not supported", key);
		if (kv->elem_type == FLLM_GGUF_STRING) {
			if (kv->count > fllm_cursor_left(c) / 8)
				return fllm_err_set(err, FLLM_E_FORMAT,
						    "key '%s': %llu strings cannot fit in the "
						    "%zu bytes left", key,
						    (unsigned long long)kv->count,
						    fllm_cursor_left(c));
			for (uint64_t i = 0; i < kv->count; i++) {
				st = gguf_string(c, &p, &len, key, err);
				if (st)
					return st;
			}
			return FLLM_OK;
		}
		sz = fllm_gguf_vtype_size(kv->elem_type);
		if (!sz)
			return fllm_err_set(err, FLLM_E_FORMAT,
					    "key '%s': unknown array element type %u", key,
					    kv->elem_type);
		if (kv->count > fllm_cursor_left(c) / sz)
			return fllm_err_set(err, FLLM_E_FORMAT,
					    "key '%s': array of %llu %s runs past end of file "
					    "(%zu bytes)", key, (unsigned long long)kv->count,
					    fllm_gguf_vtype_name(kv->elem_type), c->size);
		c->off += (size_t)kv->count * sz;
		return FLLM_OK;
	}
	sz = fllm_gguf_vtype_size(kv->type);
	if (!sz)
		return fllm_err_set(err, FLLM_E_FORMAT, "key '%s': unknown value type %u", key,
				    kv->type);
	if (!fllm_cursor_bytes(c, sz, &p))
		return fllm_err_set(err, FLLM_E_FORMAT,
				    "key '%s': %s value past end of file (%zu bytes)", key,
				    fllm_gguf_vtype_name(kv->type), c->size);
	if (kv->type == FLLM_GGUF_BOOL && *p > 1)
		return fllm_err_set(err, FLLM_E_FORMAT, "key '%s': bool value %u is not 0 or 1",
				    key, *p);
	return FLLM_OK;
}

/* Short printable form of a key for messages (keys are not trusted text). */
static void gguf_key_text(char *dst, size_t cap, const uint8_t *key, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len && n + 1 < cap; i++)
		dst[n++] = key[i] >= 0x20 && key[i] < 0x7f ? (char)key[i] : '?';
	dst[n] = 0;
}

static int kv_cmp(const void *a, const void *b)
{
	const struct fllm_gguf_kv *x = *(const struct fllm_gguf_kv *const *)a;
	const struct fllm_gguf_kv *y = *(const struct fllm_gguf_kv *const *)b;
	size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
	int r = memcmp(x->key, y->key, n);

	if (r)
		return r;
	return x->key_len < y->key_len ? -1 : x->key_len > y->key_len;
}

static int tensor_cmp(const void *a, const void *b)
{
	const struct fllm_gguf_tensor *x = *(const struct fllm_gguf_tensor *const *)a;
	const struct fllm_gguf_tensor *y = *(const struct fllm_gguf_tensor *const *)b;

	return strcmp(x->name, y->name);
}

/* Refuse repeated keys and tensor names (sorted pointer copies, n log n). */
static fllm_status gguf_check_unique(struct fllm_gguf *g, struct fllm_err *err)
{
	uint64_t n = g->n_kv > g->n_tensors ? g->n_kv : g->n_tensors;
	const void **v;
	char key[80];
	fllm_status st = FLLM_OK;

	if (n < 2)
		return FLLM_OK;
	v = malloc((size_t)n * sizeof(*v));
	if (!v)
		return fllm_err_set(err, FLLM_E_NO_MEMORY, "out of memory checking names");
	for (uint64_t i = 0; i < g->n_kv; i++)
		v[i] = &g->kv[i];
	qsort(v, (size_t)g->n_kv, sizeof(*v), kv_cmp);
	for (uint64_t i = 1; i < g->n_kv && !st; i++) {
		if (kv_cmp(&v[i - 1], &v[i]))
			continue;
		gguf_key_text(key, sizeof(key), ((const struct fllm_gguf_kv *)v[i])->key,
			      ((const struct fllm_gguf_kv *)v[i])->key_len);
		st = fllm_err_set(err, FLLM_E_FORMAT, "key '%s' appears twice", key);
	}
	for (uint64_t i = 0; i < g->n_tensors && !st; i++)
		v[i] = &g->tensors[i];
	if (!st)
		qsort(v, (size_t)g->n_tensors, sizeof(*v), tensor_cmp);
	for (uint64_t i = 1; i < g->n_tensors && !st; i++)
		if (!tensor_cmp(&v[i - 1], &v[i]))
			st = fllm_err_set(err, FLLM_E_FORMAT, "tensor '%s' appears twice",
					  ((const struct fllm_gguf_tensor *)v[i])->name);
	free(v);
	return st;
}

/* Read n_kv key/value pairs. */
static fllm_status gguf_parse_kv(struct fllm_cursor *c, struct fllm_gguf *g,
				 struct fllm_err *err)
{
	char key[80];
	fllm_status st;

	for (uint64_t i = 0; i < g->n_kv; i++) {
		struct fllm_gguf_kv *kv = &g->kv[i];
		uint64_t len;
		char what[32];

		snprintf(what, sizeof(what), "key %llu", (unsigned long long)i);
		st = gguf_string(c, &kv->key, &len, what, err);
		if (st)
			return st;
		if (!len)
			return fllm_err_set(err, FLLM_E_FORMAT, "key %llu is empty",
					    (unsigned long long)i);
		kv->key_len = (size_t)len;
		gguf_key_text(key, sizeof(key), kv->key, kv->key_len);
		if (!fllm_cursor_u32(c, &kv->type))
			return fllm_err_set(err, FLLM_E_FORMAT,
					    "key '%s': type past end of file (%zu bytes)", key,
					    c->size);
		st = gguf_value(c, kv, key, err);
		if (st)
			return st;
	}
	return FLLM_OK;
}

/* Read one tensor info and check its name, shape and type. */
static fllm_status gguf_parse_tensor(struct fllm_cursor *c, uint64_t i,
				     struct fllm_gguf_tensor *t, struct fllm_err *err)
{
	const uint8_t *name;
	uint64_t len;
	uint32_t be, bb;
	char what[40];
	fllm_status st;

	snprintf(what, sizeof(what), "tensor %llu name", (unsigned long long)i);
	st = gguf_string(c, &name, &len, what, err);
	if (st)
		return st;
	if (!len || len >= FLLM_GGUF_NAME_MAX || memchr(name, 0, (size_t)len))
		return fllm_err_set(err, FLLM_E_FORMAT,
				    "tensor %llu: name of %llu bytes (must be 1..%d, no NUL)",
				    (unsigned long long)i, (unsigned long long)len,
				    FLLM_GGUF_NAME_MAX - 1);
	memcpy(t->name, name, (size_t)len);
	t->name[len] = 0;
	if (!fllm_cursor_u32(c, &t->n_dims))
		return fllm_err_set(err, FLLM_E_FORMAT, "tensor '%s': header past end of file",
				    t->name);
	if (t->n_dims < 1 || t->n_dims > FLLM_GGUF_MAX_DIMS)
		return fllm_err_set(err, FLLM_E_FORMAT, "tensor '%s': %u dimensions (1..%d)",
				    t->name, t->n_dims, FLLM_GGUF_MAX_DIMS);
	t->n_elems = 1;
	for (uint32_t d = 0; d < FLLM_GGUF_MAX_DIMS; d++) {
		t->dims[d] = 1;
		if (d >= t->n_dims)
			continue;
		if (!fllm_cursor_u64(c, &t->dims[d]))
			return fllm_err_set(err, FLLM_E_FORMAT,
					    "tensor '%s': header past end of file", t->name);
		if (!t->dims[d] || t->dims[d] > (uint64_t)INT64_MAX / t->n_elems)
			return fllm_err_set(err, FLLM_E_FORMAT,
					    "tensor '%s': dimension %u is %llu (empty or too "
					    "large)",
					    t->name, d, (unsigned long long)t->dims[d]);
		t->n_elems *= t->dims[d];
	}
	if (!fllm_cursor_u32(c, &t->type) || !fllm_cursor_u64(c, &t->offset))
		return fllm_err_set(err, FLLM_E_FORMAT, "tensor '%s': header past end of file",
				    t->name);
	if (!fllm_gguf_ttype_block(t->type, &be, &bb))
		return fllm_err_set(err, FLLM_E_FORMAT,
				    "tensor '%s': type %s (%u) not supported (F32, F16, BF16, "
				    "Q8_0, Q4_0 are)", t->name, fllm_gguf_ttype_name(t->type),
				    t->type);
	if (t->dims[0] % be)
		return fllm_err_set(err, FLLM_E_FORMAT,
				    "tensor '%s': row of %llu elements is not a multiple of %s's "
				    "block of %u", t->name, (unsigned long long)t->dims[0],
				    fllm_gguf_ttype_name(t->type), be);
	if (t->n_elems / be > UINT64_MAX / bb)
		return fllm_err_set(err, FLLM_E_FORMAT, "tensor '%s': size overflows", t->name);
	t->bytes = t->n_elems / be * bb;
	return FLLM_OK;
}

/* Place every tensor's data inside the file, aligned. */
static fllm_status gguf_place_tensors(struct fllm_gguf *g, const uint8_t *data,
				      struct fllm_err *err)
{
	for (uint64_t i = 0; i < g->n_tensors; i++) {
		struct fllm_gguf_tensor *t = &g->tensors[i];
		uint64_t room = g->size - g->data_start;	/* data_start <= size */

		if (t->offset % g->alignment)
			return fllm_err_set(err, FLLM_E_FORMAT,
					    "tensor '%s': data offset %llu is not a multiple of "
					    "the alignment %u", t->name,
					    (unsigned long long)t->offset, g->alignment);
		if (t->offset > room || t->bytes > room - t->offset)
			return fllm_err_set(err, FLLM_E_FORMAT,
					    "tensor '%s': data [%llu, %llu) past end of file "
					    "(%zu bytes)", t->name,
					    (unsigned long long)(g->data_start + t->offset),
					    (unsigned long long)(t->offset > room ?
						g->data_start + t->offset :
						g->data_start + t->offset + t->bytes),
					    g->size);
		t->data = data + g->data_start + t->offset;
	}
	return FLLM_OK;
}

/* Read general.alignment if present: a uint32 power of two. */
static fllm_status gguf_alignment(struct fllm_gguf *g, struct fllm_err *err)
{
	const struct fllm_gguf_kv *kv = fllm_gguf_find(g, "general.alignment");
	uint32_t a;

	g->alignment = FLLM_GGUF_DEFAULT_ALIGNMENT;
	if (!kv)
		return FLLM_OK;
	if (kv->type != FLLM_GGUF_U32)
		return fllm_err_set(err, FLLM_E_FORMAT,
				    "general.alignment has type %s, expected uint32",
				    fllm_gguf_vtype_name(kv->type));
	a = fllm_le32(kv->value);
	if (!a || (a & (a - 1)) || a > (1u << 24))
		return fllm_err_set(err, FLLM_E_FORMAT,
				    "general.alignment %u is not a power of two up to 16 MiB", a);
	g->alignment = a;
	return FLLM_OK;
}

/* Header: magic, version, counts bounded by the bytes that remain. */
static fllm_status gguf_header(struct fllm_cursor *c, struct fllm_gguf *g, struct fllm_err *err)
{
	uint32_t magic;

	if (!fllm_cursor_u32(c, &magic) || magic != FLLM_GGUF_MAGIC)
		return fllm_err_set(err, FLLM_E_FORMAT, "not a GGUF file (no 'GGUF' magic)");
	if (!fllm_cursor_u32(c, &g->version) || !fllm_cursor_u64(c, &g->n_tensors) ||
	    !fllm_cursor_u64(c, &g->n_kv))
		return fllm_err_set(err, FLLM_E_FORMAT,
				    "GGUF header truncated (file is %zu bytes, header needs 24)",
				    c->size);
	if (g->version == 0x02000000u || g->version == 0x03000000u)
		return fllm_err_set(err, FLLM_E_FORMAT,
				    "big-endian GGUF files are not supported");
	if (g->version != 2 && g->version != 3)
		return fllm_err_set(err, FLLM_E_FORMAT,
				    "GGUF version %u not supported (2 and 3 are)", g->version);
	if (g->n_kv > fllm_cursor_left(c) / GGUF_MIN_KV_BYTES)
		return fllm_err_set(err, FLLM_E_FORMAT,
				    "GGUF header claims %llu metadata keys; the file cannot hold "
				    "them (%zu bytes)", (unsigned long long)g->n_kv, c->size);
	if (g->n_tensors > fllm_cursor_left(c) / GGUF_MIN_TENSOR_BYTES)
		return fllm_err_set(err, FLLM_E_FORMAT,
				    "GGUF header claims %llu tensors; the file cannot hold them "
				    "(%zu bytes)", (unsigned long long)g->n_tensors, c->size);
	return FLLM_OK;
}

/* See gguf.h. */
fllm_status fllm_gguf_parse(const uint8_t *data, size_t size, struct fllm_gguf *g,
			    struct fllm_err *err)
{
	struct fllm_cursor c = { .data = data, .size = size, .off = 0 };
	fllm_status st;
	uint64_t end;

	memset(g, 0, sizeof(*g));
	g->size = size;
	st = gguf_header(&c, g, err);
	if (st)
		return st;
	g->kv = calloc(g->n_kv ? (size_t)g->n_kv : 1, sizeof(*g->kv));
	g->tensors = calloc(g->n_tensors ? (size_t)g->n_tensors : 1, sizeof(*g->tensors));
	if (!g->kv || !g->tensors) {
		st = fllm_err_set(err, FLLM_E_NO_MEMORY, "out of memory for the GGUF index");
		goto err_free;
	}
	st = gguf_parse_kv(&c, g, err);
	if (st)
		goto err_free;
	st = gguf_alignment(g, err);
	if (st)
		goto err_free;
	for (uint64_t i = 0; i < g->n_tensors; i++) {
		st = gguf_parse_tensor(&c, i, &g->tensors[i], err);
		if (st)
			goto err_free;
	}
	end = ((uint64_t)c.off + g->alignment - 1) / g->alignment * g->alignment;
	if (g->n_tensors && end > size) {
		st = fllm_err_set(err, FLLM_E_FORMAT,
				  "data section would start at byte %llu, past end of file "
				  "(%zu bytes)", (unsigned long long)end, size);
		goto err_free;
	}
	g->data_start = end > size ? size : end;
	st = gguf_check_unique(g, err);
	if (st)
		goto err_free;
	st = gguf_place_tensors(g, data, err);
	if (st)
		goto err_free;
	return FLLM_OK;

err_free:
	fllm_gguf_release(g);
	return st;
}

void fllm_gguf_release(struct fllm_gguf *g)
{
	free(g->kv);
	free(g->tensors);
	g->kv = NULL;
	g->tensors = NULL;
	g->n_kv = g->n_tensors = 0;
}
