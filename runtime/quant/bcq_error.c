/* Error report of a quantization: relative Frobenius error and MSE. */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bcq_internal.h"

/* Accumulate one stretch of w (n) against w_hat (n) into out (sums only). */
static void bcq_error_add(const float *w, const float *w_hat, size_t n, fllm_bcq_error *out)
{
	for (size_t i = 0; i < n; i++) {
		double d = (double)w[i] - w_hat[i];

		out->sse += d * d;
		out->norm2 += (double)w[i] * w[i];
		if (fabs(d) > out->max_abs)
			out->max_abs = fabs(d);
	}
}

/* Derive rel and mse from the sums over n weights. */
static void bcq_error_finish(fllm_bcq_error *out, size_t n)
{
	out->mse = n ? out->sse / (double)n : 0.0;
	if (out->sse == 0.0)
		out->rel = 0.0;
	else
		out->rel = out->norm2 > 0.0 ? sqrt(out->sse / out->norm2) : INFINITY;
}

/* Error of w_hat (n) against w (n). */
void fllm_bcq_error_compute(const float *w, const float *w_hat, size_t n, fllm_bcq_error *out)
{
	memset(out, 0, sizeof(*out));
	bcq_error_add(w, w_hat, n, out);
	bcq_error_finish(out, n);
}

/* Error of the matrix m against w (M, K), dequantizing one row at a time. */
fllm_status fllm_bcq_error_measure(const float *w, const fllm_bcq *m, fllm_bcq_error *out)
{
	float *row = malloc((size_t)m->cols * sizeof(float));	/* (K) one row of W_hat */

	assert(w && m && out);
	memset(out, 0, sizeof(*out));
	if (!row)
		return FLLM_E_NO_MEMORY;
	for (uint32_t r = 0; r < m->rows; r++) {
		fllm_bcq_dequantize_row(m, r, row);
		bcq_error_add(w + (size_t)r * m->cols, row, m->cols, out);
	}
	bcq_error_finish(out, (size_t)m->rows * m->cols);
	free(row);
	return FLLM_OK;
}
