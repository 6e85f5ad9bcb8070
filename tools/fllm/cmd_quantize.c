/*
 * fllm quantize: write a model package (docs/package-format.md) from a
 * GGUF or llama2.c model: every linear layer quantized to BCQ in the card's
 * layout, progress on stderr, the quantization report on stdout. With
 * --random SHAPE, a package of random weights of a real model's shape
 * instead (Llama-2-7B's, say: docs/scheduler.md).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "args.h"
#include "fllm/fllm_package.h"
#include "quantize_command.h"
#include "run_model.h"
#include "run_options.h"

/* Progress on stderr, one line per matrix, overwritten on a terminal. */
static void quantize_progress(void *user, const fllm_quant_report *r, uint32_t done,
			      uint32_t total)
{
	(void)user;
	fprintf(stderr, "\rfllm quantize: %u/%u %-28s", done, total, r->name);
	if (done == total)
		fputc('\n', stderr);
	fflush(stderr);
}

/* The report: one row per matrix, then the totals. */
static void quantize_report(const fllm_model *pkg)
{
	uint32_t n = fllm_package_report_count(pkg);
	double bits = 0, weights = 0, worst = 0;
	fllm_quant_report r;

	printf("%-28s %5s %5s %6s %2s %3s %-7s %10s %10s %6s\n", "tensor", "rows", "cols",
	       "source", "q", "g", "exact", "rel_error", "max_abs", "bits/w");
	for (uint32_t k = 0; k < n; k++) {
		if (fllm_package_report_get(pkg, k, &r))
			continue;
		printf("%-28s %5u %5u %6s %2u %3u %-7s %10.4f %10.3g %6.2f\n", r.name, r.rows,
		       r.cols, r.source == FLLM_TENSOR_Q4_0 ? "q4_0" :
		       r.source == FLLM_TENSOR_Q8_0 ? "q8_0" : r.source == FLLM_TENSOR_F16 ? "f16" :
		       r.source == FLLM_TENSOR_BF16 ? "bf16" : r.source == FLLM_TENSOR_BCQ ? "bcq" :
		       "f32", r.planes, r.group,
		       r.exact ? "yes" : "no", r.rel_error, r.max_abs, r.bits_per_weight);
		bits += r.bits_per_weight * r.rows * r.cols;
		weights += (double)r.rows * r.cols;
		if (r.rel_error > worst)
			worst = r.rel_error;
	}
	printf("%u matrices, %.0f weights, %.3f bits per weight (scales included), worst "
	       "relative error %.4f\n", n, weights, weights > 0 ? bits / weights : 0.0, worst);
}

/* The shape --random names: a preset, or DIM:HIDDEN:LAYERS:HEADS:KV_HEADS:VOCAB. */
static int quantize_shape(const char *s, fllm_model_info *i)
{
	static const struct {
		const char *name;
		uint32_t v[6];
	} presets[] = {
		{ "llama2-7b", { 4096, 11008, 32, 32, 32, 32000 } },
		{ "llama2-13b", { 5120, 13824, 40, 40, 40, 32000 } },
	};
	uint32_t v[6];
	int used = 0;

	memset(i, 0, sizeof(*i));
	for (size_t k = 0; k < sizeof(presets) / sizeof(presets[0]); k++)
		if (!strcmp(s, presets[k].name)) {
			memcpy(v, presets[k].v, sizeof(v));
			snprintf(i->name, sizeof(i->name), "random %s", s);
			goto found;
		}
	if (sscanf(s, "%" SCNu32 ":%" SCNu32 ":%" SCNu32 ":%" SCNu32 ":%" SCNu32 ":%" SCNu32 "%n",
		   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &used) != 6 || s[used]) {
		fprintf(stderr, "fllm quantize: --random '%s': expected llama2-7b, llama2-13b or "
			"DIM:HIDDEN:LAYERS:HEADS:KV_HEADS:VOCAB\n", s);
		return 0;
	}
	snprintf(i->name, sizeof(i->name), "random %s", s);
found:
	i->dim = v[0];
	i->hidden_dim = v[1];
	i->n_layers = v[2];
	i->n_heads = v[3];
	i->n_kv_heads = v[4];
	i->vocab_size = v[5];
	i->context_length = 4096;
	i->rms_eps = 1e-5f;
	i->rope_theta = 10000.0f;
	return 1;
}

