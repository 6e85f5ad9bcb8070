/*
 * The runtime's thread pool (engine executors, host kernels): threads - 1 workers wait for a job, the
 * caller takes index 0 itself. A GEMV on a large matrix lasts a fraction of
 * a millisecond, so workers spin briefly on the job counter before they
 * sleep on a condition variable: a decode loop's back-to-back calls then
 * start without a wake-up system call.
 */
#include <assert.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "threadpool.h"

/* Polls of the job counter before a worker sleeps (about 50-100 us). */
#define POOL_SPIN 20000u

struct fllm_threadpool_worker {
	struct fllm_threadpool *pool;
	pthread_t tid;
	uint32_t index;
};

struct fllm_threadpool {
	uint32_t threads;
	struct fllm_threadpool_worker *workers;	/* (threads - 1) */
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_cond_t done;
	atomic_uint_fast64_t job;		/* job number, bumped per run */
	atomic_uint pending;			/* workers still on the job */
	atomic_int stop;
	fllm_job_fn fn;			/* written before job is bumped */
	void *arg;
};

/* A polite spin: tells the core a loop is waiting. */
static inline void pool_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

/* Worker: wait for a job number above the last one seen, run it, report. */
static void *pool_worker(void *p)
{
	struct fllm_threadpool_worker *wk = p;
	struct fllm_threadpool *pool = wk->pool;
	uint_fast64_t seen = 0;

	for (;;) {
		uint32_t spin = 0;

		while (atomic_load_explicit(&pool->job, memory_order_acquire) == seen &&
		       !atomic_load(&pool->stop) && spin++ < POOL_SPIN)
			pool_relax();
		pthread_mutex_lock(&pool->lock);
		while (atomic_load(&pool->job) == seen && !atomic_load(&pool->stop))
			pthread_cond_wait(&pool->wake, &pool->lock);
		pthread_mutex_unlock(&pool->lock);
		if (atomic_load(&pool->stop))
			return NULL;
		seen = atomic_load(&pool->job);
		pool->fn(pool->arg, wk->index, pool->threads);
		if (atomic_fetch_sub_explicit(&pool->pending, 1, memory_order_acq_rel) == 1) {
			pthread_mutex_lock(&pool->lock);
			pthread_cond_signal(&pool->done);
			pthread_mutex_unlock(&pool->lock);
		}
	}
}

/* Stop and join the first `started` workers. */
static void pool_stop(struct fllm_threadpool *pool, uint32_t started)
{
	pthread_mutex_lock(&pool->lock);
	atomic_store(&pool->stop, 1);
	pthread_cond_broadcast(&pool->wake);
	pthread_mutex_unlock(&pool->lock);
	for (uint32_t i = 0; i < started; i++)
		pthread_join(pool->workers[i].tid, NULL);
}

/* Start threads - 1 workers; FLLM_E_NO_MEMORY if memory or a thread is refused. */
fllm_status fllm_threadpool_create(uint32_t threads, struct fllm_threadpool **out)
{
	struct fllm_threadpool *pool;
	uint32_t i;

	assert(threads >= 1 && threads <= FLLM_THREADS_MAX && out);
	pool = calloc(1, sizeof(*pool));
	if (!pool)
		return FLLM_E_NO_MEMORY;
	pool->threads = threads;
	pthread_mutex_init(&pool->lock, NULL);
	pthread_cond_init(&pool->wake, NULL);
	pthread_cond_init(&pool->done, NULL);
	if (threads > 1) {
		pool->workers = calloc(threads - 1, sizeof(*pool->workers));
		if (!pool->workers)
			goto err_free_pool;
	}
	for (i = 0; i + 1 < threads; i++) {
		pool->workers[i].pool = pool;
		pool->workers[i].index = i + 1;
		if (pthread_create(&pool->workers[i].tid, NULL, pool_worker, &pool->workers[i]))
			goto err_stop_workers;
	}
	*out = pool;
	return FLLM_OK;

err_stop_workers:
	pool_stop(pool, i);
	free(pool->workers);
err_free_pool:
	pthread_cond_destroy(&pool->done);
	pthread_cond_destroy(&pool->wake);
	pthread_mutex_destroy(&pool->lock);
	free(pool);
	return FLLM_E_NO_MEMORY;
}

/* Stop the workers and free the pool; NULL is a no-op. */
void fllm_threadpool_free(struct fllm_threadpool *pool)
{
	if (!pool)
		return;
	pool_stop(pool, pool->threads - 1);
	free(pool->workers);
	pthread_cond_destroy(&pool->done);
	pthread_cond_destroy(&pool->wake);
	pthread_mutex_destroy(&pool->lock);
	free(pool);
}

/* Hand fn to every worker, run index 0 here, wait for the rest. */
void fllm_threadpool_run(struct fllm_threadpool *pool, fllm_job_fn fn, void *arg)
{
	uint32_t spin = 0;

	if (pool->threads == 1) {
		fn(arg, 0, 1);
		return;
	}
	pool->fn = fn;
	pool->arg = arg;
	atomic_store(&pool->pending, pool->threads - 1);
	pthread_mutex_lock(&pool->lock);
	atomic_fetch_add_explicit(&pool->job, 1, memory_order_release);
	pthread_cond_broadcast(&pool->wake);
	pthread_mutex_unlock(&pool->lock);
	fn(arg, 0, pool->threads);
	while (atomic_load_explicit(&pool->pending, memory_order_acquire) && spin++ < POOL_SPIN)
		pool_relax();
	pthread_mutex_lock(&pool->lock);
	while (atomic_load(&pool->pending))
		pthread_cond_wait(&pool->done, &pool->lock);
	pthread_mutex_unlock(&pool->lock);
}

/* Parts each job is split into: the workers and the caller. */
uint32_t fllm_threadpool_size(const struct fllm_threadpool *pool)
{
	return pool->threads;
}
