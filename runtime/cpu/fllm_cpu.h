/*
 * Host kernels: the card's integer LUT-GEMM on the CPU, bit for bit, plus the
 * fp32 baselines it is measured against.
 *
 * A context (fllm_cpu_ctx) owns the chosen instruction-set variant, a small
 * persistent thread pool and every scratch buffer, all sized at creation for
 * the largest shapes (docs/numerics.md limits), so no kernel call allocates.
 * One context runs one call at a time (calls on it must not overlap).
 *
 * Integer kernel inputs are exactly the card's: row records of
 * docs/numerics.md 5.1 (rows interleaved over slices as in 5.2) and the
 * quantized activations of section 2 (ex, msx, xq as fllm_lutgemm_act_quantize
 * writes them). Output y[n][r] equals what fllm_hls_lutgemm_unit() stores.
 *
 * This is a runtime-internal header (tests and benchmarks reach it through
 * the fllm_internal target); it is not installed.
 */
#ifndef FLLM_CPU_H
#define FLLM_CPU_H

#include <stddef.h>
#include <stdint.h>

#include "fllm/fllm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Instruction-set variants of the kernels. */
enum fllm_cpu_isa {
	FLLM_CPU_ISA_AUTO = 0,		/* FLLM_CPU_ISA from the environment, else the best */
	FLLM_CPU_ISA_PORTABLE = 1,	/* plain C (LUT-GEMM through 256-entry tables) */
	FLLM_CPU_ISA_AVX2 = 2,		/* AVX2 + FMA + BMI2: table lookups on packed rows */
	FLLM_CPU_ISA_AVX512 = 3,	/* AVX-512 F, BW, VL, DQ (+ AVX2, FMA, BMI2) */
	FLLM_CPU_ISA_AVX512VBMI = 4,	/* AVX512 + VBMI + VNNI: table lookups on packed rows */
	FLLM_CPU_ISA_COUNT
};

/* Environment variable that forces a variant: portable, avx2, avx512, avx512vbmi or auto. */
#define FLLM_CPU_ISA_ENV "FLLM_CPU_ISA"
/* Most threads a context runs (callers included). */
#define FLLM_CPU_THREADS_MAX 256u

/* "portable", "avx2", "avx512", "avx512vbmi" ("auto" for AUTO, "?" for others). */
const char *fllm_cpu_isa_name(enum fllm_cpu_isa isa);
/* Parse one of the names above; FLLM_E_INVALID_ARG for anything else. */
fllm_status fllm_cpu_isa_parse(const char *name, enum fllm_cpu_isa *out);
/* 1 when this CPU (and OS) can run variant isa; PORTABLE always can. */
int fllm_cpu_isa_supported(enum fllm_cpu_isa isa);
/* The best variant this CPU runs. */
enum fllm_cpu_isa fllm_cpu_isa_best(void);

typedef struct fllm_cpu_ctx fllm_cpu_ctx;

typedef struct fllm_cpu_config {
	uint32_t threads;		/* 0 = every online CPU; else 1..FLLM_CPU_THREADS_MAX */
	enum fllm_cpu_isa isa;		/* FLLM_CPU_ISA_AUTO or a variant to force */
} fllm_cpu_config;

/*
 * Create a context. cfg may be NULL (threads 0, isa AUTO). A forced variant
 * (in cfg or in FLLM_CPU_ISA) that this CPU cannot run gives
 * FLLM_E_UNSUPPORTED; an unknown FLLM_CPU_ISA value or a thread count out of
 * range FLLM_E_INVALID_ARG; FLLM_E_NO_MEMORY when scratch or threads cannot
 * be had.
 */
fllm_status fllm_cpu_ctx_create(const fllm_cpu_config *cfg, fllm_cpu_ctx **out);
/* Make ctx a part of another object (the emu card's LUT-GEMM unit): no
 * longer a handle of its own in fllm_live_handles(). */
void fllm_cpu_ctx_disown(fllm_cpu_ctx *ctx);
void fllm_cpu_ctx_free(fllm_cpu_ctx *ctx);
enum fllm_cpu_isa fllm_cpu_ctx_isa(const fllm_cpu_ctx *ctx);
uint32_t fllm_cpu_ctx_threads(const fllm_cpu_ctx *ctx);

/*
 * Run fn(arg, index, count) once for every index in 0..count-1 on the
 * context's threads (count = its thread count; index 0 on the caller) and
 * return when all are done. For work that should share the kernels' threads
 * (a benchmark's bandwidth loop, an engine's vector ops).
 */
