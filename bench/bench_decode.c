/*
 * bench_decode: decode tokens/s of a llama2.c model (stories260K by
 * default) on the fp32 CPU path (the baseline), the CPU quantized path
 * ("cpu-q": the card's arithmetic on the host, q = 4 g = 32 and q = 8
 * g = 32) and the emulated card (emu:0, q = 4 g = 32), all in one run.
 *
 * Each run creates a context (quantizing and uploading are not timed),
 * evaluates a fixed prompt token by token (prefill) and then generates N
 * tokens greedily (decode: argmax, then one eval). A figure is the median
 * over repeats. The generated ids of cpu-q and emu at the same settings
 * must be equal (their logits are bit-identical); the program checks it.
 * The fp32 path is also measured against llama2.c's run.c forward loop
 * (bench_l2c.c: a reimplementation in this tree, built as llama2.c builds
 * its fast run.c: -Ofast -march=native),
 * on the same prompt and greedy decode, one thread: the "llama2.c loop"
 * line and the ratio fp32 / llama2.c.
 * The model missing is a SKIP (exit 77), not a failure.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_l2c.h"
#include "bench_util.h"
#include "args.h"
#include "fllm/fllm.h"
#include "fllm/fllm_model.h"
#include "json.h"

#define BENCH_PROMPT "Once upon a time, there was a little girl named Lily"
#define BENCH_PROMPT_MAX 64
#define BENCH_REPEATS_MAX 32
#define BENCH_SKIP 77

struct bench_cfg {
	const char *model, *tokenizer;
	uint64_t tokens, repeats, threads;
	int json, smoke, cpu_time;
};

/* Seconds: wall clock, or with --cpu-time the process's CPU time (all its
 * threads: the emulated card's too; with one matmul thread the host paths
 * run on the calling thread alone), which leaves out the time other
 * programs on a shared machine hold the cores. */
static int bench_use_cpu_time;

static double bench_clock(void)
{
	return bench_use_cpu_time ? bench_cpu_now() : bench_now();
}

/* One path: a device name and its quantization (0: fp32). */
struct bench_path {
	const char *label;		/* printed */
	const char *device;
	uint32_t bits, group;
};

/* What one path measured (medians) and the ids it generated in its last run. */
struct bench_result {
	double decode_tps, prefill_tps;
	int32_t *ids;			/* (tokens) */
};

static const struct bench_path bench_paths[] = {
	{ "cpu fp32", "cpu", 0, 0 },
	{ "cpu-q q4 g32", "cpu-q", 4, 32 },
	{ "cpu-q q8 g32", "cpu-q", 8, 32 },
	{ "emu:0 q4 g32", "emu:0", 4, 32 },
};
#define BENCH_PATHS (sizeof(bench_paths) / sizeof(bench_paths[0]))

/* One run of path b: prefill the prompt ids (n), then decode cfg->tokens greedily
 * into ids (tokens); times in *prefill_s and *decode_s. */
static fllm_status bench_run(const struct bench_cfg *cfg, const fllm_model *m,
			     const struct bench_path *b, const int32_t *prompt, size_t n,
			     int32_t *ids, double *prefill_s, double *decode_s)
{
	fllm_context_params cp = { .n_threads = (uint32_t)cfg->threads, .device = b->device,
				   .bits = b->bits, .group = b->group };
	fllm_model_info mi;
	fllm_context *c;
	fllm_status st;
	double t0, t1;

	fllm_model_info_get(m, &mi);
	st = fllm_context_create(m, &cp, &c);
	if (st)
		return st;
	t0 = bench_clock();
	st = fllm_context_eval(c, prompt, n);
	t1 = bench_clock();
	*prefill_s = t1 - t0;
	for (uint64_t t = 0; !st && t < cfg->tokens; t++) {
		ids[t] = bench_argmax(fllm_context_logits(c), mi.vocab_size);
		st = fllm_context_eval(c, &ids[t], 1);
	}
	*decode_s = bench_clock() - t1;
	fllm_context_free(c);
	return st;
}

/* Every repeat of path b; medians into r. */
static fllm_status bench_path_run(const struct bench_cfg *cfg, const fllm_model *m,
				  const struct bench_path *b, const int32_t *prompt, size_t n,
				  struct bench_result *r)
{
	double dec[BENCH_REPEATS_MAX], pre[BENCH_REPEATS_MAX];
	fllm_status st;

