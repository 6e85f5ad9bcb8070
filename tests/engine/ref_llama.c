/*
 * Plain scalar Llama forward pass (see ref_llama.h): llama2.c checkpoint
 * semantics written out the long way, one loop per formula.
 */
#include "ref_llama.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ref_llama {
	int dim, hidden, layers, heads, kv_heads, vocab, seq, hs, kvd;
	double theta;		/* RoPE base */
	float *all;		/* every float of the file after the header */
	float *emb, *rms_att, *wq, *wk, *wv, *wo, *rms_ffn, *w1, *w2, *w3, *rms_final, *cls;
	float *kc, *vc;		/* (layers, seq, kvd) */
	float *x, *t, *q, *k, *v, *att, *o, *h1, *h3, *logits;
};

struct ref_llama *ref_llama_load(const uint8_t *data, size_t size)
{
	struct ref_llama *r;
	int32_t hdr[7];
	size_t n, need;
	float *p;

	if (size < 28)
		return NULL;
	memcpy(hdr, data, 28);
	r = calloc(1, sizeof(*r));
	r->dim = hdr[0];
	r->hidden = hdr[1];
	r->layers = hdr[2];
	r->heads = hdr[3];
	r->kv_heads = hdr[4];
	r->vocab = abs(hdr[5]);
	r->seq = hdr[6];
	r->hs = r->dim / r->heads;
	r->kvd = r->kv_heads * r->hs;
	r->theta = 10000.0;
	n = (size - 28) / 4;
	need = (size_t)r->vocab * r->dim + (size_t)r->layers * (2 * r->dim + 2 * r->dim * r->dim +
		2 * r->kvd * r->dim + 3 * r->hidden * r->dim) + r->dim + (size_t)r->seq * r->hs +
		(hdr[5] < 0 ? (size_t)r->vocab * r->dim : 0);
	if (n != need) {
		free(r);
		return NULL;
	}
	r->all = malloc(n * 4);
	memcpy(r->all, data + 28, n * 4);
	p = r->all;
	r->emb = p; p += r->vocab * r->dim;
	r->rms_att = p; p += r->layers * r->dim;
	r->wq = p; p += r->layers * r->dim * r->dim;
	r->wk = p; p += r->layers * r->kvd * r->dim;
	r->wv = p; p += r->layers * r->kvd * r->dim;
	r->wo = p; p += r->layers * r->dim * r->dim;
	r->rms_ffn = p; p += r->layers * r->dim;
	r->w1 = p; p += r->layers * r->hidden * r->dim;
	r->w2 = p; p += r->layers * r->dim * r->hidden;
	r->w3 = p; p += r->layers * r->hidden * r->dim;
	r->rms_final = p; p += r->dim;
	p += r->seq * r->hs;
	r->cls = hdr[5] < 0 ? p : r->emb;
	r->kc = calloc((size_t)r->layers * r->seq * r->kvd, 4);
	r->vc = calloc((size_t)r->layers * r->seq * r->kvd, 4);
	r->x = calloc(r->dim, 4);
	r->t = calloc(r->dim, 4);
	r->q = calloc(r->dim, 4);
	r->k = calloc(r->kvd, 4);
	r->v = calloc(r->kvd, 4);
	r->att = calloc(r->seq, 4);
	r->o = calloc(r->dim, 4);
	r->h1 = calloc(r->hidden, 4);
	r->h3 = calloc(r->hidden, 4);
	r->logits = calloc(r->vocab, 4);
	return r;
}

struct ref_llama *ref_llama_load_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct ref_llama *r = NULL;
	uint8_t *buf;
	long size;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(size > 0 ? (size_t)size : 1);
	if (buf && fread(buf, 1, (size_t)size, f) == (size_t)size)
		r = ref_llama_load(buf, (size_t)size);
	free(buf);
	fclose(f);
	return r;
}

void ref_llama_free(struct ref_llama *r)
{
	if (!r)
		return;
	free(r->all);
	free(r->kc);
	free(r->vc);
	free(r->x);
	free(r->t);
	free(r->q);
	free(r->k);
	free(r->v);
	free(r->att);
	free(r->o);
	free(r->h1);
	free(r->h3);
	free(r->logits);
	free(r);
}

void ref_llama_set_theta(struct ref_llama *r, double theta)
{
	r->theta = theta;
}

