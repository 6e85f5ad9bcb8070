/*
 * fllm_model's public entry points: the one opener (a file or an in-memory
 * image, its format probed by magic: model package, GGUF, else llama2.c),
 * the synthetic model, tensor access.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "internal.h"
#include "model.h"
#include "package.h"

/* Sum of stored elements, for the info record. */
static uint64_t model_count_params(const fllm_model *m)
{
	uint64_t n = 0;

	for (uint32_t k = 0; k < m->n_tensors; k++) {
		uint64_t e = 1;

		for (int d = 0; d < FLLM_GGUF_MAX_DIMS; d++)
			e *= m->tensors[k].dims[d];
		n += e;
	}
	return n;
}

/*
 * The formats the opener knows, by their first four bytes (little-endian);
 * the last has no magic and takes whatever the others do not claim.
 */
static const struct model_format {
	uint32_t magic;
	fllm_status (*load)(fllm_model *m, struct fllm_err *err);
} model_formats[] = {
	{ FLLM_PKG_MAGIC, fllm_model_load_package },
	{ FLLM_GGUF_MAGIC, fllm_model_load_gguf },
	{ 0, fllm_model_load_llama2c },
};

#define MODEL_FORMAT_PACKAGE (&model_formats[0])

/* The format whose magic starts the image (the magic-less last one if none does). */
static const struct model_format *model_probe(const uint8_t *data, size_t size)
{
	uint32_t magic = size >= 4 ? fllm_le32(data) : 0;
	size_t n = sizeof(model_formats) / sizeof(model_formats[0]);

	for (size_t k = 0; k + 1 < n; k++)
		if (magic == model_formats[k].magic)
			return &model_formats[k];
	return &model_formats[n - 1];
}

static fllm_model *model_alloc(void)
{
	fllm_model *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	if (pthread_mutex_init(&m->f32_lock, NULL)) {
		free(m);
		return NULL;
	}
	fllm_handle_add(FLLM_HANDLE_MODEL);
	return m;
}

/*
 * The one opener: the file at path, mapped once (message prefixed with the
 * path), or the borrowed image (data, size) when path is NULL; loaded as
 * `only`, or as the format its magic names when `only` is NULL.
 */
static fllm_status model_open(const char *path, const uint8_t *data, size_t size,
			      const struct model_format *only, fllm_model **out,
			      struct fllm_err *err)
{
	fllm_model *m;
	fllm_status st;

	assert(out);
	*out = NULL;
	m = model_alloc();
	if (!m)
		return fllm_err_set(err, FLLM_E_NO_MEMORY, "out of memory");
	if (path) {
		st = fllm_file_map_open(path, &m->map, err);
		if (st)
			goto err_free;
	} else {
		m->map.data = data;
		m->map.size = size;
	}
	size = m->map.size;
	st = (only ? only : model_probe(m->map.data, size))->load(m, err);
	if (!path) {
		m->map.data = NULL;	/* borrowed: free must not unmap it */
		m->map.size = 0;
	}
	if (st) {
		if (path)
			fllm_err_prefix(err, "%s", path);
		goto err_free;
	}
	m->info.n_params = model_count_params(m);
	m->info.file_bytes = size;
	*out = m;
	return FLLM_OK;

err_free:
	fllm_model_free(m);
	return st;
}

/* See model.h. The image is borrowed, not unmapped at free. */
fllm_status fllm_model_open_memory(const uint8_t *data, size_t size, fllm_model **out,
				   struct fllm_err *err)
{
	return model_open(NULL, data, size, NULL, out, err);
}

/* See package.h. */
fllm_status fllm_package_open_memory(const uint8_t *data, size_t size, fllm_model **out,
				     struct fllm_err *err)
{
	return model_open(NULL, data, size, MODEL_FORMAT_PACKAGE, out, err);
}

