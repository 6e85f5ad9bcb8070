/* Exact conversion of uniform asymmetric q-bit weights into BCQ with offset. */
#include <assert.h>
#include <math.h>

#include "bcq_internal.h"

/*
 * With c = sum_i 2^i * bit_i and b_i = 2 * bit_i - 1:
 *   s * (c - zp) = sum_i (s * 2^(i-1)) * b_i + s * ((2^q - 1) / 2 - zp),
 * so alpha_i = s * 2^(i-1) and z = s * ((2^q - 1) / 2 - zp). For s < 0 the
 * codes are complemented (c' = 2^q - 1 - c, zp' = 2^q - 1 - zp).
 */
void bcq_store_uniform_group(fllm_bcq *m, uint32_t row, uint32_t gi, const uint8_t *code,
			     uint32_t n, float s, float zp)
{
	const unsigned levels = (1u << m->planes) - 1;
	size_t gidx = (size_t)row * m->groups + gi;
	float *alpha = m->alpha + gidx * m->planes;	/* (q) */
	unsigned flip = 0;

	assert(m->offset);
	if (s < 0.0f) {
		s = -s;
		zp = (float)levels - zp;
		flip = levels;
	}
	for (uint32_t i = 0; i < m->planes; i++)
		alpha[i] = s * 0.5f * (float)(1u << i);
	m->offset[gidx] = s * ((float)levels * 0.5f - zp);
	for (uint32_t k = 0; k < n; k++) {
		uint32_t col = gi * m->group + k;
		unsigned c = code[k] ^ flip;

		for (uint32_t i = 0; i < m->planes; i++)
			fllm_bcq_bit_set(m, row, i, col, (c >> i) & 1);
	}
}

/* Generic uniform weights (see fllm_bcq.h for the shapes and the exactness). */
fllm_status fllm_bcq_from_uniform(const uint8_t *codes, const float *scale, const float *zero,
				  uint32_t rows, uint32_t cols, uint32_t group, uint32_t planes,
				  fllm_bcq **out)
{
	fllm_bcq *m;
	fllm_status st;

	assert(codes && scale && zero && out);
	*out = NULL;
	st = fllm_bcq_alloc(rows, cols, group, planes, 1, &m);
	if (st)
		return st;
	for (size_t i = 0; i < (size_t)rows * cols; i++)
		if (codes[i] >> planes)
			goto err_invalid;
	for (size_t i = 0; i < (size_t)rows * m->groups; i++)
		if (!isfinite(scale[i]) || !isfinite(zero[i]))
			goto err_invalid;
	for (uint32_t r = 0; r < rows; r++) {
		for (uint32_t gi = 0; gi < m->groups; gi++) {
			uint32_t k0 = gi * group;
			uint32_t n = cols - k0 < group ? cols - k0 : group;
			size_t sidx = (size_t)r * m->groups + gi;

			bcq_store_uniform_group(m, r, gi, codes + (size_t)r * cols + k0, n,
						scale[sidx], zero[sidx]);
		}
	}
	*out = m;
	return FLLM_OK;

err_invalid:
	fllm_bcq_free(m);
	return FLLM_E_INVALID_ARG;
}
