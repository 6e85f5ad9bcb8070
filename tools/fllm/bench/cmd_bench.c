/*
 * fllm bench: the same workload on every --device in turn (see bench.h),
 * a side-by-side table on stdout with ratios against the first device, and
 * optionally JSON, CSV and a PNG chart.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "bench.h"
#include "bench_command.h"
#include "fllm/fllm.h"
#include "measure.h"
#include "run_model.h"
#include "run_options.h"

#define BENCH_PROMPT_TEXT "Once upon a time, there was a little girl named Lily. She loved " \
			  "to play outside in the park with her friends."
#define BENCH_RAPL_ENV "FLLM_RAPL_ROOT"	/* powercap tree to read instead (tests) */

/* See bench.h. */
void bench_progress(const char *dev, uint64_t done, uint64_t total)
{
	enum { WIDTH = 30 };
	char bar[WIDTH + 1];
	size_t fill;

	if (!isatty(2))
		return;
	if (!total) {
		fprintf(stderr, "\r%*s\r", WIDTH + 48, "");
		return;
	}
	fill = (size_t)(done * WIDTH / total);
	memset(bar, '#', fill);
	memset(bar + fill, '.', WIDTH - fill);
	bar[WIDTH] = 0;
	fprintf(stderr, "\r[%s] %3u%% %.24s", bar, (unsigned)(done * 100 / total), dev);
	fflush(stderr);
}

/* The prompt: BOS and the fixed text's ids, repeated to prompt_len ids. */
static int32_t *bench_prompt(const fllm_tokenizer *tok, uint64_t prompt_len)
{
	size_t len = strlen(BENCH_PROMPT_TEXT), n = 0;
	int32_t *text = malloc((len + 2) * sizeof(*text));
	int32_t *ids = malloc(prompt_len * sizeof(*ids));
	fllm_status st = text && ids ? FLLM_OK : FLLM_E_NO_MEMORY;

	if (!st)
		st = fllm_tokenizer_encode(tok, BENCH_PROMPT_TEXT, len, 0, text, len + 2, &n);
	if (!st && !n)
		st = FLLM_E_FORMAT;
	if (st) {
		fprintf(stderr, "fllm bench: cannot tokenize the prompt: %s\n",
			fllm_status_str(st));
		free(ids);
		ids = NULL;
	} else {
		ids[0] = fllm_tokenizer_bos(tok);
		for (uint64_t i = 1; i < prompt_len; i++)
			ids[i] = text[(i - 1) % n];
	}
	free(text);
	return ids;
}

/* Checks beyond the table's: devices, model limits. -1 = go on. */
static int bench_check(const struct bench_opts *o, const fllm_model_info *mi)
{
	uint64_t need = o->prompt_len + o->gen + 1;

	if (need > mi->context_length) {
		fprintf(stderr, "fllm bench: --prompt-len %llu + --gen %llu needs %llu positions; "
			"the model's context is %u\n", (unsigned long long)o->prompt_len,
			(unsigned long long)o->gen, (unsigned long long)need, mi->context_length);
		return CLI_EXIT_USAGE;
	}
	return -1;
}

/* --device values: known names, no repeats; "emu" alone means emu:0. */
static int bench_check_devices(struct bench_opts *o)
{
	if (!o->n_devices)
		o->devices[o->n_devices++] = "cpu";
	for (int i = 0; i < o->n_devices; i++) {
		if (run_device_classify(o->devices[i]) == RUN_DEVICE_UNKNOWN) {
			fprintf(stderr, "fllm bench: --device: unknown device '%s' (cpu, cpu-q, "
				"emu[:N], kmd:N, rtlsim[:N], pci:N, pci:BDF, xrt:N)\n",
				o->devices[i]);
			return CLI_EXIT_USAGE;
		}
		for (int j = 0; j < i; j++)
			if (!strcmp(o->devices[i], o->devices[j])) {
				fprintf(stderr, "fllm bench: --device '%s' given twice\n",
					o->devices[i]);
				return CLI_EXIT_USAGE;
			}
	}
	return run_check_group("bench", o->group) >= 0 ? CLI_EXIT_USAGE : -1;
}

/*
 * The argument parser keeps one value per flag: gather every "--device D"
 * and "--device=D" first and hand the parser the rest.
 */
static int bench_take_devices(int argc, char **argv, struct bench_opts *o, char **rest,
			      int *n_rest)
{
	int k = 0;

	for (int i = 0; i < argc; i++) {
		const char *v = NULL;

		if (i > 0 && !strcmp(argv[i], "--"))
			break;
		if (i > 0 && !strcmp(argv[i], "--device")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "fllm bench: --device needs a value\n");
				return CLI_EXIT_USAGE;
			}
			v = argv[++i];
		} else if (i > 0 && !strncmp(argv[i], "--device=", 9)) {
			v = argv[i] + 9;
		}
		if (!v) {
			rest[k++] = argv[i];
			continue;
		}
		if (!*v) {
			fprintf(stderr, "fllm bench: --device: empty value\n");
			return CLI_EXIT_USAGE;
		}
		if (o->n_devices == BENCH_DEVICES_MAX) {
			fprintf(stderr, "fllm bench: --device: at most %d devices\n",
				BENCH_DEVICES_MAX);
			return CLI_EXIT_USAGE;
		}
		o->devices[o->n_devices++] = !strcmp(v, "emu") ? "emu:0" : v;
	}
	for (int i = k; i < argc; i++)
		rest[k++] = argv[i];	/* after "--" */
	*n_rest = k;
	return -1;
}

