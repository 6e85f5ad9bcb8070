/*
 * Host-kernel contexts: pick the variant (config, then FLLM_CPU_ISA, then the
 * best the CPU runs), start the pool and allocate every scratch buffer for
 * the largest shapes, so that kernel calls never allocate.
 */
#include <assert.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu_internal.h"
#include "internal.h"


/* Variant to use: cfg's, else the environment's, else the best. */
static fllm_status ctx_pick_isa(enum fllm_cpu_isa asked, enum fllm_cpu_isa *out)
{
	const char *env = getenv(FLLM_CPU_ISA_ENV);

	if ((unsigned)asked >= FLLM_CPU_ISA_COUNT)
		return FLLM_E_INVALID_ARG;
	if (asked == FLLM_CPU_ISA_AUTO && env && *env) {
		if (fllm_cpu_isa_parse(env, &asked) != FLLM_OK)
			return FLLM_E_INVALID_ARG;
	}
	if (asked == FLLM_CPU_ISA_AUTO)
		asked = fllm_cpu_isa_best();
	if (!fllm_cpu_isa_supported(asked))
		return FLLM_E_UNSUPPORTED;
	*out = asked;
	return FLLM_OK;
}

/* Thread count: cfg's, or every online CPU (capped). */
static fllm_status ctx_pick_threads(uint32_t asked, uint32_t *out)
{
	long online;

	if (asked > FLLM_CPU_THREADS_MAX)
		return FLLM_E_INVALID_ARG;
	if (asked) {
		*out = asked;
		return FLLM_OK;
	}
	online = sysconf(_SC_NPROCESSORS_ONLN);
	*out = online < 1 ? 1 : online > (long)FLLM_CPU_THREADS_MAX ? FLLM_CPU_THREADS_MAX :
	       (uint32_t)online;
	return FLLM_OK;
}

/* Free the scratch of the first `count` threads. */
static void ctx_free_scratch(struct fllm_cpu_ctx *ctx, uint32_t count)
{
	for (uint32_t i = 0; i < count; i++) {
		free(ctx->scratch[i].tables);
		free(ctx->scratch[i].yacc);
		free(ctx->scratch[i].row);
	}
	free(ctx->scratch);
}

/* Per-thread and shared scratch for the limits of docs/numerics.md. */
static fllm_status ctx_alloc_scratch(struct fllm_cpu_ctx *ctx)
{
	const size_t tables = (size_t)FLLM_LUTGEMM_N_MAX * (FLLM_LUTGEMM_G_MAX / 8) * 256;
	uint32_t i;

	ctx->xq_stride = FLLM_LUTGEMM_K_MAX + FLLM_CPU_XQ_PAD;
	ctx->xq = aligned_alloc(64, FLLM_LUTGEMM_N_MAX * ctx->xq_stride);
	ctx->sums = malloc((size_t)FLLM_LUTGEMM_N_MAX * FLLM_LUTGEMM_GROUPS_MAX *
			   sizeof(*ctx->sums));
	ctx->scratch = calloc(ctx->threads, sizeof(*ctx->scratch));
	if (ctx->kern->lutgemm_tables)	/* 16 MiB, touched only as far as calls use it */
		ctx->tabs = aligned_alloc(64, (size_t)FLLM_LUTGEMM_N_MAX *
					  (FLLM_LUTGEMM_K_MAX / 32) * FLLM_CPU_LV_TAB_LINE);
	if (!ctx->xq || !ctx->sums || !ctx->scratch || (ctx->kern->lutgemm_tables && !ctx->tabs))
		goto err_free_shared;
	for (i = 0; i < ctx->threads; i++) {
		struct fllm_cpu_scratch *s = &ctx->scratch[i];

		s->tables = aligned_alloc(64, tables * sizeof(*s->tables));
		s->yacc = malloc((size_t)FLLM_CPU_TILE_ROWS * FLLM_LUTGEMM_N_MAX *
				 sizeof(*s->yacc));
		s->row = aligned_alloc(64, (size_t)FLLM_LUTGEMM_K_MAX * sizeof(*s->row));
		if (!s->tables || !s->yacc || !s->row)
			goto err_free_threads;
	}
	return FLLM_OK;

err_free_threads:
	ctx_free_scratch(ctx, i + 1);
	ctx->scratch = NULL;
err_free_shared:
	free(ctx->scratch);
	free(ctx->tabs);
	free(ctx->sums);
	free(ctx->xq);
	return FLLM_E_NO_MEMORY;
}

