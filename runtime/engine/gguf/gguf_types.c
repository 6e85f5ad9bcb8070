/* GGUF metadata value types and ggml tensor types: names, sizes, blocks. */
#include "gguf.h"

#include "fllm/fllm_model.h"

static const char *const vtype_names[FLLM_GGUF_VTYPES] = {
	"uint8", "int8", "uint16", "int16", "uint32", "int32", "float32", "bool",
	"string", "array", "uint64", "int64", "float64",
};

static const uint8_t vtype_sizes[FLLM_GGUF_VTYPES] = { 1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8 };

const char *fllm_gguf_vtype_name(uint32_t type)
{
	return type < FLLM_GGUF_VTYPES ? vtype_names[type] : "unknown";
}

size_t fllm_gguf_vtype_size(uint32_t type)
{
	return type < FLLM_GGUF_VTYPES ? vtype_sizes[type] : 0;
}

/* ggml's type numbers, for messages about files we cannot load. */
const char *fllm_gguf_ttype_name(uint32_t type)
{
	static const char *const names[] = {
		"F32", "F16", "Q4_0", "Q4_1", "type 4", "type 5", "Q5_0", "Q5_1", "Q8_0",
		"Q8_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "Q8_K", "IQ2_XXS", "IQ2_XS",
		"IQ3_XXS", "IQ1_S", "IQ4_NL", "IQ3_S", "IQ2_S", "IQ4_XS", "I8", "I16", "I32",
		"I64", "F64", "IQ1_M", "BF16",
	};

	return type < sizeof(names) / sizeof(names[0]) ? names[type] : "unknown";
}

/* Elements and bytes per block of the types the engine dequantizes. */
int fllm_gguf_ttype_block(uint32_t type, uint32_t *block_elems, uint32_t *block_bytes)
{
	switch (type) {
	case FLLM_TENSOR_F32: *block_elems = 1; *block_bytes = 4; return 1;
	case FLLM_TENSOR_F16: *block_elems = 1; *block_bytes = 2; return 1;
	case FLLM_TENSOR_BF16: *block_elems = 1; *block_bytes = 2; return 1;
	case FLLM_TENSOR_Q8_0: *block_elems = 32; *block_bytes = 34; return 1;
	case FLLM_TENSOR_Q4_0: *block_elems = 32; *block_bytes = 18; return 1;
	}
	return 0;
}