void fllm_cpu_ctx_run(fllm_cpu_ctx *ctx, void (*fn)(void *arg, uint32_t index, uint32_t count),
		      void *arg);

/* ------------------------------------------------------------------ */
/* Integer LUT-GEMM, bit-identical to the card                        */
/* ------------------------------------------------------------------ */

/* A BCQ weight matrix as card row records in host memory. */
typedef struct fllm_cpu_lutgemm_weights {
	uint32_t m;			/* rows, 1..2^24 */
	uint32_t k;			/* inputs, 1..65536 */
	uint32_t group;			/* g: 16, 32, 64, 128, 256 */
	uint32_t planes;		/* q: 1..8 */
	uint32_t flags;			/* FLLM_LUTGEMM_F_OFFSET or 0 */
	uint32_t slices;		/* 1..32, at most m */
	/*
	 * (slices) pointers; slice s holds fllm_lutgemm_slice_rows(m, slices, s)
	 * row records of fllm_lutgemm_row_bytes(k, group, planes) bytes; row r
	 * is record r / slices of slice r % slices. Any alignment.
	 */
	const uint8_t *const *slice;
} fllm_cpu_lutgemm_weights;

/* N quantized activation vectors (tokens), as fllm_lutgemm_act_quantize writes them. */
typedef struct fllm_cpu_lutgemm_acts {
	uint32_t n;			/* tokens, 1..32 */
	const int32_t *ex;		/* (n) token exponents */
	const uint16_t *msx;		/* (n, groups) group scale mantissas */
	/*
	 * (n, groups * group) int8, token-major; entries k >= K are ignored
	 * (treated as 0 whatever they hold, as on the card).
	 */
	const int8_t *xq;
} fllm_cpu_lutgemm_acts;

/* Bytes of the buffer fllm_cpu_lutgemm_acts_gather needs for n tokens of K = k, g. */
size_t fllm_cpu_lutgemm_acts_bytes(uint32_t n, uint32_t k, uint32_t g);

/*
 * The card's activation records of n tokens (token t's at rec + t * stride,
 * fllm_card_lutgemm.h's layout) gathered into buf (acts_bytes(n, k, g)) as
 * x, for fllm_cpu_lutgemm() and fllm_cpu_lutgemm_packed().
 */
void fllm_cpu_lutgemm_acts_gather(const uint8_t *rec, uint64_t stride, uint32_t n, uint32_t k,
				  uint32_t g, void *buf, fllm_cpu_lutgemm_acts *x);

/*
 * y[n][r] = the card's LUT-GEMM of w and x (docs/numerics.md 3), bit for bit.
 * y is (x->n, y_stride) fp32 with y_stride >= w->m; only y[n][0..m) is
 * written. The x->n tokens of a call share one pass over the weights (each
 * piece is used for every token while it is in cache); token n's outputs
 * are exactly those of a one-token call on token n. FLLM_E_INVALID_ARG
 * (nothing written) for a shape, flag, slice count or stride out of range.
 * Record contents are not checked: every bit pattern has the card's defined
 * result.
 */
fllm_status fllm_cpu_lutgemm(fllm_cpu_ctx *ctx, const fllm_cpu_lutgemm_weights *w,
			     const fllm_cpu_lutgemm_acts *x, float *y, size_t y_stride);

/*
 * A weight matrix prepared once (at upload time) for the context's variant.
 * The avx512vbmi and avx2 variants repack the row records into their own
 * layouts (16- and 32-row tiles whose bit-planes interleave the rows, scales
 * split out; see cpu_internal.h), about the size of the card records; the
 * other variants keep a view of the card records themselves. Either way
 * fllm_cpu_lutgemm_packed() gives exactly fllm_cpu_lutgemm()'s (and so the
 * card's) outputs for the same matrix.
 */
typedef struct fllm_cpu_lutgemm_pack fllm_cpu_lutgemm_pack;

/*
 * Prepare w for ctx's variant. The pack may refer to w's records (variants
 * without a layout of their own): keep them alive and unchanged until
 * fllm_cpu_lutgemm_pack_free(); w itself (the struct and the slice array)
 * is copied. FLLM_E_INVALID_ARG for a shape, flag or slice count out of
 * range, FLLM_E_NO_MEMORY when the repacked copy cannot be had.
 */
