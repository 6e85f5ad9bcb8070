/*
 * The decoder's arithmetic done by direct calls of the golden kernels on a
 * host memory image: fllm_hls_vector_unit() and fllm_hls_lutgemm_unit(),
 * one operation at a time, with a layout of this file's own (every matrix
 * in one slice, q and k rotated by separate commands, one token per
 * command, the KV cache in one region with the block table running
 * backwards), and attention through fllm_attention_unit_run(). What the
 * emulated card computes must equal this bit for bit.
 */
#ifndef FLLM_TEST_REF_CARD_H
#define FLLM_TEST_REF_CARD_H

#include <stdint.h>

#include "executor.h"
#include "model.h"

struct ref_card;

/* m must be a package model (its BCQ records are used as stored). */
int ref_card_create(const fllm_model *m, uint32_t n_ctx, struct ref_card **out);
void ref_card_free(struct ref_card *r);
/* logits (vocab) of token at pos; 0 or -1 when a kernel refused a block. */
int ref_card_token(struct ref_card *r, int32_t token, uint32_t pos, float *logits);

#endif /* FLLM_TEST_REF_CARD_H */