/* Create a context: variant, scratch, pool. */
fllm_status fllm_cpu_ctx_create(const fllm_cpu_config *cfg, fllm_cpu_ctx **out)
{
	fllm_cpu_config def = { 0, FLLM_CPU_ISA_AUTO };
	struct fllm_cpu_ctx *ctx;
	fllm_status st;

	assert(out);
	if (!cfg)
		cfg = &def;
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return FLLM_E_NO_MEMORY;
	st = ctx_pick_isa(cfg->isa, &ctx->isa);
	if (st == FLLM_OK)
		st = ctx_pick_threads(cfg->threads, &ctx->threads);
	if (st != FLLM_OK)
		goto err_free_ctx;
	ctx->kern = fllm_cpu_kernels_get(ctx->isa);
	st = ctx_alloc_scratch(ctx);
	if (st != FLLM_OK)
		goto err_free_ctx;
	st = fllm_threadpool_create(ctx->threads, &ctx->pool);
	if (st != FLLM_OK)
		goto err_free_scratch;
	ctx->counted = 1;
	fllm_handle_add(FLLM_HANDLE_CPU_CTX);
	*out = ctx;
	return FLLM_OK;

err_free_scratch:
	ctx_free_scratch(ctx, ctx->threads);
	free(ctx->tabs);
	free(ctx->sums);
	free(ctx->xq);
err_free_ctx:
	free(ctx);
	return st;
}

/* See fllm_cpu.h. */
void fllm_cpu_ctx_disown(fllm_cpu_ctx *ctx)
{
	if (ctx->counted)
		fllm_handle_del(FLLM_HANDLE_CPU_CTX);
	ctx->counted = 0;
}

/* Stop the pool and free everything; NULL is a no-op. */
void fllm_cpu_ctx_free(fllm_cpu_ctx *ctx)
{
	if (!ctx)
		return;
	fllm_threadpool_free(ctx->pool);
	ctx_free_scratch(ctx, ctx->threads);
	free(ctx->tabs);
	free(ctx->sums);
	free(ctx->xq);
	if (ctx->counted)
		fllm_handle_del(FLLM_HANDLE_CPU_CTX);
	free(ctx);
}

/* The variant the context runs. */
enum fllm_cpu_isa fllm_cpu_ctx_isa(const fllm_cpu_ctx *ctx)
{
	assert(ctx);
	return ctx->isa;
}

/* Threads of the context, the caller included. */
uint32_t fllm_cpu_ctx_threads(const fllm_cpu_ctx *ctx)
{
	assert(ctx);
	return ctx->threads;
}

/* Run fn on every thread of the context's pool. */
void fllm_cpu_ctx_run(fllm_cpu_ctx *ctx, void (*fn)(void *arg, uint32_t index, uint32_t count),
		      void *arg)
{
	assert(ctx && fn);
	fllm_threadpool_run(ctx->pool, fn, arg);
}

/* See fllm.h: what ctx_pick_isa chooses for a context that forces nothing. */
const char *fllm_cpu_isa_default(void)
{
	enum fllm_cpu_isa isa;

	if (ctx_pick_isa(FLLM_CPU_ISA_AUTO, &isa) != FLLM_OK)
		return "invalid";
	return fllm_cpu_isa_name(isa);
}
