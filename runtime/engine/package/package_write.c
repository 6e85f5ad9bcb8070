/*
 * Writing a model package: every linear layer quantized into card row
 * records (card_quant.c), the other tensors in fp32, configuration,
 * tokenizer, quantization settings and report, each section 64-aligned with
 * its CRC-32; the header and table go in last. The file is written as
 * path.part and renamed when complete.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "card_matrix.h"
#include "package.h"

struct pkg_writer {
	FILE *f;
	fllm_pkg_matrix_fn matrix;	/* the card form of each linear layer */
	void *matrix_user;
	const char *path;	/* the .part file, for messages */
	uint64_t pos;		/* bytes written so far */
	struct fllm_pkg_entry *entries;	/* (n) table being filled */
	uint32_t n, cap;
	struct fllm_err *err;
};

/* Write len bytes, folding them into *crc when crc is not NULL. */
static fllm_status pw_put(struct pkg_writer *w, const void *p, size_t len, uint32_t *crc)
{
	if (len && fwrite(p, 1, len, w->f) != len)
		return fllm_err_set(w->err, FLLM_E_IO, "%s: write failed: %s", w->path,
				    strerror(errno));
	if (crc)
		*crc = fllm_pkg_crc32(*crc, p, len);
	w->pos += len;
	return FLLM_OK;
}

/* Zero bytes up to the next 64-byte boundary. */
static fllm_status pw_align(struct pkg_writer *w)
{
	static const uint8_t zero[FLLM_PKG_ALIGN];
	size_t pad = (size_t)((FLLM_PKG_ALIGN - w->pos % FLLM_PKG_ALIGN) % FLLM_PKG_ALIGN);

	return pw_put(w, zero, pad, NULL);
}

/* Start a section of kind: align and open its table entry. */
static fllm_status pw_begin(struct pkg_writer *w, uint32_t kind, const char *name)
{
	struct fllm_pkg_entry *e;
	fllm_status st = pw_align(w);

	if (st)
		return st;
	if (w->n == w->cap)
		return fllm_err_set(w->err, FLLM_E_INVALID_ARG, "more sections than planned");
	e = &w->entries[w->n++];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->offset = w->pos;
	if (name)
		snprintf(e->name, sizeof(e->name), "%s", name);
	return FLLM_OK;
}

/* Append bytes to the open section. */
static fllm_status pw_data(struct pkg_writer *w, const void *p, size_t len)
{
	struct fllm_pkg_entry *e = &w->entries[w->n - 1];
	fllm_status st = pw_put(w, p, len, &e->crc);

	e->bytes += len;
	return st;
}

/* A whole section in one piece. */
static fllm_status pw_section(struct pkg_writer *w, uint32_t kind, const char *name,
			      const void *p, size_t len)
{
	fllm_status st = pw_begin(w, kind, name);

	return st ? st : pw_data(w, p, len);
}

/* CONFIG from the model's hyperparameters. */
static fllm_status pw_config(struct pkg_writer *w, const fllm_model_info *i)
{
	struct fllm_pkg_config c;

	memset(&c, 0, sizeof(c));
	c.dim = i->dim;
	c.hidden_dim = i->hidden_dim;
	c.n_layers = i->n_layers;
	c.n_heads = i->n_heads;
	c.n_kv_heads = i->n_kv_heads;
	c.vocab_size = i->vocab_size;
	c.context_length = i->context_length;
	c.tied_output = i->tied_output ? 1 : 0;
	c.rms_eps = i->rms_eps;
	c.rope_theta = i->rope_theta;
	c.source_format = i->format;
	snprintf(c.name, sizeof(c.name), "%s", i->name);
	return pw_section(w, FLLM_PKG_CONFIG, NULL, &c, sizeof(c));
}

/* TOKENIZER, built in memory (small next to the weights). */
static fllm_status pw_tokenizer(struct pkg_writer *w, const fllm_tokenizer *tok)
{
	uint64_t bytes = fllm_pkg_tokenizer_bytes(tok);
	uint8_t *buf = malloc(bytes);
	fllm_status st;

	if (!buf)
		return fllm_err_set(w->err, FLLM_E_NO_MEMORY, "out of memory for the tokenizer");
	fllm_pkg_tokenizer_store(tok, buf);
	st = pw_section(w, FLLM_PKG_TOKENIZER, NULL, buf, bytes);
	free(buf);
	return st;
}

/* An fp32 tensor section: header, then the values row-major. */
static fllm_status pw_f32(struct pkg_writer *w, const char *name, const struct fllm_weight *wt)
{
	struct fllm_pkg_tensor h;
	const float *f32;
	float *tmp;
	fllm_status st;

	memset(&h, 0, sizeof(h));
	h.rows = wt->rows;
	h.cols = wt->cols;
	h.source_type = wt->src ? wt->src->type : FLLM_TENSOR_F32;
	st = fllm_weight_f32_temp(wt, &f32, &tmp, w->err);
	if (!st)
		st = pw_section(w, FLLM_PKG_F32, name, &h, sizeof(h));
	if (!st)
		st = pw_data(w, f32, (size_t)wt->rows * wt->cols * sizeof(float));
	free(tmp);
	return st;
}