uint32_t ref_llama_vocab(const struct ref_llama *r)
{
	return (uint32_t)r->vocab;
}

/* out = W x for W (rows, cols). */
static void ref_matvec(float *out, const float *w, const float *x, int rows, int cols)
{
	for (int i = 0; i < rows; i++) {
		float acc = 0.0f;

		for (int j = 0; j < cols; j++)
			acc += w[(size_t)i * cols + j] * x[j];
		out[i] = acc;
	}
}

static void ref_norm(float *out, const float *x, const float *g, int n)
{
	float ms = 0.0f;

	for (int i = 0; i < n; i++)
		ms += x[i] * x[i];
	ms = ms / n + 1e-5f;
	for (int i = 0; i < n; i++)
		out[i] = g[i] * (x[i] / sqrtf(ms));
}

/* Rotate each adjacent pair of each head of vec (n floats). */
static void ref_rotate(float *vec, int n, int hs, int pos, double theta)
{
	for (int i = 0; i < n; i += 2) {
		int j = i % hs;
		double angle = pos / pow(theta, (double)j / hs);
		float c = (float)cos(angle), s = (float)sin(angle);
		float a = vec[i], b = vec[i + 1];

		vec[i] = a * c - b * s;
		vec[i + 1] = a * s + b * c;
	}
}

const float *ref_llama_forward(struct ref_llama *r, int token, int pos)
{
	int D = r->dim, H = r->hidden, hs = r->hs, kvd = r->kvd;
	int per_kv = r->heads / r->kv_heads;

	for (int i = 0; i < D; i++)
		r->x[i] = r->emb[(size_t)token * D + i];
	for (int l = 0; l < r->layers; l++) {
		float *kl = r->kc + ((size_t)l * r->seq) * kvd;
		float *vl = r->vc + ((size_t)l * r->seq) * kvd;

		ref_norm(r->t, r->x, r->rms_att + l * D, D);
		ref_matvec(r->q, r->wq + (size_t)l * D * D, r->t, D, D);
		ref_matvec(r->k, r->wk + (size_t)l * kvd * D, r->t, kvd, D);
		ref_matvec(r->v, r->wv + (size_t)l * kvd * D, r->t, kvd, D);
		ref_rotate(r->q, D, hs, pos, r->theta);
		ref_rotate(r->k, kvd, hs, pos, r->theta);
		for (int i = 0; i < kvd; i++) {
			kl[(size_t)pos * kvd + i] = r->k[i];
			vl[(size_t)pos * kvd + i] = r->v[i];
		}
		for (int h = 0; h < r->heads; h++) {
			int kh = h / per_kv;
			float mx = -INFINITY, sum = 0.0f;

			for (int t = 0; t <= pos; t++) {
				float s = 0.0f;

				for (int i = 0; i < hs; i++)
					s += r->q[h * hs + i] * kl[(size_t)t * kvd + kh * hs + i];
				r->att[t] = s / sqrtf((float)hs);
				if (r->att[t] > mx)
					mx = r->att[t];
			}
			for (int t = 0; t <= pos; t++) {
				r->att[t] = expf(r->att[t] - mx);
				sum += r->att[t];
			}
			for (int i = 0; i < hs; i++) {
				float acc = 0.0f;

				for (int t = 0; t <= pos; t++)
					acc += r->att[t] / sum * vl[(size_t)t * kvd + kh * hs + i];
				r->o[h * hs + i] = acc;
			}
		}
		ref_matvec(r->t, r->wo + (size_t)l * D * D, r->o, D, D);
		for (int i = 0; i < D; i++)
			r->x[i] += r->t[i];
		ref_norm(r->t, r->x, r->rms_ffn + l * D, D);
		ref_matvec(r->h1, r->w1 + (size_t)l * H * D, r->t, H, D);
		ref_matvec(r->h3, r->w3 + (size_t)l * H * D, r->t, H, D);
		for (int i = 0; i < H; i++)
			r->h1[i] = r->h1[i] / (1.0f + expf(-r->h1[i])) * r->h3[i];
		ref_matvec(r->t, r->w2 + (size_t)l * D * H, r->h1, D, H);
		for (int i = 0; i < D; i++)
			r->x[i] += r->t[i];
	}
	ref_norm(r->t, r->x, r->rms_final, D);
	ref_matvec(r->logits, r->cls, r->t, r->vocab, D);
	return r->logits;
}
