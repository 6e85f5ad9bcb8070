/* The accuracy tests' fp32 llama forward pass (see vector_model.h). */
#include "vector_model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vm_model {
	int dim, hidden, layers, heads, kv_heads, vocab, seq;
	float *data;		/* the whole file after the header */
	const float *emb;	/* (vocab, dim) */
	const float *rms_att;	/* (layers, dim) */
	const float *wq;	/* (layers, dim, dim) */
	const float *wk;	/* (layers, kv_dim, dim) */
	const float *wv;	/* (layers, kv_dim, dim) */
	const float *wo;	/* (layers, dim, dim) */
	const float *rms_ffn;	/* (layers, dim) */
	const float *w1;	/* (layers, hidden, dim) */
	const float *w2;	/* (layers, dim, hidden) */
	const float *w3;	/* (layers, hidden, dim) */
	const float *rms_final;	/* (dim) */
	float *kc, *vc;		/* (layers, seq, kv_dim) caches */
};

struct vm_model *vm_load(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct vm_model *m = calloc(1, sizeof(*m));
	int32_t h[7];
	long size;
	size_t kv, need;
	const float *w;

	if (!f || !m || fread(h, 4, 7, f) != 7)
		goto err;
	m->dim = h[0], m->hidden = h[1], m->layers = h[2], m->heads = h[3];
	m->kv_heads = h[4], m->vocab = h[5], m->seq = h[6];
	if (m->dim <= 0 || m->dim > 4096 || m->hidden <= 0 || m->hidden > 16384 ||
	    m->layers <= 0 || m->layers > 64 || m->heads <= 0 || m->dim % m->heads ||
	    m->kv_heads <= 0 || m->heads % m->kv_heads || m->vocab <= 0 || m->seq <= 0 ||
	    m->seq > 4096)
		goto err;
	kv = (size_t)m->dim / m->heads * m->kv_heads;
	need = (size_t)m->vocab * m->dim + (size_t)m->layers * (2 * m->dim + 2 * m->dim *
		m->dim + 2 * kv * m->dim + 3 * (size_t)m->hidden * m->dim) + m->dim;
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	if (size < 28 || (size_t)(size - 28) / 4 < need)
		goto err;
	m->data = malloc((size_t)size - 28);
	fseek(f, 28, SEEK_SET);
	if (!m->data || fread(m->data, 1, (size_t)size - 28, f) != (size_t)size - 28)
		goto err;
	w = m->data;
#define TAKE(field, count) (m->field = w, w += (count))
	TAKE(emb, (size_t)m->vocab * m->dim);
	TAKE(rms_att, (size_t)m->layers * m->dim);
	TAKE(wq, (size_t)m->layers * m->dim * m->dim);
	TAKE(wk, (size_t)m->layers * kv * m->dim);
	TAKE(wv, (size_t)m->layers * kv * m->dim);
	TAKE(wo, (size_t)m->layers * m->dim * m->dim);
	TAKE(rms_ffn, (size_t)m->layers * m->dim);
	TAKE(w1, (size_t)m->layers * m->hidden * m->dim);
	TAKE(w2, (size_t)m->layers * m->dim * m->hidden);
	TAKE(w3, (size_t)m->layers * m->hidden * m->dim);
	TAKE(rms_final, (size_t)m->dim);
#undef TAKE
	m->kc = calloc((size_t)m->layers * m->seq * kv, sizeof(float));
	m->vc = calloc((size_t)m->layers * m->seq * kv, sizeof(float));
	if (!m->kc || !m->vc)
		goto err;
	fclose(f);
	return m;
err:
	if (f)
		fclose(f);
	vm_free(m);
	return NULL;
}

void vm_free(struct vm_model *m)
{
	if (!m)
		return;
	free(m->data);
	free(m->kc);
	free(m->vc);
	free(m);
}

/* y (rows) = W (rows, cols) x (cols). */
static void matvec(float *y, const float *w, const float *x, int rows, int cols)
{
	for (int r = 0; r < rows; r++) {
		float s = 0.0f;

		for (int c = 0; c < cols; c++)
			s += w[(size_t)r * cols + c] * x[c];
		y[r] = s;
	}
}

static void rmsnorm(float *y, const float *x, const float *w, int n)
{
	float ss = 0.0f;

	for (int i = 0; i < n; i++)
		ss += x[i] * x[i];
	ss = 1.0f / sqrtf(ss / n + 1e-5f);
	for (int i = 0; i < n; i++)
		y[i] = w[i] * (ss * x[i]);
}

