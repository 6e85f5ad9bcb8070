/*
 * libfllm: model packages. A package (docs/package-format.md) holds a
 * Llama model ready for the card: its configuration and tokenizer, every
 * linear layer as BCQ row records in the LUT-GEMM unit's card layout, the
 * other tensors in fp32, the quantization settings and a per-tensor
 * quantization report, all with CRC-32 checksums.
 *
 * Conventions of fllm_model.h: errors as fllm_status plus one line of text
 * in the caller's buffer; _free(NULL) is a no-op. Compiles as C11 and C++.
 */
#ifndef FLLM_FLLM_PACKAGE_H
#define FLLM_FLLM_PACKAGE_H

#include <stddef.h>
#include <stdint.h>

#include "fllm/fllm_model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How fllm_package_write (and the card decoder, on the fly) quantizes. */
typedef struct fllm_quant_params {
	uint32_t bits;		/* q: weight bit-planes 1..8; 0 = 4 */
	uint32_t group;		/* g: 16, 32, 64, 128, 256; 0 = 32 */
	uint32_t threads;	/* quantizer threads; 0 = 1 */
	uint32_t slices;	/* card layout slices 1..32; 0 = 32 (one per HBM channel) */
} fllm_quant_params;

/* What quantizing one matrix did (fllm_package_write's progress, the report). */
typedef struct fllm_quant_report {
	char name[FLLM_NAME_MAX];	/* GGUF tensor name, "output.weight" for the classifier */
	uint32_t rows, cols;
	uint32_t planes, group;		/* as stored */
	fllm_tensor_type source;	/* type the weights came in */
	int exact;			/* 1: Q4_0/Q8_0 blocks converted exactly to BCQ */
	double rel_error;		/* ||W - W_card||_F / ||W||_F of the card's weights */
	double max_abs;			/* largest |w - w_card| */
	double bits_per_weight;		/* card bytes (with scales) * 8 / (rows * cols) */
} fllm_quant_report;

/* Called after each matrix, done of total, from the writing thread. */
typedef void (*fllm_quant_progress_fn)(void *user, const fllm_quant_report *r, uint32_t done,
				       uint32_t total);

/*
 * Quantize every linear layer of model (wq wk wv wo w_gate w_down w_up of
 * each layer and the classifier; GGUF Q4_0/Q8_0 tensors exactly when the
 * group is 32) and write the package to path (through path + ".part",
 * renamed at the end, so a failure never leaves a partial file under path).
 * tok is the model's tokenizer. params may be NULL for the defaults.
 * FLLM_E_INVALID_ARG for bad params, FLLM_E_IO when the file cannot be
 * written, FLLM_E_NO_MEMORY.
 */
fllm_status fllm_package_write(const fllm_model *model, const fllm_tokenizer *tok,
			       const fllm_quant_params *params, fllm_quant_progress_fn progress,
			       void *user, const char *path, char *err, size_t err_size);

/*
 * Write a package of random weights with the shape in *shape (dim,
 * hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size >= 259,
 * context_length, rms_eps, rope_theta, name; the rest is ignored) and
 * params' bits, group and slices: random BCQ records made directly (no
 * quantizer), a random fp32 embedding, norms of ones and a made-up
 * tokenizer. Same seed, same file. For sizing, streaming and planning
 * with models of real size (docs/scheduler.md); the text means nothing.
 */
fllm_status fllm_package_write_random(const fllm_model_info *shape,
				      const fllm_quant_params *params, uint64_t seed,
				      fllm_quant_progress_fn progress, void *user,
				      const char *path, char *err, size_t err_size);

/* 1 if the first bytes of path are a package's magic, else 0 (also when unreadable). */
int fllm_package_probe(const char *path);

/*
 * Open a package as a model (format FLLM_MODEL_PACKAGE). Everything is
 * checked: magic, version, sizes, the section table, every checksum, every
 * record's shape and reserved bytes; FLLM_E_FORMAT names the first problem,
 * FLLM_E_IO when the file cannot be read. The quantized matrices are also
 * dequantized to fp32 (exactly the card's weights), so --device cpu runs
 * them too; the card decoder uploads the stored records unchanged.
 */
fllm_status fllm_package_open(const char *path, fllm_model **out, char *err, size_t err_size);

/* The tokenizer stored in a package model; FLLM_E_INVALID_ARG for other models. */
fllm_status fllm_package_tokenizer(const fllm_model *model, fllm_tokenizer **out, char *err,
				   size_t err_size);

/* The package's quantization settings (bits as requested, group); FLLM_E_INVALID_ARG
 * for other models. */
fllm_status fllm_package_quant_get(const fllm_model *model, fllm_quant_params *out);

/* Report records stored in a package: count, and one by index (FLLM_E_INVALID_ARG past
 * the end or for other models). */
uint32_t fllm_package_report_count(const fllm_model *model);
fllm_status fllm_package_report_get(const fllm_model *model, uint32_t index,
				    fllm_quant_report *out);

#ifdef __cplusplus
}
#endif

#endif /* FLLM_FLLM_PACKAGE_H */
