/*
 * bench_batch: the card decoder's attention and batched decode
 * (docs/performance.md "Batched decode").
 *
 * 1. The attention unit against context length: one DECODE command (Llama
 *    2 7B head shapes: 32 query and 32 kv heads of 128) over a KV cache of
 *    C positions, run by the unit's golden function on a host image; its
 *    modeled card time (the unit's cycle model at 300 MHz) and card-memory
 *    bytes, against fp32 attention over the same context on the host (the
 *    baseline, measured in the same run).
 * 2. Batched decode on the emulated card: a synthetic model with those head
 *    shapes (--heads fewer for a quick run) at reduced depth and FFN width
 *    (written as a llama2.c file,
 *    quantized q4 g32 once), 16 sequences prefilled to each context C, then
 *    greedy decode steps of batch B = 1, 4, 16 (the first B sequences):
 *    tokens/s, command lists and weight and card-memory bytes per generated
 *    token from the card model's counters, each against batch 1 at the
 *    same context.
 *
 * Figures are medians over repeats. --full adds context 2048 (its prefill
 * runs the attention model over 16 x 2048 positions: minutes).
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "bench_util.h"
#include "fllm/fllm.h"
#include "fllm/fllm_model.h"
#include "fllm_attention.h"
#include "fllm_cardpack.h"

#define BB_HEADS 32u
#define BB_HEAD_DIM 128u
#define BB_BLOCK 16u
#define BB_CLOCK_MHZ 300.0
#define BB_SEQS 16u
#define BB_REPEATS_MAX 32

struct bb_cfg {
	uint64_t heads, layers, hidden, tokens, repeats;
	int json, smoke, full;
};

/* xorshift64: the bench's data, deterministic. */
static uint64_t bb_rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static float bb_f32(uint64_t *s)
{
	return (float)((double)(bb_rng(s) >> 11) / 9007199254740992.0) - 0.5f;
}

/* fp32 attention of one query row over ctx positions (the baseline). */
static void bb_attn_f32(const float *q, const float *k, const float *v, uint32_t ctx,
			float *att, float *out)
{
	uint32_t d = BB_HEAD_DIM, dim = BB_HEADS * BB_HEAD_DIM;
	float scale = 1.0f / sqrtf((float)d);

	for (uint32_t h = 0; h < BB_HEADS; h++) {
		float mx = -INFINITY, sum = 0.0f;

		for (uint32_t t = 0; t < ctx; t++) {
			float s = 0.0f;

			for (uint32_t j = 0; j < d; j++)
				s += q[h * d + j] * k[(size_t)t * dim + h * d + j];
			att[t] = s * scale;
			mx = att[t] > mx ? att[t] : mx;
		}
		for (uint32_t t = 0; t < ctx; t++) {
			att[t] = expf(att[t] - mx);
			sum += att[t];
		}
		for (uint32_t j = 0; j < d; j++) {
			float o = 0.0f;

			for (uint32_t t = 0; t < ctx; t++)
				o += att[t] * v[(size_t)t * dim + h * d + j];
			out[h * d + j] = o / sum;
		}
	}
}