	for (uint64_t k = 0; k < cfg->repeats; k++) {
		double ps, ds;

		st = bench_run(cfg, m, b, prompt, n, r->ids, &ps, &ds);
		if (st)
			return st;
		pre[k] = ps > 0 ? (double)n / ps : 0.0;
		dec[k] = ds > 0 ? (double)cfg->tokens / ds : 0.0;
	}
	r->prefill_tps = bench_median(pre, cfg->repeats);
	r->decode_tps = bench_median(dec, cfg->repeats);
	return FLLM_OK;
}

/* Machine and settings, as text or one JSON object. */
static void bench_print_header(const struct bench_cfg *cfg, size_t n_prompt)
{
	if (cfg->json) {
		bench_print_machine(1);
		printf(", \"model\": ");
		cli_json_write_string(stdout, cfg->model);
		printf(", \"prompt_tokens\": %zu, \"tokens\": %" PRIu64 ", \"repeats\": %" PRIu64
		       ", \"threads\": %" PRIu64 ", \"clock\": \"%s\"}\n", n_prompt, cfg->tokens,
		       cfg->repeats, cfg->threads, cfg->cpu_time ? "process_cpu" : "wall");
		return;
	}
	printf("bench_decode: greedy decode tokens/s, cpu fp32 (baseline) vs cpu-q vs emu:0\n");
	bench_print_machine(0);
	printf("model     %s\n", cfg->model);
	printf("settings  prompt %zu tokens, %" PRIu64 " generated, median of %" PRIu64
	       " repeats, %" PRIu64 " thread(s)%s, %s\n\n", n_prompt, cfg->tokens, cfg->repeats,
	       cfg->threads, cfg->smoke ? " (smoke)" : "",
	       cfg->cpu_time ? "process CPU time" : "wall clock");
	printf("%-14s %5s %5s %12s %12s %10s\n", "path", "bits", "group", "decode tok/s",
	       "prefill tok/s", "vs fp32");
}

/* One path's line. */
static void bench_print(const struct bench_cfg *cfg, const struct bench_path *b,
			const struct bench_result *r, double fp32_tps)
{
	double ratio = fp32_tps > 0 ? r->decode_tps / fp32_tps : 0.0;

	if (cfg->json) {
		printf("{\"bench\": \"decode\", \"device\": \"%s\", \"bits\": %u, \"group\": %u, "
		       "\"threads\": %" PRIu64 ", \"tokens\": %" PRIu64 ", \"decode_tps\": %.2f, "
		       "\"prefill_tps\": %.2f, \"ratio_to_fp32\": %.4f}\n", b->device, b->bits,
		       b->group, cfg->threads, cfg->tokens, r->decode_tps, r->prefill_tps, ratio);
		return;
	}
	printf("%-14s %5u %5u %12.1f %12.1f %9.3fx\n", b->label, b->bits, b->group,
	       r->decode_tps, r->prefill_tps, ratio);
}

/* Model, tokenizer and the prompt's ids; BENCH_SKIP when the files are absent. */
static int bench_open(const struct bench_cfg *cfg, fllm_model **m, int32_t *prompt, size_t *n)
{
	char err[FLLM_ERROR_MAX] = "";
	fllm_tokenizer *tok = NULL;
	fllm_status st;

	if (access(cfg->model, R_OK) || access(cfg->tokenizer, R_OK)) {
		printf("SKIP: %s or %s not found (--model, --tokenizer)\n", cfg->model,
		       cfg->tokenizer);
		return BENCH_SKIP;
	}
	st = fllm_model_open(cfg->model, m, err, sizeof(err));
	if (!st)
		st = fllm_tokenizer_open(cfg->tokenizer, 0, &tok, err, sizeof(err));
	if (!st)
		st = fllm_tokenizer_encode(tok, BENCH_PROMPT, strlen(BENCH_PROMPT),
					   FLLM_ENCODE_BOS, prompt, BENCH_PROMPT_MAX, n);
	fllm_tokenizer_free(tok);
	if (st) {
		fprintf(stderr, "bench_decode: %s%s%s\n", fllm_status_str(st), *err ? ": " : "",
			err);
		fllm_model_free(*m);
		*m = NULL;
		return CLI_EXIT_FAIL;
	}
	return CLI_EXIT_OK;
}

/* One run of the llama2.c loop on the same prompt and greedy decode: the
 * prompt token by token (prefill), then cfg->tokens generated into ids. */