/* Every device, then the outputs. */
static int bench_all(const struct bench_opts *o, const fllm_model *model,
		     const fllm_tokenizer *tok)
{
	struct bench_result r[BENCH_DEVICES_MAX];
	struct bench_machine m;
	fllm_model_info mi;
	double host_gbps = 0;
	int32_t *prompt;
	int rc = -1, n = 0;

	fllm_model_info_get(model, &mi);
	rc = bench_check(o, &mi);
	if (rc >= 0)
		return rc;
	prompt = bench_prompt(tok, o->prompt_len);
	if (!prompt)
		return CLI_EXIT_FAIL;
	bench_machine_get(&m);
	for (int i = 0; i < o->n_devices; i++)
		if (!strcmp(o->devices[i], "cpu") && o->probe_bytes)
			host_gbps = bench_host_gbps(o->probe_bytes);
	for (; n < o->n_devices && rc < 0; n++) {
		rc = bench_device(o, model, prompt, o->devices[n], host_gbps, &r[n]);
		if (rc >= 0)
			break;
	}
	free(prompt);
	if (rc >= 0)
		return rc;
	bench_print_table(stdout, o, &m, r, n);
	if (o->json && bench_write_json(o->json, o, &m, &mi, r, n))
		return CLI_EXIT_FAIL;
	if (o->csv && bench_write_csv(o->csv, r, n))
		return CLI_EXIT_FAIL;
	if (o->plot) {
		char title[256];

		snprintf(title, sizeof(title), "fllm bench: %s (%s), prompt %llu, %llu decode "
			 "steps, batch %llu; %s", mi.name, o->model ? o->model : "built-in",
			 (unsigned long long)o->prompt_len, (unsigned long long)o->gen,
			 (unsigned long long)o->batch, m.cpu);
		if (bench_write_plot(o->plot, title, r, n))
			return CLI_EXIT_FAIL;
	}
	return CLI_EXIT_OK;
}

int cli_cmd_bench(int argc, char **argv)
{
	struct bench_opts o = { .prompt_len = 16, .gen = 32, .batch = 1, .repeat = 3,
				.threads = 1, .probe_bytes = 1ull << 30 };
	const char *ignored_device = NULL;
	const struct cli_opt opts[] = {
		RUN_OPTS_MODEL(&o.model, &o.tokenizer),
		{ "--device", CLI_OPT_STRING, &ignored_device, "D", "device to run on; give it "
		  "again for more, run in turn, ratios against the first: cpu (default, fp32), "
		  "cpu-q, emu[:N], rtlsim[:N], kmd:N, pci:N, xrt:N", 0, 0 },
		{ "--prompt-len", CLI_OPT_U64, &o.prompt_len, "P", "prompt tokens, BOS included "
		  "(default 16)", 1, 1u << 20 },
		{ "--gen", CLI_OPT_U64, &o.gen, "N", "decode steps per repeat (default 32)", 1,
		  1u << 20 },
		{ "--batch", CLI_OPT_U64, &o.batch, "B", "sequences decoded together (default 1)",
		  1, 32 },
		{ "--repeat", CLI_OPT_U64, &o.repeat, "R", "repeats; figures are medians "
		  "(default 3)", 1, BENCH_REPEATS_MAX },
		{ "--threads", CLI_OPT_U64, &o.threads, "N", "cpu matmul threads (default 1)", 1,
		  256 },
		RUN_OPTS_CARD_QUANT(&o.bits, &o.group, ", or the package's"),
		{ "--probe", CLI_OPT_SIZE, &o.probe_bytes, "SIZE", "host bandwidth probe buffer "
		  "for the cpu roofline (default 1G; 0 = off)", 0, 1ull << 36 },
		{ "--json", CLI_OPT_STRING, &o.json, "FILE", "write the results as JSON", 0, 0 },
		{ "--csv", CLI_OPT_STRING, &o.csv, "FILE", "write one CSV row per device", 0, 0 },
		{ "--plot", CLI_OPT_STRING, &o.plot, "FILE.png", "draw the roofline and "
		  "throughput/energy charts (needs gnuplot)", 0, 0 },
		{ NULL, 0, NULL, NULL, NULL, 0, 0 },
	};
	char **rest = calloc((size_t)argc + 1, sizeof(*rest));
	fllm_model *model = NULL;
	fllm_tokenizer *tok = NULL;
	int rc, npos, n_rest;

	if (!rest)
		return CLI_EXIT_FAIL;
	o.rapl_root = getenv(BENCH_RAPL_ENV) ? getenv(BENCH_RAPL_ENV) : RAPL_ROOT_DEFAULT;
	rc = bench_take_devices(argc, argv, &o, rest, &n_rest);
	if (rc < 0)
		rc = cli_args_command(n_rest, rest, opts, NULL, 0, &npos,
				      "[-m MODEL] [--device D]... [options]",
				      "Measure prefill and decode speed, latency, traffic and energy "
				      "of one workload on each device in turn.\nEnergy figures name "
				      "their source; one whose source is unavailable is not printed.");
	if (rc < 0)
		rc = bench_check_devices(&o);
	if (rc < 0 && o.plot && (strlen(o.plot) < 5 || strcmp(o.plot + strlen(o.plot) - 4, ".png"))) {
		fprintf(stderr, "fllm bench: --plot: '%s' must name a .png file\n", o.plot);
		rc = CLI_EXIT_USAGE;
	}
	if (rc < 0 && o.plot && bench_plot_check()) {
		fprintf(stderr, "fllm bench: --plot needs gnuplot, which is not installed "
			"(Debian: apt-get install gnuplot-nox)\n");
		rc = CLI_EXIT_FAIL;
	}
	if (rc < 0)
		rc = run_model_open("bench", o.model, o.tokenizer, &model, &tok);
	if (rc < 0)
		rc = bench_all(&o, model, tok);
	fllm_tokenizer_free(tok);
	fllm_model_free(model);
	free(rest);
	return rc;
}
