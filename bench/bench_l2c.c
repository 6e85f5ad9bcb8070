/*
 * llama2.c's run.c forward loop, reimplemented for bench_decode (see
 * bench_l2c.h). Written from the algorithm, kept as plain as run.c keeps
 * it so that the comparison is with that program, not with a tuned one.
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_l2c.h"

/* The seven int32 of the checkpoint header. */
struct l2c_config {
	int32_t dim, hidden, layers, heads, kv_heads, vocab, seq_len;
};

/* Views into the checkpoint's floats, in file order. */
struct l2c_weights {
	const float *emb, *att_norm, *wq, *wk, *wv, *wo, *ffn_norm, *w1, *w2, *w3, *out_norm;
	const float *cls;
};

struct bench_l2c {
	struct l2c_config c;
	struct l2c_weights w;
	float *data;			/* the checkpoint's floats */
	float *x, *xb, *xb2, *hb, *hb2, *q, *att, *logits;
	float *kcache, *vcache;		/* (layers, seq_len, kv_dim) */
};

void bench_l2c_free(struct bench_l2c *t)
{
	if (!t)
		return;
	free(t->data);
	free(t->x);
	free(t->xb);
	free(t->xb2);
	free(t->hb);
	free(t->hb2);
	free(t->q);
	free(t->att);
	free(t->logits);
	free(t->kcache);
	free(t->vcache);
	free(t);
}

/* Point the weight views into data (n floats); -1 when the file is short. */
static int l2c_map(struct bench_l2c *t, size_t n, int shared)
{
	const struct l2c_config *c = &t->c;
	size_t hd = (size_t)c->dim / (size_t)c->heads, kvd = hd * (size_t)c->kv_heads;
	size_t L = (size_t)c->layers, d = (size_t)c->dim, h = (size_t)c->hidden;
	const float *p = t->data;
	size_t need;

	t->w.emb = p;
	p += (size_t)c->vocab * d;
	t->w.att_norm = p;
	p += L * d;
	t->w.wq = p;
	p += L * d * d;
	t->w.wk = p;
	p += L * d * kvd;
	t->w.wv = p;
	p += L * d * kvd;
	t->w.wo = p;
	p += L * d * d;
	t->w.ffn_norm = p;
	p += L * d;
	t->w.w1 = p;
	p += L * d * h;
	t->w.w2 = p;
	p += L * h * d;
	t->w.w3 = p;
	p += L * d * h;
	t->w.out_norm = p;
	p += d;
	p += (size_t)c->seq_len * hd;	/* the legacy freq_cis_real and _imag */
	t->w.cls = shared ? t->w.emb : p;
	need = (size_t)(p - t->data) + (shared ? 0 : (size_t)c->vocab * d);
	return need <= n ? 0 : -1;
}

int bench_l2c_open(const char *path, struct bench_l2c **out, char *err, size_t err_len)
{
	struct bench_l2c *t = calloc(1, sizeof(*t));
	FILE *f = fopen(path, "rb");
	long bytes;
	size_t n, kvd;
	int shared;

	*out = NULL;
	if (!t || !f || fread(&t->c, sizeof(t->c), 1, f) != 1 || fseek(f, 0, SEEK_END) ||
	    (bytes = ftell(f)) < (long)sizeof(t->c) || fseek(f, sizeof(t->c), SEEK_SET)) {
		snprintf(err, err_len, "%s: cannot read a llama2.c header", path);
		goto fail;
	}
	shared = t->c.vocab > 0;
	t->c.vocab = abs(t->c.vocab);
	if (t->c.dim <= 0 || t->c.hidden <= 0 || t->c.layers <= 0 || t->c.heads <= 0 ||
	    t->c.kv_heads <= 0 || t->c.heads % t->c.kv_heads || t->c.dim % t->c.heads ||
	    t->c.vocab <= 0 || t->c.seq_len <= 0 || t->c.dim > 65536 || t->c.hidden > 262144 ||
	    t->c.layers > 1024 || t->c.seq_len > 1 << 20 || t->c.vocab > 1 << 22) {
		snprintf(err, err_len, "%s: header fields out of range", path);
		goto fail;
	}
	n = (size_t)(bytes - (long)sizeof(t->c)) / sizeof(float);
	t->data = malloc(n * sizeof(float));
	if (!t->data || fread(t->data, sizeof(float), n, f) != n || l2c_map(t, n, shared)) {
		snprintf(err, err_len, "%s: weights missing or short", path);
		goto fail;
	}
	fclose(f);
	f = NULL;
	kvd = (size_t)t->c.dim / (size_t)t->c.heads * (size_t)t->c.kv_heads;
	t->x = calloc((size_t)t->c.dim, sizeof(float));
	t->xb = calloc((size_t)t->c.dim, sizeof(float));
	t->xb2 = calloc((size_t)t->c.dim, sizeof(float));
	t->hb = calloc((size_t)t->c.hidden, sizeof(float));
	t->hb2 = calloc((size_t)t->c.hidden, sizeof(float));
	t->q = calloc((size_t)t->c.dim, sizeof(float));
	t->att = calloc((size_t)t->c.heads * (size_t)t->c.seq_len, sizeof(float));
	t->logits = calloc((size_t)t->c.vocab, sizeof(float));
	t->kcache = calloc((size_t)t->c.layers * (size_t)t->c.seq_len * kvd, sizeof(float));
	t->vcache = calloc((size_t)t->c.layers * (size_t)t->c.seq_len * kvd, sizeof(float));
	if (!t->x || !t->xb || !t->xb2 || !t->hb || !t->hb2 || !t->q || !t->att || !t->logits ||
	    !t->kcache || !t->vcache) {
		snprintf(err, err_len, "out of memory");
		goto fail;
	}
	*out = t;
	return 0;
fail:
	if (f)
		fclose(f);
	bench_l2c_free(t);
	return -1;
}

