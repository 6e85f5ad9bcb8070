/*
 * The BCQ quantizer driver: option checks, the per-group choice between the
 * greedy and the uniform start, and the split of rows over pthreads. Every
 * row is fitted independently and the statistics are summed in row order,
 * so the result is the same bit for bit for any thread count.
 */
#include <assert.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bcq_internal.h"

#define BCQ_THREADS_MAX 256
#define BCQ_ITERATIONS_MAX 1000

/* Sums of one row, reduced in row order after the workers finish. */
struct bcq_row_stats {
	double sse_start[2], sse_refined[2], sse, norm2;
	uint32_t wins[2], ties;
};

/* State shared by the workers of one fllm_bcq_quantize call. */
struct bcq_job {
	const float *w;			/* (rows, cols) row-major fp32 */
	const fllm_bcq_options *opt;
	fllm_bcq *m;
	struct bcq_row_stats *row_stats;	/* (rows) */
	pthread_mutex_t lock;		/* guards next_row, rows_done, progress calls */
	uint32_t next_row, rows_done;
};

/* Defaults documented in fllm_bcq.h. */
void fllm_bcq_options_init(fllm_bcq_options *opt)
{
	memset(opt, 0, sizeof(*opt));
	opt->planes = 3;
	opt->group = 128;
	opt->offset = 1;
	opt->init = FLLM_BCQ_INIT_BEST;
	opt->center = FLLM_BCQ_CENTER_MIDRANGE;
	opt->iterations = 20;
	opt->threads = 1;
}

/* Check options and weights; everything here comes from outside. */
static fllm_status bcq_check(const float *w, uint32_t rows, uint32_t cols,
			     const fllm_bcq_options *opt)
{
	size_t n = (size_t)rows * cols;

	if (!rows || !cols || !opt->planes || opt->planes > FLLM_BCQ_PLANES_MAX ||
	    !bcq_group_valid(opt->group) || opt->iterations > BCQ_ITERATIONS_MAX ||
	    opt->threads > BCQ_THREADS_MAX)
		return FLLM_E_INVALID_ARG;
	if (opt->init != FLLM_BCQ_INIT_BEST && opt->init != FLLM_BCQ_INIT_GREEDY &&
	    opt->init != FLLM_BCQ_INIT_UNIFORM)
		return FLLM_E_INVALID_ARG;
	if (opt->center != FLLM_BCQ_CENTER_MEAN && opt->center != FLLM_BCQ_CENTER_MIDRANGE)
		return FLLM_E_INVALID_ARG;
	for (size_t i = 0; i < n; i++)
		if (!(fabsf(w[i]) <= FLLM_BCQ_WEIGHT_MAX))	/* also catches NaN */
			return FLLM_E_INVALID_ARG;
	return FLLM_OK;
}

/* Store a group's fit at (row, group index gi) of m; the sign bits start at 0. */
static void bcq_store_group(fllm_bcq *m, uint32_t row, uint32_t gi, uint32_t n,
			    const struct bcq_fit *fit)
{
	size_t gidx = (size_t)row * m->groups + gi;
	uint32_t k0 = gi * m->group;

	memcpy(m->alpha + gidx * m->planes, fit->alpha, m->planes * sizeof(float));
	if (m->offset)
		m->offset[gidx] = fit->z;
	for (uint32_t i = 0; i < m->planes; i++) {
		uint8_t *plane = m->bits + ((size_t)row * m->planes + i) * m->row_bytes;

		for (uint32_t k = 0; k < n; k++)
			if ((fit->code[k] >> i) & 1)
				plane[(k0 + k) / 8] |= (uint8_t)(1u << ((k0 + k) % 8));
	}
}

/*
 * Fit every group of one row: each requested start, its ALS refinement, and
 * the better of the two (uniform on a tie). Groups cover only the real
 * inputs; the last one is short when g does not divide K.
 */
