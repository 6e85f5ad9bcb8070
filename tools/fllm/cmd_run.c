/*
 * fllm run: generate text with a Llama model, in fp32 on the CPU or with
 * the quantized decoder on a card. stdout carries exactly the prompt
 * followed by the generated text, streamed; statistics and notes go to
 * stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "args.h"
#include "commands.h"
#include "fllm/fllm_model.h"
#include "run_command.h"
#include "run_generate.h"
#include "run_model.h"
#include "run_options.h"

#define RUN_SEED_UNSET UINT64_MAX	/* --seed not given: seed from the clock */
#define RUN_CARD_LAYERS_ALL UINT64_MAX	/* --card-layers not given: every layer */

struct run_opts {
	const char *model, *tokenizer, *prompt, *device;
	const char *temp, *top_p;
	uint64_t n_new, top_k, seed, threads, bits, group;
	uint64_t parallel, batch, kv_mem, card_mem, n_ctx, card_layers;
	float temperature, topp;
};

/* Float options and the device; prints the problem and returns CLI_EXIT_USAGE. */
static int run_check_opts(struct run_opts *o)
{
	if (o->temp && run_parse_float(o->temp, 0.0f, 100.0f, &o->temperature)) {
		fprintf(stderr, "fllm run: --temp: '%s' is not a number in [0, 100]\n", o->temp);
		return CLI_EXIT_USAGE;
	}
	if (o->top_p && run_parse_float(o->top_p, 0.0f, 1.0f, &o->topp)) {
		fprintf(stderr, "fllm run: --top-p: '%s' is not a number in [0, 1]\n", o->top_p);
		return CLI_EXIT_USAGE;
	}
	if (run_check_group("run", o->group) >= 0)
		return CLI_EXIT_USAGE;
	if (o->tokenizer && !o->model) {
		fprintf(stderr, "fllm run: -z needs -m (the built-in model has its own "
			"tokenizer)\n");
		return CLI_EXIT_USAGE;
	}
	switch (run_device_classify(o->device)) {
	case RUN_DEVICE_CPU:
		break;
	case RUN_DEVICE_CARD:
		return -1;
	case RUN_DEVICE_UNKNOWN:
		fprintf(stderr, "fllm run: --device: unknown device '%s' (cpu, cpu-q, emu[:N], kmd:N, "
			"rtlsim[:N], pci:N, pci:BDF, xrt:N)\n", o->device);
		return CLI_EXIT_USAGE;
	}
	if (o->bits || o->group)
		fprintf(stderr, "fllm run: note: --bits/--group set the card decoder's "
			"quantization; --device cpu runs fp32 and ignores them\n");
	return -1;
}

/* Rate with a guard against zero time. */
static double run_rate(size_t n, double s)
{
	return s > 0 ? (double)n / s : 0.0;
}

/* The card's share of the statistics: command lists of the prompt (its
 * prefill chunks) and per decoded token. */
