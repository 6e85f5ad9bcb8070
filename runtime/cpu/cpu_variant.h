/*
 * What the kernel variants share, apart from their instruction set: the
 * output conversion and the row and token loops. Each
 * variant file (cpu_<kernel>_<isa>.c) includes it, so every helper is
 * compiled, and inlined, with that file's target flags.
 */
#ifndef FLLM_CPU_VARIANT_H
#define FLLM_CPU_VARIANT_H

#include "cpu_internal.h"

/* y of token n for a row: its integer sum yacc in fp32 with the row's exponent. */
static inline __attribute__((always_inline)) float
fllm_cpu_lg_y(const struct fllm_cpu_lg_job *job, uint32_t n, int64_t yacc, int16_t e_row)
{
	return fllm_lutgemm_to_f32(yacc, (int64_t)e_row + job->ex[n]);
}

/*
 * FLLM_CPU_LG_ROWS(rows, entry, row) defines the row-record LUT-GEMM of one
 * instruction set from its row kernel
 *   row(job, rec, n0, nb, g, yacc): every group of record rec for tokens
 *   n0 .. n0 + nb - 1, added to yacc (nb)
 * rows(job, r0, r1, g) runs it over rows [r0, r1) in token blocks of 4, 2
 * and 1 (nb and g constants after inlining) and writes the outputs; entry
 * is the variant's entry point, one specialization per group size.
 */
#define FLLM_CPU_LG_ROWS(rows, entry, row)                                                     \
	static inline __attribute__((always_inline)) void rows(                               \
		const struct fllm_cpu_lg_job *job, uint32_t r0, uint32_t r1, const uint32_t g) \
	{                                                                                      \
		for (uint32_t r = r0; r < r1; r++) {                                           \
			const uint8_t *rec = fllm_cpu_lg_row(job->w, job->row_bytes, r);       \
			int64_t yacc[FLLM_LUTGEMM_N_MAX] = { 0 };                              \
			int16_t e_row = fllm_cpu_rd_i16(rec);                                  \
			uint32_t n0 = 0;                                                       \
                                                                                               \
			while (n0 < job->n) {                                                  \
				uint32_t left = job->n - n0;                                   \
                                                                                               \
				if (left >= 4) {                                               \
					row(job, rec, n0, 4, g, yacc + n0);                    \
					n0 += 4;                                               \
				} else if (left >= 2) {                                        \
					row(job, rec, n0, 2, g, yacc + n0);                    \
					n0 += 2;                                               \
				} else {                                                       \
					row(job, rec, n0, 1, g, yacc + n0);                    \
					n0 += 1;                                               \
				}                                                              \
			}                                                                      \
			for (uint32_t n = 0; n < job->n; n++)                                  \
				job->y[n * job->y_stride + r] =                               \
					fllm_cpu_lg_y(job, n, yacc[n], e_row);                 \
		}                                                                              \
	}                                                                                      \
                                                                                               \
	void entry(const struct fllm_cpu_lg_job *job, uint32_t r0, uint32_t r1,                \
		   struct fllm_cpu_scratch *s)                                                 \
	{                                                                                      \
		(void)s;                                                                       \
		switch (job->w->group) {                                                       \
		case 16:                                                                       \
			rows(job, r0, r1, 16);                                                 \
			break;                                                                 \
		case 32:                                                                       \
			rows(job, r0, r1, 32);                                                 \
			break;                                                                 \
		case 64:                                                                       \
			rows(job, r0, r1, 64);                                                 \
			break;                                                                 \
		case 128:                                                                      \
			rows(job, r0, r1, 128);                                                \
			break;                                                                 \
		default:                                                                       \
			rows(job, r0, r1, 256);                                                \
			break;                                                                 \
		}                                                                              \
	}

/*
 * fn(args, q) with q = planes (1..8) as a constant: one specialization of an
 * inlined kernel per plane count.
 */
#define FLLM_CPU_BY_PLANES(planes, fn, ...)                                                    \
	do {                                                                                   \
		switch (planes) {                                                              \
		case 1: fn(__VA_ARGS__, 1); break;                                             \
		case 2: fn(__VA_ARGS__, 2); break;                                             \
		case 3: fn(__VA_ARGS__, 3); break;                                             \
		case 4: fn(__VA_ARGS__, 4); break;                                             \
		case 5: fn(__VA_ARGS__, 5); break;                                             \
		case 6: fn(__VA_ARGS__, 6); break;                                             \
		case 7: fn(__VA_ARGS__, 7); break;                                             \
		default: fn(__VA_ARGS__, 8); break;                                            \
		}                                                                              \
	} while (0)

/* fp32 GEMV: rows [r0, r1) of job, every token, with the variant's dot product. */
static inline __attribute__((always_inline)) void
fllm_cpu_f32_rows(const struct fllm_cpu_f32_job *job, uint32_t r0, uint32_t r1,
		  float (*dot)(const float *a /* (k) */, const float *b /* (k) */, uint32_t k))
{
	for (uint32_t r = r0; r < r1; r++)
		for (uint32_t n = 0; n < job->n; n++)
			job->y[n * job->y_stride + r] = dot(job->w + r * job->w_stride,
							    job->x + n * job->x_stride, job->k);
}

#endif /* FLLM_CPU_VARIANT_H */
