/*
 * Packages of random weights (fllm_package_write_random): a real model's
 * shape (Llama-2-7B's, for one) without its weights, to size, stream and
 * plan models larger than anything shipped with fllm. Linear layers are
 * random BCQ row records written directly (no fp32 matrix, no quantizer,
 * so 6.6 billion weights take a minute, not a day); the embedding is random
 * fp32, the norms are ones; the tokenizer is made up (<unk>, <s>, </s>,
 * the 256 byte pieces, then distinct letter strings). The text it
 * generates means nothing; its arithmetic is the real model's.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "card_matrix.h"
#include "fllm_cardpack.h"
#include "fllm_lutgemm.h"
#include "package.h"
#include "rng.h"

#define RANDOM_SPECIALS 3u
#define RANDOM_FIRST_WORD (RANDOM_SPECIALS + 256u)

/* Scales of one row: per group a base around 1 / sqrt(k), plane i at 2^-i
 * of it (the shape fitted BCQ scales take), no offsets. */
static void random_scales(uint64_t *rng, uint32_t groups, uint32_t q, uint32_t k, float *alpha)
{
	float base = 1.0f / sqrtf((float)k);

	for (uint32_t grp = 0; grp < groups; grp++) {
		float s = base * (0.5f + fllm_rng_f32(rng));

		for (uint32_t i = 0; i < q; i++, s *= 0.5f)
			alpha[grp * q + i] = s;
	}
}

/* Random bit-planes of a record whose scales are written; bits of inputs
 * >= k stay 0, as the layout requires. */
static void random_planes(uint64_t *rng, uint8_t *rec, uint32_t k, uint32_t g, uint32_t q)
{
	uint32_t groups = fllm_lutgemm_groups(k, g), chunk = g / 8;
	uint8_t *pl = rec + fllm_lutgemm_row_planes_offset(k, g, q);

	for (uint32_t grp = 0; grp < groups; grp++) {
		uint32_t valid = k - grp * g < g ? k - grp * g : g;	/* inputs in the group */

		for (uint32_t i = 0; i < q; i++) {
			uint8_t *b = pl + (grp * q + i) * chunk;

			for (uint32_t j = 0; j < chunk; j += 8) {
				uint64_t r = fllm_rng_next(rng);

				memcpy(b + j, &r, chunk - j < 8 ? chunk - j : 8);
			}
			for (uint32_t j = valid; j < g; j++)
				b[j / 8] &= (uint8_t)~(1u << (j % 8));
		}
	}
}

/* The fllm_pkg_matrix_fn of a random package: each matrix from its own
 * stream (the seed and the matrix's name), so matrices do not repeat. */
static fllm_status random_matrix(void *user, const char *name, const struct fllm_weight *wt,
				 const fllm_quant_params *p, struct card_matrix *cm,
				 fllm_quant_report *rep, struct fllm_err *err)
{
	uint64_t rng = *(const uint64_t *)user;
	uint32_t k = wt->cols, groups = fllm_lutgemm_groups(k, p->group);
	float alpha[FLLM_LUTGEMM_GROUPS_MAX * FLLM_LUTGEMM_Q_MAX];
	int16_t a[FLLM_LUTGEMM_GROUPS_MAX * FLLM_LUTGEMM_Q_MAX], zq[FLLM_LUTGEMM_GROUPS_MAX];
	uint8_t d[FLLM_LUTGEMM_GROUPS_MAX];
	int16_t e_row;

	for (const char *c = name; *c; c++)
		rng = rng * 131 + (uint8_t)*c;
	*cm = (struct card_matrix){ wt->rows, k, p->group, p->bits, 0,
				    p->slices < wt->rows ? p->slices : wt->rows,
				    fllm_lutgemm_row_bytes(k, p->group, p->bits), NULL, NULL };
	cm->owned = malloc((size_t)cm->m * cm->row_bytes);
	if (!cm->owned)
		return fllm_err_set(err, FLLM_E_NO_MEMORY, "tensor '%s': out of memory", name);
	cm->data = cm->owned;
	for (uint32_t r = 0; r < cm->m; r++) {
		uint8_t *rec = (uint8_t *)card_matrix_row(cm, r);

		random_scales(&rng, groups, p->bits, k, alpha);
		if (fllm_lutgemm_scales_encode(groups, p->bits, alpha, NULL, &e_row, d, zq, a) !=
		    FLLM_CARD_OK) {
			card_matrix_release(cm);
			return fllm_err_set(err, FLLM_E_INVALID_ARG,
					    "tensor '%s': scales not encodable", name);
		}
		fllm_lutgemm_row_write_scales(rec, k, p->group, p->bits, e_row, d, zq, a);
		random_planes(&rng, rec, k, p->group, p->bits);
	}
	memset(rep, 0, sizeof(*rep));
	snprintf(rep->name, sizeof(rep->name), "%s", name);
	rep->rows = cm->m;
	rep->cols = k;
	rep->planes = cm->planes;
	rep->group = cm->group;
	rep->source = FLLM_TENSOR_BCQ;
	rep->exact = 1;		/* the records are the weights */
	rep->bits_per_weight = (double)card_matrix_bytes(cm) * 8.0 / ((double)cm->m * k);
	return FLLM_OK;
}

/* Piece id of a made-up vocabulary: distinct lowercase strings, every
 * other one starting with a space (as SentencePiece words do). */