static void bcq_quantize_row(struct bcq_job *job, uint32_t row)
{
	const fllm_bcq_options *opt = job->opt;
	fllm_bcq *m = job->m;
	struct bcq_row_stats *st = &job->row_stats[row];
	struct bcq_fit fit[2];

	memset(st, 0, sizeof(*st));
	for (uint32_t gi = 0; gi < m->groups; gi++) {
		uint32_t k0 = gi * m->group;
		uint32_t n = m->cols - k0 < m->group ? m->cols - k0 : m->group;
		const float *w = job->w + (size_t)row * m->cols + k0;	/* (n) */
		int run[2], pick;

		run[0] = opt->init != FLLM_BCQ_INIT_UNIFORM;
		run[1] = opt->init != FLLM_BCQ_INIT_GREEDY;
		if (run[0])
			bcq_fit_greedy(w, n, m->planes, opt->offset, opt->center, &fit[0]);
		if (run[1])
			bcq_fit_uniform(w, n, m->planes, opt->offset, &fit[1]);
		for (int s = 0; s < 2; s++) {
			if (!run[s])
				continue;
			st->sse_start[s] += fit[s].sse;
			bcq_fit_refine(w, n, m->planes, opt->offset, opt->iterations, &fit[s]);
			st->sse_refined[s] += fit[s].sse;
		}
		if (run[0] && run[1]) {
			pick = fit[1].sse <= fit[0].sse;
			if (fit[1].sse == fit[0].sse)
				st->ties++;
			else
				st->wins[pick]++;
		} else {
			pick = run[1];
			st->wins[pick]++;
		}
		bcq_fit_canonicalize(n, m->planes, &fit[pick]);
		st->sse += fit[pick].sse;
		for (uint32_t k = 0; k < n; k++)
			st->norm2 += (double)w[k] * w[k];
		bcq_store_group(m, row, gi, n, &fit[pick]);
	}
}

/* Worker: take rows one at a time until none are left; report progress. */
static void *bcq_worker(void *arg)
{
	struct bcq_job *job = arg;

	for (;;) {
		uint32_t row;

		pthread_mutex_lock(&job->lock);
		row = job->next_row;
		if (row < job->m->rows)
			job->next_row++;
		pthread_mutex_unlock(&job->lock);
		if (row >= job->m->rows)
			break;
		bcq_quantize_row(job, row);
		pthread_mutex_lock(&job->lock);
		job->rows_done++;
		if (job->opt->progress)
			job->opt->progress(job->opt->progress_user, job->rows_done, job->m->rows);
		pthread_mutex_unlock(&job->lock);
	}
	return NULL;
}

/* Sum the per-row statistics in row order (deterministic). */
static void bcq_stats_reduce(const struct bcq_job *job, fllm_bcq_stats *stats)
{
	memset(stats, 0, sizeof(*stats));
	stats->groups = (uint64_t)job->m->rows * job->m->groups;
	for (uint32_t r = 0; r < job->m->rows; r++) {
		const struct bcq_row_stats *st = &job->row_stats[r];

		for (int s = 0; s < 2; s++) {
			stats->wins[s] += st->wins[s];
			stats->sse_start[s] += st->sse_start[s];
			stats->sse_refined[s] += st->sse_refined[s];
		}
		stats->ties += st->ties;
		stats->sse += st->sse;
		stats->norm2 += st->norm2;
	}
}

/* Number of workers: the option, or the online CPUs for 0; never above rows. */
static uint32_t bcq_thread_count(const fllm_bcq_options *opt, uint32_t rows)
{
	long n = opt->threads;

	if (!n) {
		n = sysconf(_SC_NPROCESSORS_ONLN);
		if (n < 1)
			n = 1;
		if (n > BCQ_THREADS_MAX)
			n = BCQ_THREADS_MAX;
	}
	return (uint32_t)n < rows ? (uint32_t)n : rows;
}

/*
 * Quantize w into a new matrix (see fllm_bcq.h). The calling thread works
 * too; if a worker thread cannot be started the others take its rows.
 */
fllm_status fllm_bcq_quantize(const float *w, uint32_t rows, uint32_t cols,
			      const fllm_bcq_options *opt, fllm_bcq **out, fllm_bcq_stats *stats)
{
	pthread_t tid[BCQ_THREADS_MAX];
	struct bcq_job job = { .w = w, .opt = opt };
	uint32_t threads, started = 0;
	fllm_status st;

	assert(w && opt && out);
	*out = NULL;
	st = bcq_check(w, rows, cols, opt);
	if (st)
		return st;
	st = fllm_bcq_alloc(rows, cols, opt->group, opt->planes, opt->offset, &job.m);
	if (st)
		return st;
	job.row_stats = calloc(rows, sizeof(*job.row_stats));
	if (!job.row_stats) {
		st = FLLM_E_NO_MEMORY;
		goto err_free_matrix;
	}
	if (pthread_mutex_init(&job.lock, NULL)) {
		st = FLLM_E_NO_MEMORY;
		goto err_free_stats;
	}
	threads = bcq_thread_count(opt, rows);
	for (uint32_t t = 1; t < threads; t++)
		if (!pthread_create(&tid[started], NULL, bcq_worker, &job))
			started++;
	bcq_worker(&job);
	for (uint32_t t = 0; t < started; t++)
		pthread_join(tid[t], NULL);
	pthread_mutex_destroy(&job.lock);
	if (stats)
		bcq_stats_reduce(&job, stats);
	free(job.row_stats);
	*out = job.m;
	return FLLM_OK;

err_free_stats:
	free(job.row_stats);
err_free_matrix:
	fllm_bcq_free(job.m);
	return st;
}
