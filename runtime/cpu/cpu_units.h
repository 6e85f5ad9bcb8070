/*
 * Private helpers shared by the host twins of the vector and attention
 * units (cpu_vector_fast.c, cpu_attention_fast.c): fp32 splitting with a
 * fast path for normal values, and the activation-record quantizer.
 */
#ifndef FLLM_CPU_UNITS_H
#define FLLM_CPU_UNITS_H

#include <stdint.h>
#include <string.h>

#include "../../hls/vector_internal.h"

/* fllm_vector_f32_split of sanitized (finite) bits; normal values and zeros inline. */
static inline void cpu_unit_split(uint32_t bits, struct fllm_vector_f32 *v)
{
	uint32_t e = bits >> 23 & 0xffu;

	if (e - 1u < 254u) {
		v->neg = bits >> 31;
		v->m = (bits & 0x7fffffu) | 1u << 23;
		v->f = (int32_t)e - 150;
	} else if (!(bits & 0x7fffffffu)) {	/* +-0 */
		v->neg = bits >> 31;
		v->m = 0;
		v->f = 0;
	} else {
		uint64_t ignored = 0;

		fllm_vector_f32_split(bits, v, &ignored);
	}
}

/* Little-endian 32-bit load of fp32 bits at p, sanitized (counted in *nf). */
static inline uint32_t cpu_unit_load(const uint8_t *p, uint64_t *nf)
{
	uint32_t b;

	memcpy(&b, p, 4);
	return fllm_vec_sanitize(b, nf);
}

/*
 * fllm_vec_quant_store (docs/numerics.md 2.1) of y (n finite fp32 bits) into
 * the activation record at rec, gmax computed here: the same record, with
 * the per-element division replaced by an exact 32-bit one.
 */
void cpu_unit_quant_store(uint8_t *rec, const uint32_t *y /* (n) */,
			  uint32_t *gmax /* (groups) scratch */, uint32_t n, uint32_t g);

#endif /* FLLM_CPU_UNITS_H */