static void run_card_stats(const fllm_context *ctx, const struct run_stats *rs)
{
	const fllm_context_stats *p = &rs->after_prompt;
	fllm_context_stats cs;
	uint64_t tokens, lists, cmds;

	fllm_context_stats_get(ctx, &cs);
	if (!cs.on_card)
		return;
	tokens = cs.tokens - p->tokens;
	lists = cs.card_lists - p->card_lists;
	cmds = cs.card_commands - p->card_commands;
	fprintf(stderr, "fllm run: card: prompt %llu tokens in %llu command lists; decode %llu "
		"tokens in %llu lists of %llu commands (%.1f lists, %.1f commands per token)\n",
		(unsigned long long)p->tokens, (unsigned long long)p->card_lists,
		(unsigned long long)tokens, (unsigned long long)lists, (unsigned long long)cmds,
		tokens ? (double)lists / (double)tokens : 0.0,
		tokens ? (double)cmds / (double)tokens : 0.0);
	fprintf(stderr, "fllm run: card KV cache: %u blocks of %.1f KiB; %llu swaps out, %llu in "
		"(%.2f MiB moved); %.1f KiB of weights read per decoded token\n", cs.kv_blocks,
		(double)cs.kv_block_bytes / 1024, (unsigned long long)cs.kv_swaps_out,
		(unsigned long long)cs.kv_swaps_in, (double)cs.kv_swap_bytes / (1 << 20),
		tokens ? (double)(cs.card_weight_bytes - p->card_weight_bytes) / 1024 /
				 (double)tokens : 0.0);
	if (cs.card_streamed)
		fprintf(stderr, "fllm run: card streaming: %u units, %.2f MiB streamed per decoded "
			"token\n", cs.card_streamed,
			tokens ? (double)(cs.card_stream_bytes - p->card_stream_bytes) /
					 (1 << 20) / (double)tokens : 0.0);
	if (cs.plan_t_token > 0)
		fprintf(stderr, "fllm run: layer scheduler: plan predicts %.3f ms per decoded "
			"token (fllm plan --whole-layers)\n", cs.plan_t_token * 1e3);
}

/*
 * The context on the device the options name; on failure a message saying
 * what went wrong and the exit status (3 when a card cannot be opened).
 */
static int run_context(const struct run_opts *o, const fllm_model *model, fllm_context **ctx)
{
	fllm_context_params cp = { .n_threads = (uint32_t)o->threads, .n_ctx = (uint32_t)o->n_ctx,
				   .device = o->device,
				   .bits = (uint32_t)o->bits, .group = (uint32_t)o->group,
				   .n_seqs = (uint32_t)o->parallel, .batch = (uint32_t)o->batch,
				   .kv_mem = o->kv_mem, .card_mem = o->card_mem };
	fllm_context_stats cs;
	fllm_model_info mi;
	uint8_t *place = NULL;
	fllm_status st;

	fllm_model_info_get(model, &mi);
	if (o->card_layers != RUN_CARD_LAYERS_ALL) {
		if (o->card_layers > mi.n_layers) {
			fprintf(stderr, "fllm run: --card-layers %llu: the model has %u layers\n",
				(unsigned long long)o->card_layers, mi.n_layers);
			return CLI_EXIT_USAGE;
		}
		place = calloc(mi.n_layers + 1, 1);
		if (!place)
			return CLI_EXIT_FAIL;
		fllm_placement_first_layers(mi.n_layers, (uint32_t)o->card_layers, place);
		cp.placement = place;
	}
	st = fllm_context_create(model, &cp, ctx);
	free(place);

	if (st == FLLM_E_INVALID_ARG && (o->bits || o->group)) {
		fprintf(stderr, "fllm run: --bits/--group differ from the package's quantization "
			"(requantize with fllm quantize)\n");
		return CLI_EXIT_USAGE;
	}
	if (st == FLLM_E_NO_CARD_MEMORY && o->card_mem) {
		fprintf(stderr, "fllm run: --card-mem %llu: too small for the KV cache, the "
			"activations and two layers of streaming staging\n",
			(unsigned long long)o->card_mem);
		return CLI_EXIT_USAGE;
	}
	if (st)
		return run_context_failed("run", o->device, o->kv_mem, st);
	fllm_context_stats_get(*ctx, &cs);
	if (cs.on_card)
		fprintf(stderr, "fllm run: card %s: weights q<=%u g=%u quantized in %.1f ms, "
			"%.2f MiB uploaded in %.1f ms; %u of %u units resident (%.2f MiB), %u "
			"streamed each step, %u on the host\n", o->device, cs.bits, cs.group,
			cs.quantize_s * 1e3, (double)cs.card_bytes / (1 << 20), cs.upload_s * 1e3,
			cs.card_units - cs.card_streamed - cs.card_host, cs.card_units,
			(double)cs.card_resident_bytes / (1 << 20), cs.card_streamed, cs.card_host);
	return -1;
}

