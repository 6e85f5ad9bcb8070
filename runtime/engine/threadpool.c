/*
 * Worker threads for the CPU executor. A job is published under the mutex
 * with a new generation number; each worker runs its part and the last one
 * to finish wakes the caller. Sleeping on condition variables (no spinning)
 * keeps idle workers off shared cores.
 */
#include "threadpool.h"

#include <assert.h>
#include <pthread.h>
#include <stdlib.h>

struct fllm_worker {
	struct fllm_threadpool *pool;
	uint32_t part;
	pthread_t thread;
};

struct fllm_threadpool {
	uint32_t n;			/* parts per job = workers + the caller */
	pthread_mutex_t lock;
	pthread_cond_t start;		/* a new generation or shutdown */
	pthread_cond_t done;		/* pending reached 0 */
	uint64_t generation;
	uint32_t pending;		/* workers still running the job */
	int stop;
	fllm_job_fn fn;
	void *arg;
	struct fllm_worker *workers;	/* (n - 1) */
	uint32_t started;		/* workers created */
};

/* Wait for each generation, run our part, report completion. */
static void *worker_main(void *p)
{
	struct fllm_worker *w = p;
	struct fllm_threadpool *pool = w->pool;
	uint64_t seen = 0;

	pthread_mutex_lock(&pool->lock);
	for (;;) {
		while (!pool->stop && pool->generation == seen)
			pthread_cond_wait(&pool->start, &pool->lock);
		if (pool->stop)
			break;
		seen = pool->generation;
		pthread_mutex_unlock(&pool->lock);
		pool->fn(pool->arg, w->part, pool->n);
		pthread_mutex_lock(&pool->lock);
		if (--pool->pending == 0)
			pthread_cond_signal(&pool->done);
	}
	pthread_mutex_unlock(&pool->lock);
	return NULL;
}

fllm_status fllm_threadpool_create(uint32_t n_threads, struct fllm_threadpool **out)
{
	struct fllm_threadpool *pool;

	*out = NULL;
	if (!n_threads || n_threads > FLLM_THREADS_MAX)
		return FLLM_E_INVALID_ARG;
	pool = calloc(1, sizeof(*pool));
	if (!pool)
		return FLLM_E_NO_MEMORY;
	pool->n = n_threads;
	pool->workers = calloc(n_threads, sizeof(*pool->workers));
	if (!pool->workers) {
		free(pool);
		return FLLM_E_NO_MEMORY;
	}
	pthread_mutex_init(&pool->lock, NULL);
	pthread_cond_init(&pool->start, NULL);
	pthread_cond_init(&pool->done, NULL);
	for (uint32_t i = 1; i < n_threads; i++) {
		struct fllm_worker *w = &pool->workers[i - 1];

		w->pool = pool;
		w->part = i;
		if (pthread_create(&w->thread, NULL, worker_main, w)) {
			fllm_threadpool_free(pool);
			return FLLM_E_NO_MEMORY;
		}
		pool->started++;
	}
	*out = pool;
	return FLLM_OK;
}

/* Stop and join the workers that were started. */
void fllm_threadpool_free(struct fllm_threadpool *pool)
{
	if (!pool)
		return;
	pthread_mutex_lock(&pool->lock);
	pool->stop = 1;
	pthread_cond_broadcast(&pool->start);
	pthread_mutex_unlock(&pool->lock);
	for (uint32_t i = 0; i < pool->started; i++)
		pthread_join(pool->workers[i].thread, NULL);
	pthread_cond_destroy(&pool->done);
	pthread_cond_destroy(&pool->start);
	pthread_mutex_destroy(&pool->lock);
	free(pool->workers);
	free(pool);
}

uint32_t fllm_threadpool_size(const struct fllm_threadpool *pool)
{
	return pool->n;
}

void fllm_threadpool_run(struct fllm_threadpool *pool, fllm_job_fn fn, void *arg)
{
	if (pool->n == 1) {
		fn(arg, 0, 1);
		return;
	}
	pthread_mutex_lock(&pool->lock);
	assert(!pool->pending && "threadpool jobs do not nest");
	pool->fn = fn;
	pool->arg = arg;
	pool->pending = pool->n - 1;
	pool->generation++;
	pthread_cond_broadcast(&pool->start);
	pthread_mutex_unlock(&pool->lock);
	fn(arg, 0, pool->n);
	pthread_mutex_lock(&pool->lock);
	while (pool->pending)
		pthread_cond_wait(&pool->done, &pool->lock);
	pthread_mutex_unlock(&pool->lock);
}