/* The matrix source of fllm_package_write: quantize the model's weight. */
static fllm_status pw_quantize(void *user, const char *name, const struct fllm_weight *wt,
			       const fllm_quant_params *p, struct card_matrix *cm,
			       fllm_quant_report *rep, struct fllm_err *err)
{
	(void)user;
	return card_quantize(wt, name, p, cm, rep, err);
}

/* One matrix in card form from the writer's source, then its section; rep
 * receives its report. */
static fllm_status pw_bcq(struct pkg_writer *w, const char *name, const struct fllm_weight *wt,
			  const fllm_quant_params *p, fllm_quant_report *rep)
{
	struct fllm_pkg_tensor h;
	struct card_matrix cm;
	fllm_status st;

	st = w->matrix(w->matrix_user, name, wt, p, &cm, rep, w->err);
	if (st)
		return st;
	memset(&h, 0, sizeof(h));
	h.rows = cm.m;
	h.cols = cm.k;
	h.group = cm.group;
	h.planes = cm.planes;
	h.flags = cm.flags;
	h.slices = cm.slices;
	h.row_bytes = cm.row_bytes;
	h.source_type = wt->src ? wt->src->type : FLLM_TENSOR_F32;
	st = pw_section(w, FLLM_PKG_BCQ, name, &h, sizeof(h));
	if (!st)
		st = pw_data(w, cm.data, card_matrix_bytes(&cm));
	card_matrix_release(&cm);
	return st;
}

/* The report records, then the QUANT section that counts them. */
static fllm_status pw_report(struct pkg_writer *w, const fllm_quant_report *reps, uint32_t n,
			     const fllm_quant_params *p)
{
	struct fllm_pkg_quant q;
	fllm_status st = pw_begin(w, FLLM_PKG_REPORT, NULL);

	for (uint32_t k = 0; k < n && !st; k++) {
		struct fllm_pkg_report r;

		memset(&r, 0, sizeof(r));
		memcpy(r.name, reps[k].name, strnlen(reps[k].name, sizeof(r.name) - 1));
		r.rows = reps[k].rows;
		r.cols = reps[k].cols;
		r.planes = reps[k].planes;
		r.group = reps[k].group;
		r.source_type = reps[k].source;
		r.exact = (uint32_t)reps[k].exact;
		r.rel_error = reps[k].rel_error;
		r.max_abs = reps[k].max_abs;
		r.bits_per_weight = reps[k].bits_per_weight;
		st = pw_data(w, &r, sizeof(r));
	}
	if (st)
		return st;
	memset(&q, 0, sizeof(q));
	q.planes = p->bits;
	q.group = p->group;
	q.slices = p->slices;
	q.offset = 1;
	q.iterations = 20;
	q.tensors = n;
	return pw_section(w, FLLM_PKG_QUANT, NULL, &q, sizeof(q));
}

/* Every tensor: fp32 ones as they are, linear layers quantized, progress after each. */
static fllm_status pw_tensors(struct pkg_writer *w, const fllm_model *m,
			      const fllm_quant_params *p, fllm_quant_progress_fn progress,
			      void *user, fllm_quant_report *reps, uint32_t n_mat)
{
	static const char *const sfx[9] = { "attn_norm", "attn_q", "attn_k", "attn_v",
					    "attn_output", "ffn_norm", "ffn_gate", "ffn_down",
					    "ffn_up" };
	char name[FLLM_PKG_NAME_MAX];
	uint32_t done = 0;
	fllm_status st;

	if ((st = pw_f32(w, "token_embd.weight", &m->tok_embd)) ||
	    (st = pw_f32(w, "output_norm.weight", &m->output_norm)) ||
	    (st = pw_bcq(w, "output.weight", &m->output, p, &reps[done])))
		return st;
	if (progress)
		progress(user, &reps[done], done + 1, n_mat);
	done++;
	for (uint32_t l = 0; l < m->info.n_layers; l++) {
		const struct fllm_weight *lw = &m->layers[l].attn_norm;

		for (uint32_t k = 0; k < 9; k++) {
			snprintf(name, sizeof(name), "blk.%u.%s.weight", l, sfx[k]);
			if (k == 0 || k == 5) {
				st = pw_f32(w, name, &lw[k]);
				if (st)
					return st;
				continue;
			}
			st = pw_bcq(w, name, &lw[k], p, &reps[done]);
			if (st)
				return st;
			if (progress)
				progress(user, &reps[done], done + 1, n_mat);
			done++;
		}
	}
	return FLLM_OK;
}

