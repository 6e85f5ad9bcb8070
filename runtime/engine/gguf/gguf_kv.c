/* Typed access to GGUF metadata and tensors already validated by the parser. */
#include "gguf.h"

#include <math.h>
#include <string.h>

#include "cursor.h"

/* Linear search: models carry a few dozen keys, looked up once at load. */
const struct fllm_gguf_kv *fllm_gguf_find(const struct fllm_gguf *g, const char *key)
{
	size_t len = strlen(key);

	for (uint64_t i = 0; i < g->n_kv; i++)
		if (g->kv[i].key_len == len && !memcmp(g->kv[i].key, key, len))
			return &g->kv[i];
	return NULL;
}

const struct fllm_gguf_tensor *fllm_gguf_tensor(const struct fllm_gguf *g, const char *name)
{
	for (uint64_t i = 0; i < g->n_tensors; i++)
		if (!strcmp(g->tensors[i].name, name))
			return &g->tensors[i];
	return NULL;
}

/* Any integer type is accepted (writers differ), as long as the value fits. */
fllm_status fllm_gguf_get_uint(const struct fllm_gguf *g, const char *key, uint64_t max,
			       uint64_t *out, int *found, struct fllm_err *err)
{
	const struct fllm_gguf_kv *kv = fllm_gguf_find(g, key);
	const uint8_t *p;
	int64_t s = 0;
	uint64_t u = 0;
	int is_signed = 0;

	*found = 0;
	if (!kv)
		return FLLM_OK;
	p = kv->value;
	switch (kv->type) {
	case FLLM_GGUF_U8: u = p[0]; break;
	case FLLM_GGUF_U16: u = fllm_le16(p); break;
	case FLLM_GGUF_U32: u = fllm_le32(p); break;
	case FLLM_GGUF_U64: u = fllm_le64(p); break;
	case FLLM_GGUF_I8: s = (int8_t)p[0]; is_signed = 1; break;
	case FLLM_GGUF_I16: s = (int16_t)fllm_le16(p); is_signed = 1; break;
	case FLLM_GGUF_I32: s = (int32_t)fllm_le32(p); is_signed = 1; break;
	case FLLM_GGUF_I64: s = (int64_t)fllm_le64(p); is_signed = 1; break;
	default:
		return fllm_err_set(err, FLLM_E_FORMAT, "key '%s' has type %s, expected an integer",
				    key, fllm_gguf_vtype_name(kv->type));
	}
	if (is_signed) {
		if (s < 0)
			return fllm_err_set(err, FLLM_E_FORMAT, "key '%s' is negative (%lld)", key,
					    (long long)s);
		u = (uint64_t)s;
	}
	if (u > max)
		return fllm_err_set(err, FLLM_E_FORMAT, "key '%s' is %llu, above the limit %llu",
				    key, (unsigned long long)u, (unsigned long long)max);
	*out = u;
	*found = 1;
	return FLLM_OK;
}

/* float32 or float64, finite. */
fllm_status fllm_gguf_get_float(const struct fllm_gguf *g, const char *key, float *out,
				int *found, struct fllm_err *err)
{
	const struct fllm_gguf_kv *kv = fllm_gguf_find(g, key);
	double d;

	*found = 0;
	if (!kv)
		return FLLM_OK;
	if (kv->type == FLLM_GGUF_F32) {
		d = fllm_le_f32(kv->value);
	} else if (kv->type == FLLM_GGUF_F64) {
		uint64_t u = fllm_le64(kv->value);

		memcpy(&d, &u, sizeof(d));
	} else {
		return fllm_err_set(err, FLLM_E_FORMAT, "key '%s' has type %s, expected a float",
				    key, fllm_gguf_vtype_name(kv->type));
	}
	if (!isfinite(d) || fabs(d) > 3.0e38)
		return fllm_err_set(err, FLLM_E_FORMAT, "key '%s' is not a finite float", key);
	*out = (float)d;
	*found = 1;
	return FLLM_OK;
}

fllm_status fllm_gguf_get_string(const struct fllm_gguf *g, const char *key, const char **s,
				 size_t *len, int *found, struct fllm_err *err)
{
	const struct fllm_gguf_kv *kv = fllm_gguf_find(g, key);

	*found = 0;
	if (!kv)
		return FLLM_OK;
	if (kv->type != FLLM_GGUF_STRING)
		return fllm_err_set(err, FLLM_E_FORMAT, "key '%s' has type %s, expected string",
				    key, fllm_gguf_vtype_name(kv->type));
	*len = (size_t)fllm_le64(kv->value);
	*s = (const char *)kv->value + 8;
	*found = 1;
	return FLLM_OK;
}

/* The one supported value of a string key (architecture, tokenizer model). */
fllm_status fllm_gguf_expect_string(const struct fllm_gguf *g, const char *key,
				    const char *want, const char *what, int *found,
				    struct fllm_err *err)
{
	size_t len, want_len = strlen(want);
	const char *s;
	fllm_status st;

	st = fllm_gguf_get_string(g, key, &s, &len, found, err);
	if (st || !*found)
		return st;
	if (len != want_len || memcmp(s, want, len))
		return fllm_err_set(err, FLLM_E_FORMAT, "%s '%.*s' not supported (only '%s')",
				    what, (int)(len > 32 ? 32 : len), s, want);
	return FLLM_OK;
}

/* Present array of elem_type; absence is an error here (callers need it). */
fllm_status fllm_gguf_get_array(const struct fllm_gguf *g, const char *key, uint32_t elem_type,
				const struct fllm_gguf_kv **out, struct fllm_err *err)
{
	const struct fllm_gguf_kv *kv = fllm_gguf_find(g, key);

	*out = NULL;
	if (!kv)
		return fllm_err_set(err, FLLM_E_FORMAT, "key '%s' is missing", key);
	if (kv->type != FLLM_GGUF_ARRAY || kv->elem_type != elem_type)
		return fllm_err_set(err, FLLM_E_FORMAT, "key '%s' is not an array of %s", key,
				    fllm_gguf_vtype_name(elem_type));
	*out = kv;
	return FLLM_OK;
}

/* The parser proved every string of the array lies inside the image. */
const uint8_t *fllm_gguf_string_next(const uint8_t **p, size_t *len)
{
	const uint8_t *s = *p + 8;

	*len = (size_t)fllm_le64(*p);
	*p = s + *len;
	return s;
}