static size_t random_word(uint32_t id, char *out)
{
	uint32_t n = id - RANDOM_FIRST_WORD;
	size_t len = 0;

	if (n % 2)
		out[len++] = ' ';
	n /= 2;
	do {
		out[len++] = (char)('a' + n % 26);
		n /= 26;
	} while (n);
	return len;
}

/* The made-up tokenizer of a vocab-piece model. */
static fllm_status random_tokenizer(uint32_t vocab, fllm_tokenizer **out, struct fllm_err *err)
{
	static const char *const special[RANDOM_SPECIALS] = { "<unk>", "<s>", "</s>" };
	fllm_tokenizer *t;
	char piece[16];
	fllm_status st;

	st = fllm_tokenizer_alloc(vocab, 16 + 256 * 6 + (size_t)vocab * 8, &t);
	if (st)
		return fllm_err_set(err, st, "out of memory for the tokenizer");
	for (uint32_t id = 0; id < vocab && !st; id++) {
		size_t len;
		uint8_t kind = FLLM_TOKEN_NORMAL;

		if (id < RANDOM_SPECIALS) {
			len = strlen(special[id]);
			memcpy(piece, special[id], len);
			kind = id ? FLLM_TOKEN_CONTROL : FLLM_TOKEN_UNKNOWN;
		} else if (id < RANDOM_FIRST_WORD) {
			len = (size_t)snprintf(piece, sizeof(piece), "<0x%02X>", id - RANDOM_SPECIALS);
			kind = FLLM_TOKEN_BYTE;
		} else {
			len = random_word(id, piece);
		}
		st = fllm_tokenizer_set_piece(t, id, (const uint8_t *)piece, len, -(float)id, kind,
					      err);
	}
	if (st) {
		fllm_tokenizer_free(t);
		return st;
	}
	t->unk = 0;
	t->bos = 1;
	t->eos = 2;
	fllm_tokenizer_finish(t);
	*out = t;
	return FLLM_OK;
}

/* The stand-in model the writer walks: shapes for every matrix, random
 * fp32 embedding rows, norms of ones (ones: one shared vector). */
static fllm_status random_model(fllm_model *m, uint64_t seed, float **ones, float **embd,
				struct fllm_err *err)
{
	const fllm_model_info *i = &m->info;
	uint32_t kv = i->n_kv_heads * i->head_dim;
	uint64_t n = (uint64_t)i->vocab_size * i->dim;

	m->layers = calloc(i->n_layers, sizeof(*m->layers));
	*ones = malloc((size_t)i->dim * sizeof(float));
	*embd = malloc((size_t)n * sizeof(float));
	if (!m->layers || !*ones || !*embd)
		return fllm_err_set(err, FLLM_E_NO_MEMORY, "out of memory for the embedding");
	for (uint32_t k = 0; k < i->dim; k++)
		(*ones)[k] = 1.0f;
	for (uint64_t k = 0; k < n; k++)
		(*embd)[k] = fllm_rng_f32(&seed) - 0.5f;
	m->tok_embd = (struct fllm_weight){ .f32 = *embd, .rows = i->vocab_size, .cols = i->dim };
	m->output_norm = (struct fllm_weight){ .f32 = *ones, .rows = 1, .cols = i->dim };
	m->output = (struct fllm_weight){ .rows = i->vocab_size, .cols = i->dim };
	for (uint32_t l = 0; l < i->n_layers; l++) {
		struct fllm_layer_weights *w = &m->layers[l];

		w->attn_norm = w->ffn_norm = m->output_norm;
		w->wq = w->wo = (struct fllm_weight){ .rows = i->dim, .cols = i->dim };
		w->wk = w->wv = (struct fllm_weight){ .rows = kv, .cols = i->dim };
		w->w_gate = w->w_up = (struct fllm_weight){ .rows = i->hidden_dim, .cols = i->dim };
		w->w_down = (struct fllm_weight){ .rows = i->dim, .cols = i->hidden_dim };
	}
	return FLLM_OK;
}

/* See fllm_package.h. */
fllm_status fllm_package_write_random(const fllm_model_info *shape,
				      const fllm_quant_params *params, uint64_t seed,
				      fllm_quant_progress_fn progress, void *user,
				      const char *path, char *err_buf, size_t err_size)
{
	struct fllm_err err = { err_buf, err_size };
	fllm_model m;
	fllm_tokenizer *tok = NULL;
	float *ones = NULL, *embd = NULL;
	fllm_status st;

	memset(&m, 0, sizeof(m));
	m.info = *shape;
	m.info.format = FLLM_MODEL_SYNTHETIC;
	m.info.head_dim = shape->n_heads ? shape->dim / shape->n_heads : 0;
	m.info.tied_output = 0;
	st = fllm_model_check_hparams(&m, &err);
	if (!st && shape->vocab_size < RANDOM_FIRST_WORD)
		st = fllm_err_set(&err, FLLM_E_INVALID_ARG,
				  "vocabulary of %u pieces: a random package needs at least %u",
				  shape->vocab_size, RANDOM_FIRST_WORD);
	if (!st)
		st = random_tokenizer(shape->vocab_size, &tok, &err);
	if (!st)
		st = random_model(&m, seed, &ones, &embd, &err);
	if (!st)
		st = fllm_pkg_write_from(&m, tok, params, random_matrix, &seed, progress, user,
					 path, &err);
	fllm_tokenizer_free(tok);
	free(m.layers);
	free(ones);
	free(embd);
	return st;
}