/* See fllm_model.h. */
fllm_status fllm_model_open(const char *path, fllm_model **out, char *err_buf, size_t err_size)
{
	struct fllm_err err = { err_buf, err_size };

	assert(path);
	return model_open(path, NULL, 0, NULL, out, &err);
}

/* See fllm_package.h. */
fllm_status fllm_package_open(const char *path, fllm_model **out, char *err_buf,
			      size_t err_size)
{
	struct fllm_err err = { err_buf, err_size };

	assert(path);
	return model_open(path, NULL, 0, MODEL_FORMAT_PACKAGE, out, &err);
}

fllm_status fllm_model_open_synthetic(uint64_t seed, fllm_model **out)
{
	fllm_model *m;
	fllm_status st;

	assert(out);
	*out = NULL;
	m = model_alloc();
	if (!m)
		return FLLM_E_NO_MEMORY;
	st = fllm_model_load_synthetic(m, seed);
	if (st) {
		fllm_model_free(m);
		return st;
	}
	m->info.n_params = model_count_params(m);
	*out = m;
	return FLLM_OK;
}

/* Release weights, index and mapping; the output weight may alias tok_embd. */
void fllm_model_free(fllm_model *m)
{
	if (!m)
		return;
	if (m->layers) {
		for (uint32_t l = 0; l < m->info.n_layers; l++) {
			struct fllm_weight *w = &m->layers[l].attn_norm;
			size_t n = sizeof(m->layers[l]) / sizeof(*w);

			for (size_t k = 0; k < n; k++)
				fllm_weight_release(&w[k]);
		}
	}
	fllm_weight_release(&m->output);
	fllm_weight_release(&m->tok_embd);
	fllm_weight_release(&m->output_norm);
	free(m->layers);
	free(m->tensors);
	free(m->owned);
	fllm_gguf_release(&m->gguf);
	fllm_file_map_close(&m->map);
	pthread_mutex_destroy(&m->f32_lock);
	free(m);
	fllm_handle_del(FLLM_HANDLE_MODEL);
}

fllm_status fllm_model_info_get(const fllm_model *m, fllm_model_info *out)
{
	assert(m && out);
	*out = m->info;
	return FLLM_OK;
}

uint32_t fllm_model_tensor_count(const fllm_model *m)
{
	assert(m);
	return m->n_tensors;
}

/* Copy a record into the public descriptor. */
static void model_desc(const struct fllm_tensor_rec *r, fllm_tensor_desc *out)
{
	memset(out, 0, sizeof(*out));
	memcpy(out->name, r->name, sizeof(out->name));
	out->type = (fllm_tensor_type)r->type;
	out->n_dims = r->n_dims;
	memcpy(out->dims, r->dims, sizeof(out->dims));
	out->data = r->data;
	out->bytes = r->bytes;
}

fllm_status fllm_model_tensor_get(const fllm_model *m, uint32_t index, fllm_tensor_desc *out)
{
	assert(m && out);
	if (index >= m->n_tensors)
		return FLLM_E_INVALID_ARG;
	model_desc(&m->tensors[index], out);
	return FLLM_OK;
}

fllm_status fllm_model_meta_string(const fllm_model *m, const char *key, const char **s,
				   size_t *len)
{
	int found = 0;
	fllm_status st;

	assert(m && key && s && len);
	if (!m->is_gguf)
		return FLLM_E_INVALID_ARG;
	st = fllm_gguf_get_string(&m->gguf, key, s, len, &found, NULL);
	if (!st && !found)
		return FLLM_E_INVALID_ARG;
	return st;
}

fllm_status fllm_model_tensor_find(const fllm_model *m, const char *name, fllm_tensor_desc *out)
{
	const struct fllm_tensor_rec *r;

	assert(m && name && out);
	r = fllm_model_find_rec(m, name);
	if (!r)
		return FLLM_E_INVALID_ARG;
	model_desc(r, out);
	return FLLM_OK;
}
