/*
 * Helpers of the decoder tests: small models made by the engine tests'
 * writers (any shape), their tokenizers, and packages of them written to
 * temporary files and read back as bytes.
 */
#ifndef FLLM_TEST_DEC_TEST_H
#define FLLM_TEST_DEC_TEST_H

#include <stdint.h>

#include "bytebuf.h"
#include "engine_test.h"
#include "fllm/fllm_package.h"
#include "model_writer.h"

/* A model and tokenizer with the images they were loaded from. */
struct dec_model {
	struct bytebuf bin;		/* llama2.c checkpoint image */
	fllm_model *model;
	fllm_tokenizer *tok;
};

/* Build, from spec s, a model and its test tokenizer; 0 or -1 (a CUnit failure). */
int dec_model_make(const struct tm_spec *s, struct dec_model *d);
void dec_model_free(struct dec_model *d);

/* Write d's package with bits/group to a temporary file (path, cap 64 or more) and
 * read the file into img; 0 or -1 (a CUnit failure). */
int dec_package_make(const struct dec_model *d, uint32_t bits, uint32_t group,
		     struct bytebuf *img, char *path);

/* Open a package image in memory (internal reader); err gets the message. */
fllm_status dec_package_open(const struct bytebuf *img, fllm_model **out, char *err,
			     size_t cap);

/* A suite's init: note how many handles are live (dec_live_check's count). */
int dec_live_mark(void);

/* The end of every test (after_each): only what was live at dec_live_mark. */
void dec_live_check(void);

/*
 * The synthetic decoder shapes: variant 0 the default GQA shape with K = 100
 * in the FFN; 1 MQA with dim 40 (q/k outputs not 64-byte aligned, two RoPE
 * commands) and an untied classifier.
 */
struct tm_spec dec_spec(int variant);

/*
 * Without stories260K.bin in the models folder ($FLLM_MODELS_DIR, else the
 * build's) the program prints why and exits 77, which ctest reports as SKIP.
 */
void dec_skip_without_stories(void);

/* Open stories260K and its tokenizer from that folder; 0, or -1 after printing why. */
int dec_stories_open(fllm_model **model, fllm_tokenizer **tok);

/* 1 when the shared stories260K files are present (tests SKIP otherwise). */
int dec_have_models(void);

#endif /* FLLM_TEST_DEC_TEST_H */