/* Encode, create context and sampler, generate, report. */
static int run_model(const struct run_opts *o, fllm_model *model, const fllm_tokenizer *tok,
		     double load_s)
{
	fllm_sampler_params sp = {
		.temperature = o->temperature, .top_k = (uint32_t)o->top_k,
		.top_p = o->topp, .seed = o->seed,
	};
	const char *prompt = o->prompt ? o->prompt : "";
	size_t len = strlen(prompt), n_ids;
	fllm_context *ctx = NULL;
	fllm_sampler *smp = NULL;
	struct run_stats stats;
	int32_t *ids;
	fllm_status st;
	int rc = CLI_EXIT_FAIL;

	ids = malloc((len + 2) * sizeof(*ids));
	if (!ids)
		return CLI_EXIT_FAIL;
	st = fllm_tokenizer_encode(tok, prompt, len, FLLM_ENCODE_BOS, ids, len + 2, &n_ids);
	if (!st && !n_ids) {
		fprintf(stderr, "fllm run: the tokenizer has no BOS token\n");
		goto out_ids;
	}
	if (!st) {
		rc = run_context(o, model, &ctx);
		if (rc >= 0)
			goto out_ids;
		rc = CLI_EXIT_FAIL;
	}
	if (!st && n_ids > fllm_context_size(ctx)) {
		fprintf(stderr, "fllm run: the prompt is %zu tokens, the context holds %u\n",
			n_ids, fllm_context_size(ctx));
		goto out_ctx;
	}
	if (!st && o->parallel > 1)
		st = run_generate_parallel(ctx, tok, &sp, (uint32_t)o->parallel, prompt, ids, n_ids,
					   o->n_new, stdout, &stats);
	else if (!st)
		st = fllm_sampler_create(&sp, &smp);
	if (!st && o->parallel <= 1)
		st = run_generate(ctx, tok, smp, prompt, ids, n_ids, o->n_new, stdout, &stats);
	if (st) {
		fprintf(stderr, "\nfllm run: %s\n", fllm_status_str(st));
		goto out_smp;
	}
	fprintf(stderr, "\nfllm run: load %.1f ms; prompt %zu tokens in %.2f ms (%.1f tokens/s); "
		"generated %zu tokens in %.2f ms (%.1f tokens/s); stop: %s; threads %llu, "
		"temp %g, seed %llu\n", load_s * 1e3, stats.prompt_tokens,
		stats.prefill_s * 1e3, run_rate(stats.prompt_tokens, stats.prefill_s),
		stats.new_tokens, stats.decode_s * 1e3, run_rate(stats.new_tokens, stats.decode_s),
		stats.stop, (unsigned long long)o->threads, (double)o->temperature,
		(unsigned long long)o->seed);
	run_card_stats(ctx, &stats);
	rc = CLI_EXIT_OK;
out_smp:
	fllm_sampler_free(smp);
out_ctx:
	fllm_context_free(ctx);
out_ids:
	free(ids);
	return rc;
}