uint32_t bench_l2c_vocab(const struct bench_l2c *t)
{
	return (uint32_t)t->c.vocab;
}

/* o = x / rms(x) * w, eps 1e-5 added to the mean square. */
static void l2c_rmsnorm(float *o, const float *x, const float *w, int n)
{
	float ss = 0.0f;

	for (int j = 0; j < n; j++)
		ss += x[j] * x[j];
	ss = 1.0f / sqrtf(ss / (float)n + 1e-5f);
	for (int j = 0; j < n; j++)
		o[j] = w[j] * (ss * x[j]);
}

/* In place: exp(x - max) / sum. */
static void l2c_softmax(float *x, int n)
{
	float mx = x[0], sum = 0.0f;

	for (int i = 1; i < n; i++)
		if (x[i] > mx)
			mx = x[i];
	for (int i = 0; i < n; i++) {
		x[i] = expf(x[i] - mx);
		sum += x[i];
	}
	for (int i = 0; i < n; i++)
		x[i] /= sum;
}

/* o (d) = W (d, n) x (n), row by row. */
static void l2c_matmul(float *o, const float *x, const float *w, int n, int d)
{
	for (int i = 0; i < d; i++) {
		const float *row = w + (size_t)i * (size_t)n;
		float acc = 0.0f;

		for (int j = 0; j < n; j++)
			acc += row[j] * x[j];
		o[i] = acc;
	}
}

/* Rotate pairs (2i, 2i+1) of the first `len` floats of v by pos * 10000^(-(j % hs)/hs). */
static void l2c_rope(float *v, int len, int hs, uint32_t pos)
{
	for (int i = 0; i < len; i += 2) {
		float freq = 1.0f / powf(10000.0f, (float)(i % hs) / (float)hs);
		float ang = (float)pos * freq, c = cosf(ang), s = sinf(ang);
		float a = v[i], b = v[i + 1];

		v[i] = a * c - b * s;
		v[i + 1] = a * s + b * c;
	}
}

/* One layer's attention of the token at pos: xb = softmax(q k / sqrt(hs)) v per head. */
static void l2c_attention(struct bench_l2c *t, size_t loff, uint32_t pos, int hs, int kvd)
{
	const struct l2c_config *c = &t->c;
	int rep = c->heads / c->kv_heads;

	for (int h = 0; h < c->heads; h++) {
		const float *q = t->q + h * hs;
		float *att = t->att + (size_t)h * (size_t)c->seq_len, *xb = t->xb + h * hs;

		for (uint32_t p = 0; p <= pos; p++) {
			const float *k = t->kcache + loff + (size_t)p * (size_t)kvd +
					 (size_t)(h / rep) * (size_t)hs;
			float s = 0.0f;

			for (int i = 0; i < hs; i++)
				s += q[i] * k[i];
			att[p] = s / sqrtf((float)hs);
		}
		l2c_softmax(att, (int)pos + 1);
		memset(xb, 0, (size_t)hs * sizeof(float));
		for (uint32_t p = 0; p <= pos; p++) {
			const float *v = t->vcache + loff + (size_t)p * (size_t)kvd +
					 (size_t)(h / rep) * (size_t)hs;

			for (int i = 0; i < hs; i++)
				xb[i] += att[p] * v[i];
		}
	}
}

const float *bench_l2c_forward(struct bench_l2c *t, int32_t token, uint32_t pos)
{
	const struct l2c_config *c = &t->c;
	const struct l2c_weights *w = &t->w;
	int d = c->dim, hd = c->hidden, hs = d / c->heads, kvd = hs * c->kv_heads;

	memcpy(t->x, w->emb + (size_t)token * (size_t)d, (size_t)d * sizeof(float));
	for (int l = 0; l < c->layers; l++) {
		size_t loff = (size_t)l * (size_t)c->seq_len * (size_t)kvd;
		float *k = t->kcache + loff + (size_t)pos * (size_t)kvd;
		float *v = t->vcache + loff + (size_t)pos * (size_t)kvd;

		l2c_rmsnorm(t->xb, t->x, w->att_norm + (size_t)l * d, d);
		l2c_matmul(t->q, t->xb, w->wq + (size_t)l * d * d, d, d);
		l2c_matmul(k, t->xb, w->wk + (size_t)l * d * kvd, d, kvd);
		l2c_matmul(v, t->xb, w->wv + (size_t)l * d * kvd, d, kvd);
		l2c_rope(t->q, d, hs, pos);
		l2c_rope(k, kvd, hs, pos);
		l2c_attention(t, loff, pos, hs, kvd);
		l2c_matmul(t->xb2, t->xb, w->wo + (size_t)l * d * d, d, d);
		for (int i = 0; i < d; i++)
			t->x[i] += t->xb2[i];
		l2c_rmsnorm(t->xb, t->x, w->ffn_norm + (size_t)l * d, d);
		l2c_matmul(t->hb, t->xb, w->w1 + (size_t)l * d * hd, d, hd);
		l2c_matmul(t->hb2, t->xb, w->w3 + (size_t)l * d * hd, d, hd);
		for (int i = 0; i < hd; i++) {
			float g = t->hb[i];

			t->hb[i] = g / (1.0f + expf(-g)) * t->hb2[i];
		}
		l2c_matmul(t->xb, t->hb, w->w2 + (size_t)l * hd * d, hd, d);
		for (int i = 0; i < d; i++)
			t->x[i] += t->xb[i];
	}
	l2c_rmsnorm(t->x, t->x, w->out_norm, d);
	l2c_matmul(t->logits, t->x, w->cls, d, c->vocab);
	return t->logits;
}
