/* Test GGUF writer (see gguf_writer.h). */
#include "gguf_writer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gw_init(struct gguf_writer *w, uint32_t version)
{
	memset(w, 0, sizeof(*w));
	w->version = version;
	w->alignment = 32;
	bb_init(&w->kv);
}

void gw_release(struct gguf_writer *w)
{
	bb_free(&w->kv);
	for (uint32_t i = 0; i < w->n_tensors; i++)
		bb_free(&w->t[i].data);
}

static void gw_str(struct bytebuf *b, const char *s, size_t n)
{
	bb_u64(b, n);
	bb_bytes(b, s, n);
}

static void gw_key(struct gguf_writer *w, const char *key, uint32_t type)
{
	gw_str(&w->kv, key, strlen(key));
	bb_u32(&w->kv, type);
	w->n_kv++;
}

void gw_kv_raw(struct gguf_writer *w, const char *key, uint32_t type, const void *v, size_t n)
{
	gw_key(w, key, type);
	bb_bytes(&w->kv, v, n);
}

void gw_kv_u32(struct gguf_writer *w, const char *key, uint32_t v)
{
	gw_key(w, key, GW_U32);
	bb_u32(&w->kv, v);
}

void gw_kv_i32(struct gguf_writer *w, const char *key, int32_t v)
{
	gw_key(w, key, GW_I32);
	bb_u32(&w->kv, (uint32_t)v);
}

void gw_kv_f32(struct gguf_writer *w, const char *key, float v)
{
	gw_key(w, key, GW_F32);
	bb_f32(&w->kv, v);
}

void gw_kv_str(struct gguf_writer *w, const char *key, const char *s)
{
	gw_key(w, key, GW_STRING);
	gw_str(&w->kv, s, strlen(s));
}

void gw_kv_arr_str(struct gguf_writer *w, const char *key, const char *const *s,
		   const size_t *len, uint64_t n)
{
	gw_key(w, key, GW_ARRAY);
	bb_u32(&w->kv, GW_STRING);
	bb_u64(&w->kv, n);
	for (uint64_t i = 0; i < n; i++)
		gw_str(&w->kv, s[i], len ? len[i] : strlen(s[i]));
}

void gw_kv_arr_f32(struct gguf_writer *w, const char *key, const float *v, uint64_t n)
{
	gw_key(w, key, GW_ARRAY);
	bb_u32(&w->kv, GW_F32);
	bb_u64(&w->kv, n);
	for (uint64_t i = 0; i < n; i++)
		bb_f32(&w->kv, v[i]);
}

void gw_kv_arr_i32(struct gguf_writer *w, const char *key, const int32_t *v, uint64_t n)
{
	gw_key(w, key, GW_ARRAY);
	bb_u32(&w->kv, GW_I32);
	bb_u64(&w->kv, n);
	for (uint64_t i = 0; i < n; i++)
		bb_u32(&w->kv, (uint32_t)v[i]);
}

/* Round to nearest even; overflow to infinity, tiny values to subnormals. */
uint16_t gw_f32_to_f16(float f)
{
	uint32_t x;
	uint16_t sign;
	double a;
	int e;

	memcpy(&x, &f, 4);
	sign = (uint16_t)((x >> 16) & 0x8000);
	a = fabs((double)f);
	if (isnan(f))
		return sign | 0x7e00;
	if (a >= 65520.0)
		return sign | 0x7c00;
	if (a < 0x1p-14) {	/* subnormal: units of 2^-24 */
		return sign | (uint16_t)nearbyint(a * 0x1p24);
	}
	frexp(a, &e);		/* a = m * 2^e, m in [0.5, 1) */
	{
		double unit = ldexp(1.0, e - 11);	/* 10 fraction bits */
		double r = nearbyint(a / unit) * unit;
		int e2;
		double m = frexp(r, &e2);
		uint32_t exp = (uint32_t)(e2 - 1 + 15);
		uint32_t mant = (uint32_t)((m * 2.0 - 1.0) * 1024.0);

		return sign | (uint16_t)(exp << 10 | mant);
	}
}

float gw_f16_to_f32(uint16_t h)
{
	int e = (h >> 10) & 31, m = h & 1023;
	double v;

	if (e == 0)
		v = ldexp(m, -24);
	else if (e == 31)
		v = m ? NAN : INFINITY;
	else
		v = ldexp(1024 + m, e - 25);
	return (float)((h & 0x8000) ? -v : v);
}

/* Round to nearest even on the dropped 16 bits. */
uint16_t gw_f32_to_bf16(float f)
{
	uint32_t x;

	memcpy(&x, &f, 4);
	x += 0x7fff + ((x >> 16) & 1);
	return (uint16_t)(x >> 16);
}

static float gw_bf16_to_f32(uint16_t h)
{
	uint32_t x = (uint32_t)h << 16;
	float f;

	memcpy(&f, &x, 4);
	return f;
}