int cli_cmd_run(int argc, char **argv)
{
	struct run_opts o = { .device = "cpu", .n_new = 256, .threads = 1, .seed = RUN_SEED_UNSET,
			      .card_layers = RUN_CARD_LAYERS_ALL,
			      .temperature = 1.0f, .topp = 0.9f, .parallel = 1 };
	const struct cli_opt opts[] = {
		RUN_OPTS_MODEL(&o.model, &o.tokenizer),
		{ "-p", CLI_OPT_TEXT, &o.prompt, "TEXT", "prompt (default, or -p \"\": empty, "
		  "generation starts from BOS)", 0, 0 },
		{ "--prompt", CLI_OPT_TEXT, &o.prompt, "TEXT", "same as -p", 0, 0 },
		{ "-n", CLI_OPT_U64, &o.n_new, "N", "new tokens at most (default 256)", 0,
		  1u << 24 },
		{ "--n-predict", CLI_OPT_U64, &o.n_new, "N", "same as -n", 0, 1u << 24 },
		{ "--temp", CLI_OPT_STRING, &o.temp, "T", "temperature; 0 = greedy (default 1)",
		  0, 0 },
		{ "--top-p", CLI_OPT_STRING, &o.top_p, "P", "nucleus sampling mass in [0, 1]; "
		  "0 or 1 = off (default 0.9)", 0, 0 },
		{ "--top-k", CLI_OPT_U64, &o.top_k, "K", "keep the K most likely; 0 = off "
		  "(default)", 0, UINT32_MAX },
		{ "--seed", CLI_OPT_U64, &o.seed, "S", "sampling seed (default: from the clock, "
		  "printed)", 0, UINT64_MAX - 1 },
		{ "--ctx", CLI_OPT_U64, &o.n_ctx, "N", "positions per sequence, at most the model's "
		  "context length (default: that)", 1, UINT32_MAX },
		{ "--threads", CLI_OPT_U64, &o.threads, "N", "matmul threads (default 1)", 1,
		  256 },
		{ "--device", CLI_OPT_STRING, &o.device, "D", "cpu (default: fp32), cpu-q (the card's "
		  "quantized arithmetic on the host) or a card: emu, emu:N[,opts]", 0, 0 },
		RUN_OPTS_CARD_QUANT(&o.bits, &o.group, ", or the package's"),
		{ "--parallel", CLI_OPT_U64, &o.parallel, "N", "generate N sequences from the "
		  "prompt together, seeds S..S+N-1, printed when all end (default 1)", 1,
		  FLLM_SEQS_MAX },
		{ "--batch", CLI_OPT_U64, &o.batch, "N", "card: tokens per command list (decode "
		  "batch, prefill chunk) 1..32 (default: max(parallel, 16))", 1, 32 },
		{ "--kv-mem", CLI_OPT_SIZE, &o.kv_mem, "SIZE", "card: card memory for the KV cache "
		  "(K/M/G); idle sequences swap to host memory when it is short (default: all)",
		  1, UINT64_MAX },
		{ "--card-layers", CLI_OPT_U64, &o.card_layers, "N", "card: the first N layers "
		  "on the card, the rest on the host's integer kernels, the head on the card "
		  "only when N is every layer (the same tokens; default: all on the card)", 0,
		  UINT32_MAX },
		{ "--card-mem", CLI_OPT_SIZE, &o.card_mem, "SIZE", "card: card memory the run "
		  "may use in all (K/M/G); layers that do not fit are streamed from host memory "
		  "every step (default: the card's)", 1, UINT64_MAX },
		{ NULL, 0, NULL, NULL, NULL, 0, 0 },
	};
	fllm_model *model = NULL;
	fllm_tokenizer *tok = NULL;
	struct timespec t0, t1;
	int rc, npos;

	rc = cli_args_command(argc, argv, opts, NULL, 0, &npos,
			      "[-m MODEL] [-z TOKENIZER] [-p PROMPT] [-n N] [options]",
			      "Generate text with a Llama model: fp32 on the CPU, or quantized "
			      "on a card (--device emu).\nstdout gets the prompt and the generated "
			      "text; statistics go to stderr.");
	if (rc >= 0)
		return rc;
	rc = run_check_opts(&o);
	if (rc >= 0)
		return rc;
	if (o.seed == RUN_SEED_UNSET)
		o.seed = (uint64_t)time(NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = run_model_open("run", o.model, o.tokenizer, &model, &tok);
	if (rc >= 0)
		return rc;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	rc = run_model(&o, model, tok, (double)(t1.tv_sec - t0.tv_sec) +
				      (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9);
	fllm_tokenizer_free(tok);
	fllm_model_free(model);
	return rc;
}