/* Options, model, package, report; exit status as args.h says. */
int cli_cmd_quantize(int argc, char **argv)
{
	const char *model_path = NULL, *out = NULL, *tok_path = NULL, *random = NULL;
	uint64_t bits = 4, group = 32, threads = 1, slices = 32, seed = 1;
	const struct cli_opt opts[] = {
		{ "-m", CLI_OPT_STRING, &model_path, "PATH", "model: GGUF or llama2.c .bin "
		  "(default: the built-in synthetic model)", 0, 0 },
		{ "--model", CLI_OPT_STRING, &model_path, "PATH", "same as -m", 0, 0 },
		{ "-z", CLI_OPT_STRING, &tok_path, "PATH", "llama2.c tokenizer.bin (default: the "
		  "GGUF's own, or tokenizer.bin beside a .bin model)", 0, 0 },
		{ "-o", CLI_OPT_STRING, &out, "PATH", "package to write (required)", 0, 0 },
		{ "--output", CLI_OPT_STRING, &out, "PATH", "same as -o", 0, 0 },
		RUN_OPTS_CARD_QUANT(&bits, &group, ""),
		{ "--threads", CLI_OPT_U64, &threads, "N", "quantizer threads (default 1)", 1,
		  256 },
		{ "--slices", CLI_OPT_U64, &slices, "S", "card layout slices, one per memory "
		  "channel (default 32)", 1, 32 },
		{ "--random", CLI_OPT_STRING, &random, "SHAPE", "no model: random weights of "
		  "this shape (llama2-7b, llama2-13b or DIM:HIDDEN:LAYERS:HEADS:KV_HEADS:VOCAB)",
		  0, 0 },
		{ "--seed", CLI_OPT_U64, &seed, "N", "with --random: the weights' seed "
		  "(default 1)", 0, UINT64_MAX },
		{ NULL, 0, NULL, NULL, NULL, 0, 0 },
	};
	fllm_quant_params qp;
	fllm_model *model = NULL, *pkg = NULL;
	fllm_tokenizer *tok = NULL;
	char err[FLLM_ERROR_MAX] = "";
	struct timespec t0, t1;
	fllm_model_info info;
	fllm_status st;
	int rc, npos;

	rc = cli_args_command(argc, argv, opts, NULL, 0, &npos,
			      "-m MODEL -o OUT.fllm [--bits Q] [--group G] [--threads N]\n"
			      "       fllm quantize --random SHAPE -o OUT.fllm [--bits Q] "
			      "[--group G] [--seed N]",
			      "Quantize a model's linear layers for the card and write a model "
			      "package.\nProgress goes to stderr, the quantization report to "
			      "stdout.");
	if (rc >= 0)
		return rc;
	if (!out) {
		fprintf(stderr, "fllm quantize: -o OUT.fllm is required\n");
		return CLI_EXIT_USAGE;
	}
	rc = run_check_group("quantize", group);
	if (rc >= 0)
		return rc;
	qp = (fllm_quant_params){ (uint32_t)bits, (uint32_t)group, (uint32_t)threads,
				  (uint32_t)slices };
	if (random) {
		if (model_path || tok_path) {
			fprintf(stderr, "fllm quantize: --random makes its own weights and "
				"tokenizer: leave out -m and -z\n");
			return CLI_EXIT_USAGE;
		}
		if (!quantize_shape(random, &info))
			return CLI_EXIT_USAGE;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		st = fllm_package_write_random(&info, &qp, seed, quantize_progress, NULL, out,
					       err, sizeof(err));
		goto written;
	}
	rc = run_model_open("quantize", model_path, tok_path, &model, &tok);
	if (rc >= 0)
		return rc;
	fllm_model_info_get(model, &info);
	rc = CLI_EXIT_FAIL;
	if (info.format == FLLM_MODEL_PACKAGE) {
		fprintf(stderr, "fllm quantize: %s is already a package\n", model_path);
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	st = fllm_package_write(model, tok, &qp, quantize_progress, NULL, out, err, sizeof(err));
written:
	rc = CLI_EXIT_FAIL;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (st) {
		fprintf(stderr, "\nfllm quantize: %s\n", err[0] ? err : fllm_status_str(st));
		goto out;
	}
	/* the report comes back from the written file, which proves it reads */
	st = fllm_package_open(out, &pkg, err, sizeof(err));
	if (st) {
		fprintf(stderr, "fllm quantize: reading back %s: %s\n", out,
			err[0] ? err : fllm_status_str(st));
		goto out;
	}
	quantize_report(pkg);
	fllm_model_info_get(pkg, &info);
	fprintf(stderr, "fllm quantize: wrote %s (%llu bytes, q=%llu g=%llu) in %.2f s\n", out,
		(unsigned long long)info.file_bytes, (unsigned long long)bits,
		(unsigned long long)group, (double)(t1.tv_sec - t0.tv_sec) +
		(double)(t1.tv_nsec - t0.tv_nsec) * 1e-9);
	rc = CLI_EXIT_OK;
out:
	fllm_model_free(pkg);
	fllm_tokenizer_free(tok);
	fllm_model_free(model);
	return rc;
}