/* One context length: the golden unit's time, cycles and bytes, and fp32. */
static int bb_attention_one(const struct bb_cfg *cfg, uint32_t ctx)
{
	uint32_t dim = BB_HEADS * BB_HEAD_DIM, blocks = (ctx + BB_BLOCK - 1) / BB_BLOCK;
	uint64_t bb = fllm_attention_block_bytes(BB_HEADS, BB_BLOCK, BB_HEAD_DIM);
	uint64_t q_at = 4096, tab = q_at + 4ull * dim;
	uint64_t desc = (tab + 4ull * blocks + 63) & ~63ull, out = desc + 64;
	uint64_t params = out + 4ull * dim, kv = params + 256;
	uint64_t mem_bytes = kv + blocks * bb, seed = ctx, nf;
	double host[BB_REPEATS_MAX], base[BB_REPEATS_MAX];
	struct fllm_attention_params p;
	struct fllm_attention_seq d = { ctx - 1, 1, 0, blocks, tab, 0 };
	struct fllm_attention_onchip *oc = malloc(sizeof(*oc));
	uint8_t *mem = calloc(1, mem_bytes);
	float *k = malloc(4ull * ctx * dim), *v = malloc(4ull * ctx * dim);
	float *att = malloc(4ull * ctx), *o = malloc(4ull * dim);
	uint64_t cycles, bytes;
	int rc = 0;

	if (!oc || !mem || !k || !v || !att || !o) {
		rc = -1;
		goto out;
	}
	for (uint64_t i = 0; i < blocks * bb; i++)
		mem[kv + i] = (uint8_t)bb_rng(&seed);
	/* scales in range: every (m, e) a mantissa with its top bit set, e 20 */
	for (uint32_t b = 0; b < blocks; b++)
		for (uint32_t h = 0; h < BB_HEADS; h++)
			for (uint32_t s = 0; s < BB_BLOCK; s++) {
				uint16_t m = 0x8000 | (uint16_t)bb_rng(&seed);
				int16_t e = 20;
				uint64_t at = kv + b * bb;

				memcpy(mem + at + fllm_attention_ks_offset(BB_HEADS, BB_BLOCK,
									   BB_HEAD_DIM, h, s), &m, 2);
				memcpy(mem + at + fllm_attention_ks_offset(BB_HEADS, BB_BLOCK,
									   BB_HEAD_DIM, h, s) + 2, &e, 2);
				memcpy(mem + at + fllm_attention_vs_offset(BB_HEADS, BB_BLOCK,
									   BB_HEAD_DIM, h, s), &m, 2);
				memcpy(mem + at + fllm_attention_vs_offset(BB_HEADS, BB_BLOCK,
									   BB_HEAD_DIM, h, s) + 2, &e, 2);
			}
	for (uint32_t b = 0; b < blocks; b++)
		memcpy(mem + tab + 4ull * b, &b, 4);
	for (uint32_t i = 0; i < dim; i++) {
		float x = bb_f32(&seed);

		memcpy(mem + q_at + 4ull * i, &x, 4);
	}
	for (uint64_t i = 0; i < (uint64_t)ctx * dim; i++) {
		k[i] = bb_f32(&seed);
		v[i] = bb_f32(&seed);
	}
	memcpy(mem + desc, &d, sizeof(d));
	fllm_attention_params_init(&p, FLLM_ATTN_OP_DECODE, 0, 0, BB_HEAD_DIM, BB_HEADS,
				   BB_HEADS, BB_BLOCK, 1, 1, blocks);
	p.q_addr = q_at;
	p.out_addr = out;
	p.kv_base = kv;
	p.seq_addr = desc;
	memcpy(mem + params, &p, sizeof(p));
	for (uint64_t r = 0; r < cfg->repeats; r++) {
		double t0 = bench_now();

		if (fllm_attention_unit_run(oc, mem, mem_bytes, params, sizeof(p), &nf) !=
		    FLLM_CARD_OK) {
			fprintf(stderr, "bench_batch: the attention unit refused its block\n");
			rc = -1;
			goto out;
		}
		host[r] = bench_now() - t0;
		t0 = bench_now();
		bb_attn_f32((const float *)(const void *)(mem + q_at), k, v, ctx, att, o);
		base[r] = bench_now() - t0;
	}
	cycles = fllm_attention_cycles(&p, mem);
	bytes = fllm_attention_traffic(&p, mem);
	{
		double hm = bench_median(host, cfg->repeats), bm = bench_median(base, cfg->repeats);
		double card_us = (double)cycles / BB_CLOCK_MHZ;

		if (cfg->json)
			printf("{\"bench\": \"attention\", \"context\": %u, \"card_cycles\": %" PRIu64
			       ", \"card_us\": %.2f, \"card_bytes\": %" PRIu64 ", \"model_us\": %.1f, "
			       "\"fp32_us\": %.1f, \"card_vs_fp32\": %.4f}\n", ctx, cycles, card_us,
			       bytes, hm * 1e6, bm * 1e6, bm > 0 ? card_us / (bm * 1e6) : 0.0);
		else
			printf("%8u %12" PRIu64 " %10.2f %12.1f %12.1f %12.1f %9.3fx\n", ctx, cycles,
			       card_us, (double)bytes / 1024, hm * 1e6, bm * 1e6,
			       bm > 0 ? card_us / (bm * 1e6) : 0.0);
	}
out:
	free(oc);
	free(mem);
	free(k);
	free(v);
	free(att);
	free(o);
	return rc;
}

