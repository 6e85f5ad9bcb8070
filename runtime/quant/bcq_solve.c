/* Small dense least-squares solver for the ALS step of the BCQ quantizer. */
#include <math.h>

#include "bcq_internal.h"

#define BCQ_LSQ_MAX (FLLM_BCQ_PLANES_MAX + 1)
/* A pivot below this fraction of its diagonal marks a dependent column. */
#define BCQ_LSQ_RTOL 1e-9

/*
 * Cholesky factorisation of the normal matrix that skips dependent columns:
 * a column whose pivot (its Schur complement against the kept earlier
 * columns) is not clearly positive gets a zero column in L and x = 0. The
 * kept columns are then solved exactly, which is a least-squares solution of
 * the original, singular problem (sign planes that repeat each other or the
 * offset column are common in short groups and in the first ALS rounds).
 */
void bcq_lsq_solve(const double *a, const double *b, uint32_t n, double *x)
{
	double l[BCQ_LSQ_MAX][BCQ_LSQ_MAX] = { { 0 } };	/* (n, n) lower factor */
	double y[BCQ_LSQ_MAX];
	int kept[BCQ_LSQ_MAX];

	for (uint32_t j = 0; j < n; j++) {
		double d = a[j * n + j];

		for (uint32_t k = 0; k < j; k++)
			d -= l[j][k] * l[j][k];
		kept[j] = a[j * n + j] > 0.0 && d > BCQ_LSQ_RTOL * a[j * n + j];
		if (!kept[j])
			continue;
		l[j][j] = sqrt(d);
		for (uint32_t i = j + 1; i < n; i++) {
			double s = a[i * n + j];

			for (uint32_t k = 0; k < j; k++)
				s -= l[i][k] * l[j][k];
			l[i][j] = s / l[j][j];
		}
	}
	for (uint32_t j = 0; j < n; j++) {
		double s = b[j];

		if (!kept[j]) {
			y[j] = 0.0;
			continue;
		}
		for (uint32_t k = 0; k < j; k++)
			s -= l[j][k] * y[k];
		y[j] = s / l[j][j];
	}
	for (uint32_t j = n; j-- > 0;) {
		double s = y[j];

		if (!kept[j]) {
			x[j] = 0.0;
			continue;
		}
		for (uint32_t k = j + 1; k < n; k++)
			s -= l[k][j] * x[k];
		x[j] = s / l[j][j];
	}
}
