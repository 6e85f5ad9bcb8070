/*
 * fllm run: generate text with a Llama model on the CPU. stdout carries
 * exactly the prompt followed by the generated text, streamed; statistics
 * and notes go to stderr.
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
#include "run_options.h"

#define RUN_SYNTHETIC_SEED 0x5eed5eedull	/* fixed: the built-in model never changes */
#define RUN_SEED_UNSET UINT64_MAX	/* --seed not given: seed from the clock */

struct run_opts {
	const char *model, *tokenizer, *prompt, *device;
	const char *temp, *top_p;
	uint64_t n_new, top_k, seed, threads, bits, group;
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
	if (o->group && !run_group_valid(o->group)) {
		fprintf(stderr, "fllm run: --group: %llu is not one of 16, 32, 64, 128, 256\n",
			(unsigned long long)o->group);
		return CLI_EXIT_USAGE;
	}
	if (o->tokenizer && !o->model) {
		fprintf(stderr, "fllm run: -z needs -m (the built-in model has its own "
			"tokenizer)\n");
		return CLI_EXIT_USAGE;
	}
	switch (run_device_classify(o->device)) {
	case RUN_DEVICE_CPU:
		break;
	case RUN_DEVICE_CARD:
		fprintf(stderr, "fllm run: --device %s: not yet supported: the card decoder is "
			"a later step (use --device cpu)\n", o->device);
		return CLI_EXIT_USAGE;
	case RUN_DEVICE_UNKNOWN:
		fprintf(stderr, "fllm run: --device: unknown device '%s' (cpu, emu[:N], "
			"rtlsim[:N], pci:N, pci:BDF, xrt:N)\n", o->device);
		return CLI_EXIT_USAGE;
	}
	if (o->bits || o->group)
		fprintf(stderr, "fllm run: note: --bits/--group set the card decoder's "
			"quantization; --device cpu runs fp32 and ignores them\n");
	return -1;
}

/* tokenizer.bin in the model's folder, for llama2.c checkpoints. */
static char *run_default_tokenizer(const char *model)
{
	const char *slash = strrchr(model, '/');
	size_t dir = slash ? (size_t)(slash - model) + 1 : 0;
	char *path = malloc(dir + sizeof("tokenizer.bin"));

	if (path) {
		memcpy(path, model, dir);
		memcpy(path + dir, "tokenizer.bin", sizeof("tokenizer.bin"));
	}
	return path;
}

/* Open the model and its tokenizer as the options say; CLI exit status or -1. */
static int run_load(const struct run_opts *o, fllm_model **model, fllm_tokenizer **tok)
{
	char err[FLLM_ERROR_MAX] = "";
	fllm_model_info info;
	char *path = NULL;
	fllm_status st;

	if (!o->model) {
		fprintf(stderr, "fllm run: no -m given: using the built-in synthetic model "
			"(random weights); its text is meaningless\n");
		st = fllm_model_open_synthetic(RUN_SYNTHETIC_SEED, model);
	} else {
		st = fllm_model_open(o->model, model, err, sizeof(err));
	}
	if (st) {
		fprintf(stderr, "fllm run: %s\n", err[0] ? err : fllm_status_str(st));
		return CLI_EXIT_FAIL;
	}
	fllm_model_info_get(*model, &info);
	if (o->tokenizer) {
		st = fllm_tokenizer_open(o->tokenizer, info.vocab_size, tok, err, sizeof(err));
	} else if (info.format == FLLM_MODEL_LLAMA2C) {
		path = run_default_tokenizer(o->model);
		if (!path)
			st = FLLM_E_NO_MEMORY;
		else
			st = fllm_tokenizer_open(path, info.vocab_size, tok, err, sizeof(err));
		if (st == FLLM_E_IO)
			snprintf(err, sizeof(err), "no tokenizer: a llama2.c checkpoint needs -z "
				 "TOKENIZER (%s cannot be read)", path);
		free(path);
	} else {
		st = fllm_tokenizer_from_model(*model, tok, err, sizeof(err));
	}
	if (st) {
		fprintf(stderr, "fllm run: %s\n", err[0] ? err : fllm_status_str(st));
		fllm_model_free(*model);
		*model = NULL;
		return CLI_EXIT_FAIL;
	}
	return -1;
}