/* Section 1 over every context length. */
static int bb_attention(const struct bb_cfg *cfg)
{
	static const uint32_t ctxs[] = { 16, 64, 256, 1024, 4096 };
	size_t n = cfg->smoke ? 2 : sizeof(ctxs) / sizeof(ctxs[0]);

	if (!cfg->json) {
		printf("attention unit, DECODE of one token: %u heads x %u, KV blocks of %u\n",
		       BB_HEADS, BB_HEAD_DIM, BB_BLOCK);
		printf("%8s %12s %10s %12s %12s %12s %10s\n", "context", "card cycles", "card us",
		       "card KiB", "C model us", "fp32 us", "card/fp32");
	}
	for (size_t i = 0; i < n; i++)
		if (bb_attention_one(cfg, ctxs[i]))
			return -1;
	return 0;
}

/* The synthetic model as a llama2.c file at path: header, then every
 * tensor's floats in the format's order (values uniform, small). */
static int bb_model_write(const struct bb_cfg *cfg, const char *path, uint32_t ctx)
{
	uint32_t dim = (uint32_t)cfg->heads * BB_HEAD_DIM, hd = BB_HEAD_DIM, vocab = 512;
	uint64_t L = cfg->layers, h = cfg->hidden, seed = 7;
	int32_t hdr[7] = { (int32_t)dim, (int32_t)h, (int32_t)L, (int32_t)cfg->heads,
			   (int32_t)cfg->heads, (int32_t)vocab, (int32_t)ctx };
	uint64_t counts[] = { (uint64_t)vocab * dim, L * dim, L * dim * dim, L * dim * dim,
			      L * dim * dim, L * dim * dim, L * dim, L * h * dim, L * dim * h,
			      L * h * dim, dim, (uint64_t)ctx * hd };
	float buf[4096];
	FILE *f = fopen(path, "wb");
	int bad = !f || fwrite(hdr, sizeof(hdr), 1, f) != 1;

	for (size_t t = 0; !bad && t < sizeof(counts) / sizeof(counts[0]); t++) {
		/* norms near 1; matrices scaled by 1/sqrt(cols) */
		int norm = t == 1 || t == 6 || t == 10;
		float scale = norm ? 0.2f : 2.0f / sqrtf(t == 8 ? (float)h : (float)dim);

		for (uint64_t i = 0; !bad && i < counts[t]; i += 4096) {
			size_t n = counts[t] - i < 4096 ? (size_t)(counts[t] - i) : 4096;

			for (size_t j = 0; j < n; j++)
				buf[j] = (norm ? 1.0f : 0.0f) + scale * bb_f32(&seed);
			bad = fwrite(buf, 4, n, f) != n;
		}
	}
	if (f && fclose(f))
		bad = 1;
	return bad ? -1 : 0;
}

/* One batch size's medians: host tokens/s, card-time tokens/s (the units'
 * cycles at BB_CLOCK_MHZ), LUT-GEMM card us per token, weight and card KiB
 * and command lists per token. */
struct bb_row {
	double tps, card_tps, lg_us, wkib, mkib, lists;
};

/* Decode steps of batch b from the first b sequences: medians into *out. */
static fllm_status bb_steps(const struct bb_cfg *cfg, fllm_context *c, const uint32_t *seqs,
			    uint32_t b, uint32_t vocab, struct bb_row *out)
{
	double t[BB_REPEATS_MAX], w[BB_REPEATS_MAX], mb[BB_REPEATS_MAX], l[BB_REPEATS_MAX];
	double ct[BB_REPEATS_MAX], lg[BB_REPEATS_MAX];
	int32_t next[BB_SEQS];
	fllm_status st = FLLM_OK;

	for (uint64_t r = 0; !st && r < cfg->repeats; r++) {
		fllm_context_stats s0, s1;
		double t0;

		fllm_context_stats_get(c, &s0);
		t0 = bench_now();
		for (uint64_t k = 0; !st && k < cfg->tokens; k++) {
			for (uint32_t i = 0; i < b; i++)
				next[i] = bench_argmax(fllm_context_seq_logits(c, seqs[i]), vocab);
			st = fllm_context_step(c, b, seqs, next);
		}
		t[r] = (double)(cfg->tokens * b) / (bench_now() - t0);
		fllm_context_stats_get(c, &s1);
		w[r] = (double)(s1.card_weight_bytes - s0.card_weight_bytes) / 1024 /
		       (double)(cfg->tokens * b);
		mb[r] = (double)(s1.card_mem_bytes - s0.card_mem_bytes) / 1024 /
			(double)(cfg->tokens * b);
		l[r] = (double)(s1.card_lists - s0.card_lists) / (double)(cfg->tokens * b);
		lg[r] = (double)(s1.card_lutgemm_cycles - s0.card_lutgemm_cycles) / BB_CLOCK_MHZ /
			(double)(cfg->tokens * b);
		ct[r] = (double)(cfg->tokens * b) * BB_CLOCK_MHZ * 1e6 /
			(double)(s1.card_lutgemm_cycles - s0.card_lutgemm_cycles +
				 s1.card_attention_cycles - s0.card_attention_cycles +
				 s1.card_vector_cycles - s0.card_vector_cycles + 1);
	}
	out->tps = bench_median(t, cfg->repeats);
	out->card_tps = bench_median(ct, cfg->repeats);
	out->lg_us = bench_median(lg, cfg->repeats);
	out->wkib = bench_median(w, cfg->repeats);
	out->mkib = bench_median(mb, cfg->repeats);
	out->lists = bench_median(l, cfg->repeats);
	return st;
}

