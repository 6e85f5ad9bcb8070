/*
 * The runtime's thread pool: threads - 1 persistent workers and the calling
 * thread run one job at a time, split into one part per thread. Shared by
 * the engine's executors and the host kernels (runtime/cpu).
 */
#ifndef FLLM_CORE_THREADPOOL_H
#define FLLM_CORE_THREADPOOL_H

#include <stdint.h>

#include "fllm/fllm.h"

#define FLLM_THREADS_MAX 256

struct fllm_threadpool;

/* One part of a job: part in [0, n_parts); part 0 runs on the caller. */
typedef void (*fllm_job_fn)(void *arg, uint32_t part, uint32_t n_parts);

/* threads in 1..FLLM_THREADS_MAX (1: no workers, jobs run inline);
 * FLLM_E_NO_MEMORY if memory or a thread is refused. */
fllm_status fllm_threadpool_create(uint32_t threads, struct fllm_threadpool **out);
/* Stop the workers and free the pool; NULL is a no-op. */
void fllm_threadpool_free(struct fllm_threadpool *pool);
uint32_t fllm_threadpool_size(const struct fllm_threadpool *pool);
/* Run fn(arg, part, n) for every part and return when all are done. */
void fllm_threadpool_run(struct fllm_threadpool *pool, fllm_job_fn fn, void *arg);

#endif /* FLLM_CORE_THREADPOOL_H */