/* Rate with a guard against zero time. */
static double run_rate(size_t n, double s)
{
	return s > 0 ? (double)n / s : 0.0;
}

/* Encode, create context and sampler, generate, report. */
static int run_model(const struct run_opts *o, fllm_model *model, const fllm_tokenizer *tok,
		     double load_s)
{
	fllm_context_params cp = { .n_threads = (uint32_t)o->threads, .device = "cpu" };
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
	if (!st)
		st = fllm_context_create(model, &cp, &ctx);
	if (!st && n_ids > fllm_context_size(ctx)) {
		fprintf(stderr, "fllm run: the prompt is %zu tokens, the context holds %u\n",
			n_ids, fllm_context_size(ctx));
		goto out_ctx;
	}
	if (!st)
		st = fllm_sampler_create(&sp, &smp);
	if (!st)
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
			      .temperature = 1.0f, .topp = 0.9f };
	const struct cli_opt opts[] = {
		{ "-m", CLI_OPT_STRING, &o.model, "PATH", "model: GGUF or llama2.c .bin "
		  "(default: built-in synthetic model)", 0, 0 },
		{ "--model", CLI_OPT_STRING, &o.model, "PATH", "same as -m", 0, 0 },
		{ "-z", CLI_OPT_STRING, &o.tokenizer, "PATH", "llama2.c tokenizer.bin (default: "
		  "the GGUF's own, or tokenizer.bin beside a .bin model)", 0, 0 },
		{ "--tokenizer", CLI_OPT_STRING, &o.tokenizer, "PATH", "same as -z", 0, 0 },
		{ "-p", CLI_OPT_STRING, &o.prompt, "TEXT", "prompt (default: empty)", 0, 0 },
		{ "--prompt", CLI_OPT_STRING, &o.prompt, "TEXT", "same as -p", 0, 0 },
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
		{ "--threads", CLI_OPT_U64, &o.threads, "N", "matmul threads (default 1)", 1,
		  256 },
		{ "--device", CLI_OPT_STRING, &o.device, "D", "cpu (default); card devices come "
		  "with the card decoder", 0, 0 },
		{ "--bits", CLI_OPT_U64, &o.bits, "Q", "card weight bit-planes 1..8 (card "
		  "decoder)", 1, 8 },
		{ "--group", CLI_OPT_U64, &o.group, "G", "card weight group size 16..256 (card "
		  "decoder)", 16, 256 },
		{ NULL, 0, NULL, NULL, NULL, 0, 0 },
	};
	fllm_model *model = NULL;
	fllm_tokenizer *tok = NULL;
	struct timespec t0, t1;
	int rc, npos;

	rc = cli_args_command(argc, argv, opts, NULL, 0, &npos,
			      "[-m MODEL] [-z TOKENIZER] [-p PROMPT] [-n N] [options]",
			      "Generate text with a Llama model on the CPU (fp32). stdout gets the "
			      "prompt and the\ngenerated text; statistics go to stderr.");
	if (rc >= 0)
		return rc;
	rc = run_check_opts(&o);
	if (rc >= 0)
		return rc;
	if (o.seed == RUN_SEED_UNSET)
		o.seed = (uint64_t)time(NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = run_load(&o, &model, &tok);
	if (rc >= 0)
		return rc;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	rc = run_model(&o, model, tok, (double)(t1.tv_sec - t0.tv_sec) +
				      (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9);
	fllm_tokenizer_free(tok);
	fllm_model_free(model);
	return rc;
}
