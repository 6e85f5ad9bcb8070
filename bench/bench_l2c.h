/*
 * The in-run baseline of bench_decode: the forward loop of Karpathy's
 * llama2.c (run.c), reimplemented here in plain C (not copied): one token
 * at a time, fp32 throughout, the whole checkpoint in memory, the naive
 * row-by-column matmul, RoPE angles recomputed with powf/cosf/sinf each
 * token, softmax with expf, SwiGLU, shared or separate classifier. One
 * thread (run.c built without OpenMP). Only the llama2.c .bin format.
 */
#ifndef FLLM_BENCH_L2C_H
#define FLLM_BENCH_L2C_H

#include <stdint.h>

struct bench_l2c;

/* Read the checkpoint at path; 0 on success, else -1 with a message in err. */
int bench_l2c_open(const char *path, struct bench_l2c **out, char *err, size_t err_len);
void bench_l2c_free(struct bench_l2c *t);
/* Forward token at position pos (< seq_len; the caller keeps pos in order
 * from 0); the vocab_size logits, valid until the next call. */
const float *bench_l2c_forward(struct bench_l2c *t, int32_t token, uint32_t pos);
uint32_t bench_l2c_vocab(const struct bench_l2c *t);

#endif /* FLLM_BENCH_L2C_H */
