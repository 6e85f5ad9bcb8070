/*
 * Stored tensor elements to fp32: F16 and BF16 (quant/fp16.c), and ggml's Q8_0 and Q4_0
 * blocks (32 weights: fp16 scale d, then int8 q[32], or 16 bytes of nibbles
 * where byte j holds element j in its low and element j + 16 in its high
 * half, offset by 8). Every value is exact in fp32.
 */
#include "../../quant/fp16.h"
#include "cursor.h"
#include "model.h"

/* See model.h; src holds exactly the bytes of n elements (checked by the parser). */
void fllm_tensor_to_f32(uint32_t type, const uint8_t *src, uint64_t n, float *dst)
{
	switch (type) {
	case FLLM_TENSOR_F32:
		for (uint64_t i = 0; i < n; i++)
			dst[i] = fllm_le_f32(src + 4 * i);
		return;
	case FLLM_TENSOR_F16:
		for (uint64_t i = 0; i < n; i++)
			dst[i] = fllm_f16_to_f32(fllm_le16(src + 2 * i));
		return;
	case FLLM_TENSOR_BF16:
		for (uint64_t i = 0; i < n; i++)
			dst[i] = fllm_bf16_to_f32(fllm_le16(src + 2 * i));
		return;
	case FLLM_TENSOR_Q8_0:
		for (uint64_t b = 0; b < n / 32; b++, src += 34, dst += 32) {
			float d = fllm_f16_to_f32(fllm_le16(src));

			for (int j = 0; j < 32; j++)
				dst[j] = d * (float)(int8_t)src[2 + j];
		}
		return;
	case FLLM_TENSOR_Q4_0:
		for (uint64_t b = 0; b < n / 32; b++, src += 18, dst += 32) {
			float d = fllm_f16_to_f32(fllm_le16(src));

			for (int j = 0; j < 16; j++) {
				dst[j] = d * (float)((src[2 + j] & 15) - 8);
				dst[j + 16] = d * (float)((src[2 + j] >> 4) - 8);
			}
		}
		return;
	}
}
