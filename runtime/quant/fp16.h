/*
 * 16-bit floats to fp32, exactly: IEEE binary16 (GGUF F16 tensors and the
 * scales of Q4_0 / Q8_0 blocks) and bfloat16. Used by the BCQ converter of
 * GGUF blocks (bcq_gguf.c) and the engine's tensor conversion.
 */
#ifndef FLLM_QUANT_FP16_H
#define FLLM_QUANT_FP16_H

#include <stdint.h>

/* IEEE binary16 to binary32, subnormals, infinities and NaN included. */
float fllm_f16_to_f32(uint16_t h);
/* bfloat16 (the top half of a binary32) to binary32. */
float fllm_bf16_to_f32(uint16_t h);

#endif /* FLLM_QUANT_FP16_H */