static void bench_l2c_once(const struct bench_cfg *cfg, struct bench_l2c *t,
			   const int32_t *prompt, size_t n, int32_t *ids, double *prefill_s,
			   double *decode_s)
{
	const float *logits = NULL;
	uint32_t pos = 0;
	double t0 = bench_clock(), t1;

	for (size_t i = 0; i < n; i++)
		logits = bench_l2c_forward(t, prompt[i], pos++);
	t1 = bench_clock();
	*prefill_s = t1 - t0;
	for (uint64_t k = 0; k < cfg->tokens; k++) {
		ids[k] = bench_argmax(logits, bench_l2c_vocab(t));
		logits = bench_l2c_forward(t, ids[k], pos++);
	}
	*decode_s = bench_clock() - t1;
}

/* The llama2.c baseline, every repeat, medians into r; -1 if the model is not a llama2.c file. */
static int bench_l2c_run(const struct bench_cfg *cfg, const int32_t *prompt, size_t n,
			 struct bench_result *r)
{
	double dec[BENCH_REPEATS_MAX], pre[BENCH_REPEATS_MAX];
	char err[256] = "";
	struct bench_l2c *t;

	if (bench_l2c_open(cfg->model, &t, err, sizeof(err))) {
		fprintf(stderr, "bench_decode: llama2.c baseline: %s\n", err);
		return -1;
	}
	for (uint64_t k = 0; k < cfg->repeats; k++) {
		double ps, ds;

		bench_l2c_once(cfg, t, prompt, n, r->ids, &ps, &ds);
		pre[k] = ps > 0 ? (double)n / ps : 0.0;
		dec[k] = ds > 0 ? (double)cfg->tokens / ds : 0.0;
	}
	bench_l2c_free(t);
	r->prefill_tps = bench_median(pre, cfg->repeats);
	r->decode_tps = bench_median(dec, cfg->repeats);
	return 0;
}

/* The fp32 path against the llama2.c loop: a line (or JSON object) with the ratio. */
static int bench_vs_l2c(const struct bench_cfg *cfg, const int32_t *prompt, size_t n,
			const struct bench_result *fp32)
{
	struct bench_result b = { 0 };
	double ratio;
	int same;

	b.ids = calloc(cfg->tokens, sizeof(*b.ids));
	if (!b.ids || bench_l2c_run(cfg, prompt, n, &b)) {
		free(b.ids);
		return CLI_EXIT_FAIL;
	}
	ratio = b.decode_tps > 0 ? fp32->decode_tps / b.decode_tps : 0.0;
	same = !memcmp(b.ids, fp32->ids, cfg->tokens * sizeof(*b.ids));
	if (cfg->json)
		printf("{\"bench\": \"decode_fp32_vs_llama2c\", \"llama2c_decode_tps\": %.2f, "
		       "\"llama2c_prefill_tps\": %.2f, \"fp32_decode_tps\": %.2f, "
		       "\"ratio_fp32_to_llama2c\": %.4f, \"same_tokens\": %s}\n", b.decode_tps,
		       b.prefill_tps, fp32->decode_tps, ratio, same ? "true" : "false");
	else
		printf("%-14s %5u %5u %12.1f %12.1f %9.3fx\n"
		       "cpu fp32 decode is %.3fx the llama2.c loop's (one thread; %s tokens)\n",
		       "llama2.c loop", 0u, 0u, b.decode_tps, b.prefill_tps,
		       fp32->decode_tps > 0 ? b.decode_tps / fp32->decode_tps : 0.0, ratio,
		       same ? "the same" : "different");
	free(b.ids);
	return CLI_EXIT_OK;
}

/* Every path, the fp32 baseline first; the cpu-q / emu ids compared. */
static int bench_all(const struct bench_cfg *cfg, const fllm_model *m, const int32_t *prompt,
		     size_t n)
{
	struct bench_result r[BENCH_PATHS];
	int rc = CLI_EXIT_OK;

	memset(r, 0, sizeof(r));
	bench_print_header(cfg, n);
	for (size_t i = 0; i < BENCH_PATHS; i++) {
		fllm_status st;

		r[i].ids = calloc(cfg->tokens, sizeof(*r[i].ids));
		st = r[i].ids ? bench_path_run(cfg, m, &bench_paths[i], prompt, n, &r[i]) :
				FLLM_E_NO_MEMORY;
		if (st) {
			fprintf(stderr, "bench_decode: %s: %s\n", bench_paths[i].label,
				fllm_status_str(st));
			rc = CLI_EXIT_FAIL;
			break;
		}
		bench_print(cfg, &bench_paths[i], &r[i], r[0].decode_tps);
		if (i == 0 && cfg->threads == 1)
			rc = bench_vs_l2c(cfg, prompt, n, &r[0]);
		if (rc)
			break;
	}
	if (!rc && memcmp(r[1].ids, r[3].ids, cfg->tokens * sizeof(*r[1].ids))) {
		fprintf(stderr, "bench_decode: cpu-q and emu:0 (q4 g32) generated different "
			"tokens\n");
		rc = CLI_EXIT_FAIL;
	} else if (!rc && cfg->json) {
		printf("{\"bench\": \"decode_emu_vs_cpu_q\", \"ratio_emu_to_cpu_q\": %.4f}\n",
		       r[1].decode_tps > 0 ? r[3].decode_tps / r[1].decode_tps : 0.0);
	} else if (!rc) {
		printf("\ncpu-q and emu:0 at q4 g32 generated the same %" PRIu64 " tokens\n",
		       cfg->tokens);
		printf("emu:0 decode is %.3fx cpu-q's at q4 g32 (the same arithmetic; the card "
		       "path adds the command hand-off)\n",
		       r[1].decode_tps > 0 ? r[3].decode_tps / r[1].decode_tps : 0.0);
	}
	for (size_t i = 0; i < BENCH_PATHS; i++)
		free(r[i].ids);
	return rc;
}

