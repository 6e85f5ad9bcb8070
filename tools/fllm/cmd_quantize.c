/*
 * fllm quantize: write a model package (docs/package-format.md) from a
 * GGUF or llama2.c model: every linear layer quantized to BCQ in the card's
 * layout, progress on stderr, the quantization report on stdout.
 */
#include <stdio.h>
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
		       r.source == FLLM_TENSOR_BF16 ? "bf16" : "f32", r.planes, r.group,
		       r.exact ? "yes" : "no", r.rel_error, r.max_abs, r.bits_per_weight);
		bits += r.bits_per_weight * r.rows * r.cols;
		weights += (double)r.rows * r.cols;
		if (r.rel_error > worst)
			worst = r.rel_error;
	}
	printf("%u matrices, %.0f weights, %.3f bits per weight (scales included), worst "
	       "relative error %.4f\n", n, weights, weights > 0 ? bits / weights : 0.0, worst);
}

/* Options, model, package, report; exit status as args.h says. */
int cli_cmd_quantize(int argc, char **argv)
{
	const char *model_path = NULL, *out = NULL, *tok_path = NULL;
	uint64_t bits = 4, group = 32, threads = 1, slices = 32;
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
			      "-m MODEL -o OUT.fllm [--bits Q] [--group G] [--threads N]",
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
	rc = run_model_open("quantize", model_path, tok_path, &model, &tok);
	if (rc >= 0)
		return rc;
	fllm_model_info_get(model, &info);
	rc = CLI_EXIT_FAIL;
	if (info.format == FLLM_MODEL_PACKAGE) {
		fprintf(stderr, "fllm quantize: %s is already a package\n", model_path);
		goto out;
	}
	qp = (fllm_quant_params){ (uint32_t)bits, (uint32_t)group, (uint32_t)threads,
				  (uint32_t)slices };
	clock_gettime(CLOCK_MONOTONIC, &t0);
	st = fllm_package_write(model, tok, &qp, quantize_progress, NULL, out, err, sizeof(err));
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