/* Section 2 at context ctx: prefill the sequences, then each batch size. */
static fllm_status bb_decode_ctx(const struct bb_cfg *cfg, fllm_context *c, uint32_t *seqs,
				 uint32_t ctx, uint32_t vocab)
{
	static const uint32_t batches[] = { 1, 4, 16 };
	struct bb_row one = { 0 };
	int32_t *prompt = malloc(ctx * sizeof(*prompt));
	uint64_t seed = ctx;
	fllm_status st = prompt ? FLLM_OK : FLLM_E_NO_MEMORY;

	for (uint32_t s = 0; !st && s < BB_SEQS; s++) {
		if (s)
			fllm_context_seq_remove(c, seqs[s]);
		else
			fllm_context_reset(c);
		st = s ? fllm_context_seq_add(c, &seqs[s]) : FLLM_OK;
		for (uint32_t i = 0; i < ctx; i++)
			prompt[i] = (int32_t)(bb_rng(&seed) % vocab);
		if (!st)
			st = fllm_context_seq_eval(c, seqs[s], prompt, ctx);
	}
	free(prompt);
	for (size_t k = 0; !st && k < sizeof(batches) / sizeof(batches[0]); k++) {
		struct bb_row r;
		double vs, cvs, wvs;

		st = bb_steps(cfg, c, seqs, batches[k], vocab, &r);
		if (st)
			break;
		if (!k)
			one = r;
		vs = one.tps > 0 ? r.tps / one.tps : 0.0;
		cvs = one.card_tps > 0 ? r.card_tps / one.card_tps : 0.0;
		wvs = one.wkib > 0 ? r.wkib / one.wkib : 0.0;
		if (cfg->json)
			printf("{\"bench\": \"batch_decode\", \"context\": %u, \"batch\": %u, "
			       "\"tps\": %.2f, \"card_tps\": %.2f, \"lutgemm_us_per_token\": %.3f, "
			       "\"weight_kib_per_token\": %.2f, \"card_kib_per_token\": %.2f, "
			       "\"lists_per_token\": %.4f, \"tps_vs_batch1\": %.4f, "
			       "\"card_tps_vs_batch1\": %.4f, \"weight_reads_vs_batch1\": %.4f}\n",
			       ctx, batches[k], r.tps, r.card_tps, r.lg_us, r.wkib, r.mkib, r.lists,
			       vs, cvs, wvs);
		else
			printf("%8u %6u %9.1f %10.1f %9.2f %14.1f %13.1f %9.3f %8.2fx %8.2fx %8.3fx\n",
			       ctx, batches[k], r.tps, r.card_tps, r.lg_us, r.wkib, r.mkib, r.lists,
			       vs, cvs, wvs);
	}
	return st;
}