int main(int argc, char **argv)
{
	static const char synopsis[] = "[--model PATH] [--tokenizer PATH] [--tokens N] "
				       "[--repeats N] [--threads N] [--smoke] [--json] [--cpu-time]";
	struct bench_cfg cfg = { FLLM_BENCH_MODELS_DIR "/stories260K.bin", NULL, 200, 5, 1, 0,
				 0, 0 };
	int32_t prompt[BENCH_PROMPT_MAX];
	char tok_path[1024];
	fllm_model *m = NULL;
	fllm_model_info mi;
	size_t n = 0;
	int rc, npos;
	struct cli_opt opts[] = {
		{ "--model", CLI_OPT_STRING, &cfg.model, "PATH",
		  "llama2.c model (default ../shared/models/stories260K.bin)", 0, 0 },
		{ "--tokenizer", CLI_OPT_STRING, &cfg.tokenizer, "PATH",
		  "tokenizer (default tok512.bin beside the model)", 0, 0 },
		{ "--tokens", CLI_OPT_U64, &cfg.tokens, "N", "tokens generated per run (200)", 1,
		  4096 },
		{ "--repeats", CLI_OPT_U64, &cfg.repeats, "N", "runs per path, median (5)", 1,
		  BENCH_REPEATS_MAX },
		{ "--threads", CLI_OPT_U64, &cfg.threads, "N", "matmul threads (1)", 1, 256 },
		{ "--smoke", CLI_OPT_FLAG, &cfg.smoke, NULL, "16 tokens, 1 repeat", 0, 0 },
		{ "--json", CLI_OPT_FLAG, &cfg.json, NULL, "one JSON object per line", 0, 0 },
		{ "--cpu-time", CLI_OPT_FLAG, &cfg.cpu_time, NULL,
		  "time by process CPU time (one thread only)", 0, 0 },
		{ NULL, 0, NULL, NULL, NULL, 0, 0 },
	};

	rc = cli_args_command(argc, argv, opts, NULL, 0, &npos, synopsis,
			      "decode tokens/s: cpu fp32, cpu quantized, emulated card");
	if (rc >= 0)
		return rc;
	if (cfg.cpu_time && cfg.threads != 1) {
		fprintf(stderr, "bench_decode: --cpu-time needs --threads 1 (CPU time adds up "
			"the threads)\n");
		return CLI_EXIT_USAGE;
	}
	bench_use_cpu_time = cfg.cpu_time;
	if (cfg.smoke) {
		cfg.tokens = 16;
		cfg.repeats = 1;
	}
	if (!cfg.tokenizer) {
		const char *slash = strrchr(cfg.model, '/');
		int dir = slash ? (int)(slash - cfg.model) : 1;

		snprintf(tok_path, sizeof(tok_path), "%.*s/tok512.bin", dir,
			 slash ? cfg.model : ".");
		cfg.tokenizer = tok_path;
	}
	rc = bench_open(&cfg, &m, prompt, &n);
	if (rc)
		return rc;
	fllm_model_info_get(m, &mi);
	if (n + cfg.tokens > mi.context_length) {
		fprintf(stderr, "bench_decode: --tokens %" PRIu64 ": prompt (%zu) + tokens exceed "
			"the context (%u)\n", cfg.tokens, n, mi.context_length);
		fllm_model_free(m);
		return CLI_EXIT_USAGE;
	}
	rc = bench_all(&cfg, m, prompt, n);
	fllm_model_free(m);
	return rc;
}
