/*
 * A fixed set of worker threads that run one job at a time, split into as
 * many parts as there are threads (the caller's thread runs part 0). Used by
 * the CPU executor to split matrix rows.
 */
#ifndef FLLM_ENGINE_THREADPOOL_H
#define FLLM_ENGINE_THREADPOOL_H

#include <stdint.h>

#include "fllm/fllm.h"

#define FLLM_THREADS_MAX 256

struct fllm_threadpool;

typedef void (*fllm_job_fn)(void *arg, uint32_t part, uint32_t n_parts);

/* n_threads in 1..FLLM_THREADS_MAX (1: no workers, jobs run inline). */
fllm_status fllm_threadpool_create(uint32_t n_threads, struct fllm_threadpool **out);
void fllm_threadpool_free(struct fllm_threadpool *pool);
uint32_t fllm_threadpool_size(const struct fllm_threadpool *pool);
/* Run fn(arg, part, n) for every part in [0, n) and return when all are done. */
void fllm_threadpool_run(struct fllm_threadpool *pool, fllm_job_fn fn, void *arg);

#endif /* FLLM_ENGINE_THREADPOOL_H */