fllm_status fllm_cpu_lutgemm_pack_create(fllm_cpu_ctx *ctx, const fllm_cpu_lutgemm_weights *w,
					 fllm_cpu_lutgemm_pack **out);
/* Free a pack; NULL is a no-op. */
void fllm_cpu_lutgemm_pack_free(fllm_cpu_lutgemm_pack *pk);
/* Bytes of weights one GEMV on pk streams (repacked copy, or the card records). */
size_t fllm_cpu_lutgemm_pack_bytes(const fllm_cpu_lutgemm_pack *pk);
/* 1 when pk holds a repacked copy, 0 when it views the card records. */
int fllm_cpu_lutgemm_pack_is_copy(const fllm_cpu_lutgemm_pack *pk);

/*
 * fllm_cpu_lutgemm() on a prepared matrix: same x, y, y_stride rules, same
 * outputs bit for bit. pk must come from a context of the same variant
 * (FLLM_E_INVALID_ARG otherwise).
 */
fllm_status fllm_cpu_lutgemm_packed(fllm_cpu_ctx *ctx, const fllm_cpu_lutgemm_pack *pk,
				    const fllm_cpu_lutgemm_acts *x, float *y, size_t y_stride);

/*
 * Naive baseline: dequantize each row record to fp32 (w = (sum_i a_i b_i +
 * zq) * 2^-(E_r + d)), then an fp32 dot product with x (n, k) fp32 (no
 * activation quantization). y as above. Not bit-exact with anything; the
 * reference it is tested against is a double-precision dot product.
 */
fllm_status fllm_cpu_dequant_gemv(fllm_cpu_ctx *ctx, const fllm_cpu_lutgemm_weights *w,
				  uint32_t n, const float *x, size_t x_stride, float *y,
				  size_t y_stride);

/*
 * Dequantize row r of w into out (k) fp32, as fllm_cpu_dequant_gemv does.
 * Exposed for tests and for the engine's CPU fallback.
 */
void fllm_cpu_dequant_row(const fllm_cpu_lutgemm_weights *w, uint32_t r, float *out);

/* ------------------------------------------------------------------ */
/* fp32 reference GEMV                                                */
/* ------------------------------------------------------------------ */

/*
 * y[n][r] = sum_k W[r][k] * x[n][k] in fp32 with W (m, w_stride) row-major,
 * x (n, x_stride), y (n, y_stride); n 1..32, strides >= k (x, W) and >= m (y).
 * Vectorized and threaded by the context's variant; the summation order (and
 * so the last bits) differs between variants.
 */
fllm_status fllm_cpu_gemv_f32(fllm_cpu_ctx *ctx, uint32_t m, uint32_t k, const float *w,
			      size_t w_stride, uint32_t n, const float *x, size_t x_stride,
			      float *y, size_t y_stride);

/* The plain C reference: one thread, one accumulator per output, k in order. */
void fllm_cpu_gemv_f32_ref(uint32_t m, uint32_t k, const float *w, size_t w_stride,
			   uint32_t n, const float *x, size_t x_stride, float *y,
			   size_t y_stride);

/* ------------------------------------------------------------------ */
/* The card's vector and attention units on the host, bit for bit      */
/* ------------------------------------------------------------------ */

struct fllm_vector_onchip;
struct fllm_attention_onchip;

/*
 * Host twins of the golden functions fllm_vector_unit_run and
 * fllm_attention_unit_run (hls/, docs/numerics.md "Vector unit" and
 * "Attention unit"): same arguments, same result code (an enum
 * fllm_card_err value, 0 = FLLM_CARD_OK), same checks, the same bytes
 * written to mem and the same *nonfinite count, for every block and every
 * memory content; several times faster (docs/performance.md "Decode").
 * oc is scratch of the golden unit's on-chip type. Single-threaded; no
 * context needed (cpu-q calls them between its LUT-GEMM blocks).
 */
int fllm_cpu_vector_run(struct fllm_vector_onchip *oc, uint8_t *mem /* (mem_bytes) */,
			uint64_t mem_bytes, uint64_t params, uint64_t params_bytes,
			uint64_t *nonfinite);
int fllm_cpu_attention_run(struct fllm_attention_onchip *oc, uint8_t *mem /* (mem_bytes) */,
			   uint64_t mem_bytes, uint64_t params, uint64_t params_bytes,
			   uint64_t *nonfinite);

#ifdef __cplusplus
}
#endif

#endif /* FLLM_CPU_H */
