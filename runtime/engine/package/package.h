/*
 * Model packages inside libfllm: the validated view of a package image
 * (package_read.c), the model built from it (package/package_load.c), its
 * tokenizer section (package_tokenizer.c), the writer (package_write.c)
 * and the random-weight writer (package_random.c). The byte layout is
 * package_format.h.
 */
#ifndef FLLM_ENGINE_PACKAGE_H
#define FLLM_ENGINE_PACKAGE_H

#include <stddef.h>
#include <stdint.h>

#include "engine_error.h"
#include "fllm/fllm_package.h"
#include "model.h"
#include "package_format.h"
#include "tokenizer.h"

/* A package image whose header, table and checksums were checked. */
struct fllm_pkg_view {
	const uint8_t *data;		/* (size) bytes of the whole file */
	size_t size;
	uint32_t n_sections;
	struct fllm_pkg_entry *entries;	/* (n_sections) copied out of the table */
	const struct fllm_pkg_entry **by_name;	/* (n_tensors) tensor entries by name */
	uint32_t n_tensors;
};

/* 1 when the n bytes at p are all zero (reserved fields). */
int fllm_pkg_zero(const void *p, size_t n);

/* CRC-32 (ISO-HDLC, as zlib and PNG) of len bytes, continuing from crc (0 to start). */
uint32_t fllm_pkg_crc32(uint32_t crc, const void *data, size_t len);

/*
 * Check the header, the table and every section's range and CRC of the image
 * (data, size); on success v describes it (release with fllm_pkg_view_release).
 */
fllm_status fllm_pkg_view_init(struct fllm_pkg_view *v, const uint8_t *data, size_t size,
			       struct fllm_err *err);
void fllm_pkg_view_release(struct fllm_pkg_view *v);

/* The only section of kind (NULL when absent; a second one was refused at init). */
const struct fllm_pkg_entry *fllm_pkg_find(const struct fllm_pkg_view *v, uint32_t kind);
/* The tensor section (F32 or BCQ) named name, or NULL. */
const struct fllm_pkg_entry *fllm_pkg_find_tensor(const struct fllm_pkg_view *v,
						  const char *name);

/* Build a model from a package image (no copy: data must outlive it); the
 * package-only form of fllm_model_open_memory (model.c). */
fllm_status fllm_package_open_memory(const uint8_t *data, size_t size, fllm_model **out,
				     struct fllm_err *err);

/* Parse and check a TOKENIZER section against vocab; a new tokenizer. */
fllm_status fllm_pkg_tokenizer_load(const uint8_t *sec, uint64_t bytes, uint32_t vocab,
				    fllm_tokenizer **out, struct fllm_err *err);
/* Bytes of tok as a TOKENIZER section, and the section itself into buf (that size). */
uint64_t fllm_pkg_tokenizer_bytes(const fllm_tokenizer *tok);
void fllm_pkg_tokenizer_store(const fllm_tokenizer *tok, uint8_t *buf);

struct card_matrix;

/* The card form of linear layer `name` (weight wt's shape, maybe its
 * values) with settings p, and its report. */
typedef fllm_status (*fllm_pkg_matrix_fn)(void *user, const char *name,
					  const struct fllm_weight *wt,
					  const fllm_quant_params *p, struct card_matrix *cm,
					  fllm_quant_report *rep, struct fllm_err *err);

/*
 * Write m as a package at path (through path.part, renamed when whole):
 * its configuration, tokenizer tok and fp32 tensors, each linear layer as
 * matrix() makes it, progress after each. fllm_package_write quantizes the
 * model's weights; package_random.c makes random records.
 */
fllm_status fllm_pkg_write_from(const fllm_model *m, const fllm_tokenizer *tok,
				const fllm_quant_params *params, fllm_pkg_matrix_fn matrix,
				void *matrix_user, fllm_quant_progress_fn progress, void *user,
				const char *path, struct fllm_err *err);

#endif /* FLLM_ENGINE_PACKAGE_H */
