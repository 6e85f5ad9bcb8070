/* BCQ matrix objects: allocation, sign-bit access and dequantization. */
#include <stdint.h>
#include <stdlib.h>

#include "bcq_internal.h"

/* Allowed group sizes are the powers of two 16..256 (whole bytes of signs). */
int bcq_group_valid(uint32_t group)
{
	return group >= 16 && group <= FLLM_BCQ_GROUP_MAX && (group & (group - 1)) == 0;
}

/* a * b * c, or 0 when a factor is 0 or the product overflows size_t. */
static size_t bcq_size_mul3(size_t a, size_t b, size_t c)
{
	size_t ab;

	if (!a || !b || !c || b > SIZE_MAX / a)
		return 0;
	ab = a * b;
	if (c > SIZE_MAX / ab)
		return 0;
	return ab * c;
}

/* Allocate the arrays for an M x K matrix; every field zero, every sign -1. */
fllm_status fllm_bcq_alloc(uint32_t rows, uint32_t cols, uint32_t group, uint32_t planes,
			   int has_offset, fllm_bcq **out)
{
	fllm_bcq *m;
	size_t n_alpha, n_offset, n_bits;

	*out = NULL;
	if (!rows || !cols || !planes || planes > FLLM_BCQ_PLANES_MAX || !bcq_group_valid(group))
		return FLLM_E_INVALID_ARG;
	m = calloc(1, sizeof(*m));
	if (!m)
		return FLLM_E_NO_MEMORY;
	m->rows = rows;
	m->cols = cols;
	m->group = group;
	m->planes = planes;
	m->groups = (uint32_t)(((uint64_t)cols + group - 1) / group);
	m->row_bytes = (uint32_t)(((uint64_t)cols + 7) / 8);
	n_alpha = bcq_size_mul3(rows, m->groups, planes);
	n_offset = bcq_size_mul3(rows, m->groups, 1);
	n_bits = bcq_size_mul3(rows, planes, m->row_bytes);
	if (!n_alpha || !n_bits || n_alpha > SIZE_MAX / sizeof(float))
		goto err_free;
	m->alpha = calloc(n_alpha, sizeof(float));
	m->bits = calloc(n_bits, 1);
	if (!m->alpha || !m->bits)
		goto err_free;
	if (has_offset) {
		m->offset = calloc(n_offset, sizeof(float));
		if (!m->offset)
			goto err_free;
	}
	*out = m;
	return FLLM_OK;

err_free:
	fllm_bcq_free(m);
	return FLLM_E_NO_MEMORY;
}

/* Release a matrix and its arrays; NULL is a no-op. */
void fllm_bcq_free(fllm_bcq *m)
{
	if (!m)
		return;
	free(m->alpha);
	free(m->offset);
	free(m->bits);
	free(m);
}

/* Byte holding the sign of (row, plane, col); see the layout in fllm_bcq.h. */
static uint8_t *bcq_bit_byte(const fllm_bcq *m, uint32_t row, uint32_t plane, uint32_t col)
{
	size_t plane_index = (size_t)row * m->planes + plane;

	return m->bits + plane_index * m->row_bytes + col / 8;
}

/* Read one sign bit (1 = +1). */
int fllm_bcq_bit_get(const fllm_bcq *m, uint32_t row, uint32_t plane, uint32_t col)
{
	return (*bcq_bit_byte(m, row, plane, col) >> (col % 8)) & 1;
}

/* Write one sign bit (non-zero = +1). */
void fllm_bcq_bit_set(fllm_bcq *m, uint32_t row, uint32_t plane, uint32_t col, int bit)
{
	uint8_t *byte = bcq_bit_byte(m, row, plane, col);
	uint8_t mask = (uint8_t)(1u << (col % 8));

	*byte = bit ? (uint8_t)(*byte | mask) : (uint8_t)(*byte & ~mask);
}

/*
 * The one definition of a BCQ value in fp32: planes summed in order 0..q-1
 * starting from 0, then z added. Quantizer and dequantizer both use this
 * order so that the error the quantizer optimises is the one it reports.
 */
float bcq_code_value(const float *alpha, float z, uint32_t planes, unsigned code)
{
	float acc = 0.0f;

	for (uint32_t i = 0; i < planes; i++)
		acc += (code >> i) & 1 ? alpha[i] : -alpha[i];
	return acc + z;
}

/* Rebuild row `row` of W_hat into out (K) fp32. */
void fllm_bcq_dequantize_row(const fllm_bcq *m, uint32_t row, float *out)
{
	const uint8_t *bits = m->bits + (size_t)row * m->planes * m->row_bytes;

	for (uint32_t k = 0; k < m->cols; k++) {
		size_t gi = (size_t)row * m->groups + k / m->group;
		const float *alpha = m->alpha + gi * m->planes;
		float z = m->offset ? m->offset[gi] : 0.0f;
		unsigned code = 0;

		for (uint32_t i = 0; i < m->planes; i++)
			code |= (unsigned)((bits[(size_t)i * m->row_bytes + k / 8] >> (k % 8)) & 1)
				<< i;
		out[k] = bcq_code_value(alpha, z, m->planes, code);
	}
}

/* Rebuild all of W_hat into out (M, K) row-major fp32. */
void fllm_bcq_dequantize(const fllm_bcq *m, float *out)
{
	for (uint32_t r = 0; r < m->rows; r++)
		fllm_bcq_dequantize_row(m, r, out + (size_t)r * m->cols);
}