/* Header and table at the front, once every section is known. */
static fllm_status pw_finish(struct pkg_writer *w)
{
	struct fllm_pkg_header h;
	size_t table = (size_t)w->n * sizeof(*w->entries);

	memset(&h, 0, sizeof(h));
	h.magic = FLLM_PKG_MAGIC;
	h.version = FLLM_PKG_VERSION;
	h.header_bytes = sizeof(h);
	h.section_count = w->n;
	h.file_bytes = w->pos;
	h.table_offset = sizeof(h);
	h.entry_bytes = sizeof(struct fllm_pkg_entry);
	h.table_crc = fllm_pkg_crc32(0, w->entries, table);
	h.header_crc = fllm_pkg_crc32(0, &h, offsetof(struct fllm_pkg_header, header_crc));
	if (fseek(w->f, 0, SEEK_SET))
		return fllm_err_set(w->err, FLLM_E_IO, "%s: seek failed: %s", w->path,
				    strerror(errno));
	if (fwrite(&h, sizeof(h), 1, w->f) != 1 || fwrite(w->entries, 1, table, w->f) != table)
		return fllm_err_set(w->err, FLLM_E_IO, "%s: write failed: %s", w->path,
				    strerror(errno));
	return FLLM_OK;
}

/* Everything between opening and closing the .part file. */
static fllm_status pw_body(struct pkg_writer *w, const fllm_model *m, const fllm_tokenizer *tok,
			   const fllm_quant_params *p, fllm_quant_progress_fn progress,
			   void *user)
{
	uint32_t n_mat = 1 + 7 * m->info.n_layers;
	fllm_quant_report *reps = calloc(n_mat, sizeof(*reps));
	uint8_t *zero = calloc(1, sizeof(struct fllm_pkg_header) +
				  (size_t)w->cap * sizeof(struct fllm_pkg_entry));
	fllm_status st;

	if (!reps || !zero) {
		st = fllm_err_set(w->err, FLLM_E_NO_MEMORY, "out of memory");
		goto out;
	}
	st = pw_put(w, zero, sizeof(struct fllm_pkg_header) +
		    (size_t)w->cap * sizeof(struct fllm_pkg_entry), NULL);
	if (!st)
		st = pw_config(w, &m->info);
	if (!st)
		st = pw_tokenizer(w, tok);
	if (!st)
		st = pw_tensors(w, m, p, progress, user, reps, n_mat);
	if (!st)
		st = pw_report(w, reps, n_mat, p);
	if (!st)
		st = pw_finish(w);
out:
	free(reps);
	free(zero);
	return st;
}

/* See package.h. */
fllm_status fllm_pkg_write_from(const fllm_model *m, const fllm_tokenizer *tok,
				const fllm_quant_params *params, fllm_pkg_matrix_fn matrix,
				void *matrix_user, fllm_quant_progress_fn progress, void *user,
				const char *path, struct fllm_err *errp)
{
	struct pkg_writer w = { .err = errp, .matrix = matrix, .matrix_user = matrix_user };
	fllm_quant_params p;
	size_t plen = strlen(path);
	char *part;
	fllm_status st;

	st = card_quant_params_resolve(params, &p, errp);
	if (st)
		return st;
	if (tok->n_vocab != m->info.vocab_size)
		return fllm_err_set(errp, FLLM_E_INVALID_ARG,
				    "tokenizer has %u pieces, the model %u", tok->n_vocab,
				    m->info.vocab_size);
	part = malloc(plen + sizeof(".part"));
	w.cap = 4 + 3 + 9 * m->info.n_layers;
	w.entries = calloc(w.cap, sizeof(*w.entries));
	if (!part || !w.entries) {
		st = fllm_err_set(errp, FLLM_E_NO_MEMORY, "out of memory");
		goto out;
	}
	memcpy(part, path, plen);
	memcpy(part + plen, ".part", sizeof(".part"));
	w.path = part;
	w.f = fopen(part, "wb");
	if (!w.f) {
		st = fllm_err_set(errp, FLLM_E_IO, "%s: cannot create: %s", part, strerror(errno));
		goto out;
	}
	st = pw_body(&w, m, tok, &p, progress, user);
	if (fclose(w.f) && !st)
		st = fllm_err_set(errp, FLLM_E_IO, "%s: write failed: %s", part, strerror(errno));
	if (!st && rename(part, path))
		st = fllm_err_set(errp, FLLM_E_IO, "%s: cannot rename to %s: %s", part, path,
				  strerror(errno));
	if (st)
		remove(part);
out:
	free(part);
	free(w.entries);
	return st;
}

/* See fllm_package.h. */
fllm_status fllm_package_write(const fllm_model *m, const fllm_tokenizer *tok,
			       const fllm_quant_params *params, fllm_quant_progress_fn progress,
			       void *user, const char *path, char *err_buf, size_t err_size)
{
	struct fllm_err err = { err_buf, err_size };

	return fllm_pkg_write_from(m, tok, params, pw_quantize, NULL, progress, user, path,
				   &err);
}