/* Q8_0 block: d = amax / 127 in fp16, q = round(x / d). */
static void gw_q8_0(struct bytebuf *b, const float *x, float *back)
{
	float amax = 0.0f, d, id;
	uint16_t dh;

	for (int j = 0; j < 32; j++)
		amax = fmaxf(amax, fabsf(x[j]));
	dh = gw_f32_to_f16(amax / 127.0f);
	d = gw_f16_to_f32(dh);
	id = d ? 1.0f / d : 0.0f;
	bb_u16(b, dh);
	for (int j = 0; j < 32; j++) {
		long q = lrintf(x[j] * id);

		q = q < -127 ? -127 : q > 127 ? 127 : q;
		bb_u8(b, (uint8_t)(int8_t)q);
		if (back)
			back[j] = d * (float)q;
	}
}

/* Q4_0 block: d = (the value of largest magnitude) / -8, q = round(x/d) + 8
 * clamped to 0..15; element j in the low nibble of byte j, j + 16 high. */
static void gw_q4_0(struct bytebuf *b, const float *x, float *back)
{
	float max = 0.0f, d, id;
	uint8_t q[32];
	uint16_t dh;

	for (int j = 0; j < 32; j++)
		if (fabsf(x[j]) > fabsf(max))
			max = x[j];
	dh = gw_f32_to_f16(max / -8.0f);
	d = gw_f16_to_f32(dh);
	id = d ? 1.0f / d : 0.0f;
	bb_u16(b, dh);
	for (int j = 0; j < 32; j++) {
		long v = lrintf(x[j] * id) + 8;

		q[j] = (uint8_t)(v < 0 ? 0 : v > 15 ? 15 : v);
		if (back)
			back[j] = d * (float)(q[j] - 8);
	}
	for (int j = 0; j < 16; j++)
		bb_u8(b, (uint8_t)(q[j] | q[j + 16] << 4));
}

/* Encode n values as type into b; back (may be NULL) receives the decoded values. */
static void gw_encode(struct bytebuf *b, uint32_t type, const float *v, size_t n, float *back)
{
	for (size_t i = 0; i < n;) {
		switch (type) {
		case GW_T_F32:
			bb_f32(b, v[i]);
			if (back)
				back[i] = v[i];
			i++;
			break;
		case GW_T_F16:
		case GW_T_BF16: {
			int bf = type == GW_T_BF16;
			uint16_t h = bf ? gw_f32_to_bf16(v[i]) : gw_f32_to_f16(v[i]);

			bb_u16(b, h);
			if (back)
				back[i] = bf ? gw_bf16_to_f32(h) : gw_f16_to_f32(h);
			i++;
			break;
		}
		case GW_T_Q8_0:
			gw_q8_0(b, v + i, back ? back + i : NULL);
			i += 32;
			break;
		case GW_T_Q4_0:
			gw_q4_0(b, v + i, back ? back + i : NULL);
			i += 32;
			break;
		default:
			fprintf(stderr, "gguf_writer: type %u\n", type);
			exit(2);
		}
	}
}

void gw_roundtrip(uint32_t type, float *values, size_t n)
{
	struct bytebuf b;

	bb_init(&b);
	gw_encode(&b, type, values, n, values);
	bb_free(&b);
}

void gw_tensor(struct gguf_writer *w, const char *name, uint32_t type, uint32_t n_dims,
	       const uint64_t *dims, const float *values)
{
	struct gw_tensor *t = &w->t[w->n_tensors++];
	uint64_t n = 1;

	snprintf(t->name, sizeof(t->name), "%s", name);
	t->type = type;
	t->n_dims = n_dims;
	for (uint32_t d = 0; d < n_dims && d < 8; d++) {
		t->dims[d] = dims[d];
		n *= dims[d];
	}
	bb_init(&t->data);
	gw_encode(&t->data, type, values, (size_t)n, NULL);
}

void gw_finish(struct gguf_writer *w, struct bytebuf *out)
{
	uint64_t off = 0;

	bb_init(out);
	bb_u32(out, 0x46554747u);
	bb_u32(out, w->version);
	bb_u64(out, w->n_tensors);
	bb_u64(out, w->n_kv);
	bb_bytes(out, w->kv.data, w->kv.len);
	for (uint32_t i = 0; i < w->n_tensors; i++) {
		struct gw_tensor *t = &w->t[i];

		t->info_off = out->len;
		gw_str(out, t->name, strlen(t->name));
		bb_u32(out, t->n_dims);
		for (uint32_t d = 0; d < t->n_dims; d++)
			bb_u64(out, t->dims[d]);
		bb_u32(out, t->type);
		t->data_off = off;
		bb_u64(out, off);
		off += (t->data.len + w->alignment - 1) / w->alignment * w->alignment;
	}
	bb_pad(out, w->alignment);
	w->data_start = out->len;
	for (uint32_t i = 0; i < w->n_tensors; i++) {
		bb_bytes(out, w->t[i].data.data, w->t[i].data.len);
		bb_pad(out, w->alignment);
	}
}
