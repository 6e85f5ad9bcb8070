/*
 * The loaded model behind fllm_model: hyperparameters, the stored tensors
 * (raw, as in the file) and the fp32 weights the CPU forward pass reads.
 *
 * Matrices stored in another form (GGUF Q4_0 / Q8_0 / F16 / BF16, a
 * package's BCQ records) are checked at load but dequantized to fp32 only
 * when the fp32 path asks for them (fllm_model_need_f32): the card and
 * cpu-q paths read the stored form and never hold an fp32 copy, which for
 * a 7B model would be 26 GiB (docs/scheduler.md).
 */
#ifndef FLLM_ENGINE_MODEL_H
#define FLLM_ENGINE_MODEL_H

#include <pthread.h>
#include <stdint.h>

#include "engine_error.h"
#include "file_map.h"
#include "fllm/fllm_model.h"
#include "gguf.h"

/* A stored tensor as the file holds it (fllm_tensor_desc's source). */
struct fllm_tensor_rec {
	char name[FLLM_GGUF_NAME_MAX];
	uint32_t type;			/* fllm_tensor_type */
	uint32_t n_dims;
	uint64_t dims[FLLM_GGUF_MAX_DIMS];	/* dims[0] contiguous */
	const uint8_t *data;		/* (bytes) in the mapping or synthetic buffer */
	uint64_t bytes;
};

struct fllm_weight;

/* Rows [r0, r0 + n) of a weight in fp32 from its stored form. */
typedef fllm_status (*fllm_weight_rows_fn)(const struct fllm_weight *w, uint32_t r0,
					   uint32_t n, float *dst, struct fllm_err *err);

/* One weight: its stored form and, once wanted, fp32 for the CPU path. */
struct fllm_weight {
	const float *f32;		/* (rows, cols) row-major fp32; vectors: rows 1;
					 * NULL until fllm_model_need_f32 for matrices
					 * not stored as aligned fp32 */
	float *owned;			/* f32 when allocated here (dequantized), else NULL */
	uint32_t rows, cols;
	const struct fllm_tensor_rec *src;	/* stored form (raw blocks for Q4_0/Q8_0) */
	fllm_weight_rows_fn rows_f32;	/* the stored form's dequantizer; NULL: the
					 * element types of fllm_tensor_to_f32 */
};

/* One decoder layer's weights; matrices are (out, in). */
struct fllm_layer_weights {
	struct fllm_weight attn_norm;	/* (dim) */
	struct fllm_weight wq;		/* (n_heads * head_dim, dim) */
	struct fllm_weight wk;		/* (n_kv_heads * head_dim, dim) */
	struct fllm_weight wv;		/* (n_kv_heads * head_dim, dim) */
	struct fllm_weight wo;		/* (dim, n_heads * head_dim) */
	struct fllm_weight ffn_norm;	/* (dim) */
	struct fllm_weight w_gate;	/* (hidden_dim, dim), "w1" in llama2.c */
	struct fllm_weight w_down;	/* (dim, hidden_dim), "w2" */
	struct fllm_weight w_up;	/* (hidden_dim, dim), "w3" */
};

struct fllm_model {
	fllm_model_info info;
	struct fllm_file_map map;	/* the file; zeroed for the synthetic model */
	struct fllm_gguf gguf;		/* GGUF index (tokenizer metadata), else empty */
	int is_gguf;
	struct fllm_tensor_rec *tensors;	/* (n_tensors) stored tensors */
	uint32_t n_tensors;
	struct fllm_weight tok_embd;	/* (vocab_size, dim) */
	struct fllm_weight output_norm;	/* (dim) */
	struct fllm_weight output;	/* (vocab_size, dim); tok_embd's data when tied */
	struct fllm_layer_weights *layers;	/* (n_layers) */
	uint8_t *owned;			/* memory the model owns, freed with it: the
					 * synthetic model's fp32 tensors, or a
					 * package's decoded state (package/package_load.c) */
	pthread_mutex_t f32_lock;	/* guards the lazy fp32 copies */
	int f32_ready;			/* every weight has f32 */
};

/* Loaders fill a zeroed model from its image in m->map (model_gguf.c,
 * model_llama2c.c, package/package_load.c) or from a seed (model_synthetic.c); the
 * opener (model.c) picks one by the image's magic and, on failure, frees the
 * model with fllm_model_free. */
fllm_status fllm_model_load_gguf(fllm_model *m, struct fllm_err *err);
fllm_status fllm_model_load_llama2c(fllm_model *m, struct fllm_err *err);
fllm_status fllm_model_load_package(fllm_model *m, struct fllm_err *err);
fllm_status fllm_model_load_synthetic(fllm_model *m, uint64_t seed);

/* Shared by the loaders (model_weights.c). */
/* Check the hyperparameters in m->info are usable and within limits. */
fllm_status fllm_model_check_hparams(const fllm_model *m, struct fllm_err *err);
/* Bind w to tensor t, which must be (rows, cols); dequantize when needed and
 * refuse non-finite values. */
fllm_status fllm_weight_bind(struct fllm_weight *w, const struct fllm_tensor_rec *t,
			     uint32_t rows, uint32_t cols, struct fllm_err *err);
void fllm_weight_release(struct fllm_weight *w);
/* Rows [r0, r0 + n) of w in fp32 into dst (n * w->cols), from f32 when it
 * is there, else from the stored form. */
fllm_status fllm_weight_rows(const struct fllm_weight *w, uint32_t r0, uint32_t n, float *dst,
			     struct fllm_err *err);
/* w's fp32 values: w->f32, else a copy in *tmp (the caller frees it). */
fllm_status fllm_weight_f32_temp(const struct fllm_weight *w, const float **f32, float **tmp,
				 struct fllm_err *err);
/*
 * Give every weight of m its fp32 form (dequantized once, kept until the
 * model is freed): the fp32 CPU path calls this. The model is otherwise
 * read-only; these copies are a cache behind m->f32_lock, so a const model
 * may be passed.
 */
fllm_status fllm_model_need_f32(const fllm_model *m, struct fllm_err *err);
/* Allocate m->layers and bind every weight by GGUF name from m->tensors;
 * output.weight is optional (absent: tied to token_embd). */
fllm_status fllm_model_bind_llama(fllm_model *m, struct fllm_err *err);
const struct fllm_tensor_rec *fllm_model_find_rec(const fllm_model *m, const char *name);
/* Append the record of an fp32 (rows, cols) tensor stored at data (1-D when
 * rows is 1) to m->tensors, which has room for it. */
struct fllm_tensor_rec *fllm_model_add_f32(fllm_model *m, const char *name, uint64_t rows,
					   uint64_t cols, const uint8_t *data);

/* Build a model from an in-memory image of any format fllm_model_open
 * knows (no copy; data must outlive the model). Used by the fuzzers and tests. */
fllm_status fllm_model_open_memory(const uint8_t *data, size_t size, fllm_model **out,
				   struct fllm_err *err);

/* Element conversion (tensor_convert.c). */
/* Dequantize n elements (a multiple of the type's block) of type at src. */
void fllm_tensor_to_f32(uint32_t type, const uint8_t *src, uint64_t n, float *dst);

#endif /* FLLM_ENGINE_MODEL_H */