static void rope(float *v, int n, int hd, uint32_t pos)
{
	for (int i = 0; i < n; i += 2) {
		float fr = 1.0f / powf(10000.0f, (float)(i % hd) / (float)hd), a = pos * fr;
		float c = cosf(a), s = sinf(a), v0 = v[i], v1 = v[i + 1];

		v[i] = v0 * c - v1 * s;
		v[i + 1] = v0 * s + v1 * c;
	}
}

int vm_forward(struct vm_model *m, int token, uint32_t pos, vm_hook hook, void *ctx)
{
	int dim = m->dim, hd = dim / m->heads, kvd = hd * m->kv_heads, best = 0;
	float x[4096], xb[4096], xb2[4096], q[4096], att[4096], h1[16384], h3[16384];
	float logit, best_logit = -INFINITY;

	memcpy(x, m->emb + (size_t)token * dim, dim * sizeof(float));
	for (int l = 0; l < m->layers; l++) {
		float *kc = m->kc + ((size_t)l * m->seq + pos) * kvd;
		float *vc = m->vc + ((size_t)l * m->seq + pos) * kvd;

		hook(ctx, VM_NORM, pos, x, m->rms_att + l * dim, dim, 0);
		rmsnorm(xb, x, m->rms_att + l * dim, dim);
		matvec(q, m->wq + (size_t)l * dim * dim, xb, dim, dim);
		matvec(kc, m->wk + (size_t)l * kvd * dim, xb, kvd, dim);
		matvec(vc, m->wv + (size_t)l * kvd * dim, xb, kvd, dim);
		hook(ctx, VM_ROPE, pos, q, NULL, dim, hd);
		hook(ctx, VM_ROPE, pos, kc, NULL, kvd, hd);
		rope(q, dim, hd, pos);
		rope(kc, kvd, hd, pos);
		for (int h = 0; h < m->heads; h++) {
			int kh = h / (m->heads / m->kv_heads);
			float mx = -INFINITY, sum = 0.0f;

			for (uint32_t t = 0; t <= pos; t++) {
				const float *k = m->kc + ((size_t)l * m->seq + t) * kvd + kh * hd;
				float s = 0.0f;

				for (int i = 0; i < hd; i++)
					s += q[h * hd + i] * k[i];
				att[t] = s / sqrtf((float)hd);
				mx = att[t] > mx ? att[t] : mx;
			}
			for (uint32_t t = 0; t <= pos; t++) {
				att[t] = expf(att[t] - mx);
				sum += att[t];
			}
			for (int i = 0; i < hd; i++) {
				float s = 0.0f;

				for (uint32_t t = 0; t <= pos; t++)
					s += att[t] / sum *
					     m->vc[((size_t)l * m->seq + t) * kvd + kh * hd + i];
				xb[h * hd + i] = s;
			}
		}
		matvec(xb2, m->wo + (size_t)l * dim * dim, xb, dim, dim);
		hook(ctx, VM_RESID, pos, x, xb2, dim, 0);
		for (int i = 0; i < dim; i++)
			x[i] += xb2[i];
		hook(ctx, VM_NORM, pos, x, m->rms_ffn + l * dim, dim, 0);
		rmsnorm(xb, x, m->rms_ffn + l * dim, dim);
		matvec(h1, m->w1 + (size_t)l * m->hidden * dim, xb, m->hidden, dim);
		matvec(h3, m->w3 + (size_t)l * m->hidden * dim, xb, m->hidden, dim);
		hook(ctx, VM_SILU, pos, h1, h3, m->hidden, 0);
		for (int i = 0; i < m->hidden; i++)
			h1[i] = h1[i] / (1.0f + expf(-h1[i])) * h3[i];
		matvec(xb2, m->w2 + (size_t)l * dim * m->hidden, h1, dim, m->hidden);
		hook(ctx, VM_RESID, pos, x, xb2, dim, 0);
		for (int i = 0; i < dim; i++)
			x[i] += xb2[i];
	}
	rmsnorm(x, x, m->rms_final, dim);
	for (int v = 0; v < m->vocab; v++) {
		logit = 0.0f;
		for (int i = 0; i < dim; i++)
			logit += m->emb[(size_t)v * dim + i] * x[i];
		if (logit > best_logit) {
			best_logit = logit;
			best = v;
		}
	}
	return best;
}