/* Section 2 over every context length. */
static int bb_decode(const struct bb_cfg *cfg)
{
	uint32_t ctxs[] = { 16, 256, 2048 }, n = cfg->full ? 3 : 2, max_ctx;
	char path[] = "/tmp/fllm-bench-batch-XXXXXX";
	char err[FLLM_ERROR_MAX] = "";
	uint32_t seqs[BB_SEQS] = { 0 };
	fllm_context *c = NULL;
	fllm_model *m = NULL;
	fllm_status st;
	int fd = mkstemp(path);

	if (cfg->smoke) {
		ctxs[1] = 32;
		n = 2;
	}
	max_ctx = ctxs[n - 1] + 4 * (uint32_t)(cfg->tokens * cfg->repeats);
	if (fd < 0 || close(fd) || bb_model_write(cfg, path, max_ctx)) {
		fprintf(stderr, "bench_batch: cannot write the model to %s\n", path);
		unlink(path);
		return -1;
	}
	st = fllm_model_open(path, &m, err, sizeof(err));
	if (!st) {
		/* 16 GiB: a layer's KV pool (one BO) then fits a 512 MiB channel at 2048 */
		fllm_context_params cp = { .device = "emu:0,mem=16G", .n_ctx = max_ctx,
					   .n_seqs = BB_SEQS,
					   .bits = 4, .group = 32, .n_threads = 2 };

		if (!cfg->json)
			fprintf(stderr, "bench_batch: quantizing %" PRIu64 " layer(s) ...\n",
				cfg->layers);
		st = fllm_context_create(m, &cp, &c);
	}
	unlink(path);
	if (!st && !cfg->json) {
		printf("\nbatched greedy decode on emu:0, q4 g32: dim %" PRIu64 " (%" PRIu64
		       " heads x %u), hidden %" PRIu64 ", %" PRIu64 " layer(s); %" PRIu64
		       " steps, median of %" PRIu64 "\n", cfg->heads * BB_HEAD_DIM, cfg->heads,
		       BB_HEAD_DIM, cfg->hidden, cfg->layers, cfg->tokens, cfg->repeats);
		printf("%8s %6s %9s %10s %9s %14s %13s %9s %9s %9s %9s\n", "context", "batch",
		       "tok/s", "card tok/s", "LG us/tok", "weight KiB/tok", "card KiB/tok",
		       "lists/tok", "tok/s vs1", "card vs1", "wts vs1");
	}
	for (uint32_t k = 0; !st && k < n; k++)
		st = bb_decode_ctx(cfg, c, seqs, ctxs[k], 512);
	if (st)
		fprintf(stderr, "bench_batch: %s%s%s\n", fllm_status_str(st), *err ? ": " : "", err);
	fllm_context_free(c);
	fllm_model_free(m);
	return st ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct bb_cfg cfg = { BB_HEADS, 1, 1024, 8, 3, 0, 0, 0 };
	struct cli_opt opts[] = {
		{ "--heads", CLI_OPT_U64, &cfg.heads, "N", "decode model: heads of 128 (32, as "
		  "Llama 2 7B)", 1, 64 },
		{ "--layers", CLI_OPT_U64, &cfg.layers, "N", "decoder layers (1)", 1, 32 },
		{ "--hidden", CLI_OPT_U64, &cfg.hidden, "N", "FFN width (1024)", 64, 16384 },
		{ "--tokens", CLI_OPT_U64, &cfg.tokens, "N", "decode steps per measurement (8)", 1,
		  256 },
		{ "--repeats", CLI_OPT_U64, &cfg.repeats, "N", "measurements, median (3)", 1,
		  BB_REPEATS_MAX },
		{ "--full", CLI_OPT_FLAG, &cfg.full, NULL, "add context 2048 (minutes)", 0, 0 },
		{ "--smoke", CLI_OPT_FLAG, &cfg.smoke, NULL, "contexts 16 and 32, 2 steps", 0, 0 },
		{ "--json", CLI_OPT_FLAG, &cfg.json, NULL, "one JSON object per line", 0, 0 },
		{ NULL, 0, NULL, NULL, NULL, 0, 0 },
	};
	int rc, npos;

	rc = cli_args_command(argc, argv, opts, NULL, 0, &npos,
			      "[--heads N] [--layers N] [--hidden N] [--tokens N] [--repeats N] [--full] "
			      "[--smoke] [--json]",
			      "attention time against context, batched decode on the emulated card");
	if (rc >= 0)
		return rc;
	if (cfg.smoke) {
		cfg.tokens = 2;
		cfg.repeats = 1;
		cfg.hidden = 256;
		cfg.heads = 4;
	}
	if (cfg.json) {
		bench_print_machine(1);
		printf("}\n");
	} else {
		printf("bench_batch: attention unit and batched decode\n");
		bench_print_machine(0);
		printf("\n");
	}
	if (bb_attention(&cfg) || bb_decode(&cfg))
		return CLI_EXIT_FAIL;
	return CLI_EXIT_OK;
}
