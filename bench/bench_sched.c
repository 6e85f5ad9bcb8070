/*
 * bench_sched: the layer scheduler's prediction against the measured time
 * per decoded token on a card (docs/scheduler.md "Prediction against
 * measurement").
 *
 * The device's cost model is measured first (sched_calibrate, as `fllm
 * calibrate` does) into a private cache folder, so the contexts below plan
 * with this machine's figures. A context with no budget gives the model's
 * whole card footprint; then, for card-memory budgets that hold all of the
 * weights, half of them and a tenth of them (besides the KV cache and
 * activations), a child process creates a context with that budget (the
 * scheduler places the layers: resident, streamed or on the host), runs a
 * prompt and decodes greedily, timing every token. Per budget it prints
 * the placement, the predicted and the measured time per token (median
 * over tokens, then over repeats), the prediction's error and the child's
 * peak resident set (wait4's ru_maxrss), beside the unconstrained run.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "args.h"
#include "bench_util.h"
#include "fllm/fllm.h"
#include "fllm/fllm_model.h"
#include "fllm/fllm_package.h"
#include "../runtime/engine/sched/calibrate.h"

#define BS_MODELS_DIR FLLM_BENCH_MODELS_DIR
#define BS_REPEATS_MAX 16
#define BS_GEN_MAX 4096

struct bs_cfg {
	const char *model, *device;
	uint64_t gen, prompt, repeats;
	int json, smoke;
};

/* What one child run reports back through its pipe. */
struct bs_result {
	int status;			/* fllm_status of the run */
	double t_token;			/* median measured s per decoded token */
	double t_plan;			/* the scheduler's prediction (0: no plan) */
	uint64_t card_bytes, resident_bytes, stream_bytes;
	uint32_t units, streamed, host;
	long max_rss_kb;		/* filled by the parent from wait4 */
};

/* One run in this process: context with card_mem (0: none), prompt, greedy
 * decode of cfg->gen tokens, each timed. */
static void bs_run_here(const struct bs_cfg *cfg, const fllm_model *m, uint64_t card_mem,
			struct bs_result *r)
{
	uint32_t n_ctx = (uint32_t)(cfg->prompt + cfg->gen);
	fllm_context_params cp = { .device = cfg->device, .n_ctx = n_ctx, .card_mem = card_mem };
	fllm_model_info mi;
	fllm_context_stats st;
	fllm_context *c = NULL;
	double *t = calloc(cfg->gen, sizeof(*t));
	int32_t tok = 1;

	memset(r, 0, sizeof(*r));
	fllm_model_info_get(m, &mi);
	r->status = t ? fllm_context_create(m, &cp, &c) : FLLM_E_NO_MEMORY;
	for (uint64_t i = 0; !r->status && i < cfg->prompt; i++) {
		int32_t id = (int32_t)((i * 7919 + 3) % mi.vocab_size);

		r->status = fllm_context_eval(c, &id, 1);
	}
	for (uint64_t i = 0; !r->status && i < cfg->gen; i++) {
		double t0 = bench_now();

		tok = bench_argmax(fllm_context_logits(c), mi.vocab_size);
		r->status = fllm_context_eval(c, &tok, 1);
		t[i] = bench_now() - t0;
	}
	if (!r->status) {
		fllm_context_stats_get(c, &st);
		r->t_token = bench_median(t, cfg->gen);
		r->t_plan = st.plan_t_token;
		r->card_bytes = st.card_bytes;
		r->resident_bytes = st.card_resident_bytes;
		r->stream_bytes = st.card_stream_bytes;
		r->units = st.card_units;
		r->streamed = st.card_streamed;
		r->host = st.card_host;
	}
	fllm_context_free(c);
	free(t);
}

/* The same in a child process, so each run's peak RSS is its own. */
static int bs_run(const struct bs_cfg *cfg, const fllm_model *m, uint64_t card_mem,
		  struct bs_result *r)
{
	struct rusage ru;
	int fd[2], wst;
	pid_t pid;

	if (pipe(fd))
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		close(fd[0]);
		bs_run_here(cfg, m, card_mem, r);
		_exit(write(fd[1], r, sizeof(*r)) == (ssize_t)sizeof(*r) ? 0 : 1);
	}
	close(fd[1]);
	memset(r, 0, sizeof(*r));
	if (read(fd[0], r, sizeof(*r)) != (ssize_t)sizeof(*r))
		r->status = FLLM_E_IO;
	close(fd[0]);
	if (wait4(pid, &wst, 0, &ru) != pid || !WIFEXITED(wst) || WEXITSTATUS(wst))
		r->status = r->status ? r->status : FLLM_E_IO;
	r->max_rss_kb = ru.ru_maxrss;
	return 0;
}

/* Median over cfg->repeats child runs (each a median over tokens). */
static struct bs_result bs_measure(const struct bs_cfg *cfg, const fllm_model *m,
				   uint64_t card_mem)
{
	double t[BS_REPEATS_MAX];
	struct bs_result r, first = { .status = FLLM_E_IO };
	long rss = 0;

	for (uint64_t k = 0; k < cfg->repeats; k++) {
		if (bs_run(cfg, m, card_mem, &r) || r.status) {
			first.status = r.status ? r.status : FLLM_E_IO;
			return first;
		}
		if (!k)
			first = r;
		t[k] = r.t_token;
		rss = r.max_rss_kb > rss ? r.max_rss_kb : rss;
	}
	first.t_token = bench_median(t, cfg->repeats);
	first.max_rss_kb = rss;
	return first;
}

/* Measure the device's cost model into a private cache folder that the
 * contexts read (XDG_CACHE_HOME), as `fllm calibrate` does. */
static int bs_calibrate(const struct bs_cfg *cfg, const fllm_model *m, char *dir, size_t len)
{
	struct sched_calibrate_opts o = { .device = cfg->device, .seconds = cfg->smoke ? 0.05 : 0 };
	fllm_quant_params qp = { 4, 32, 1, 1 };
	struct sched_cost cost;
	char err[256] = "", path[1024];
	double t0 = bench_now();

	fllm_package_quant_get(m, &qp);
	o.bits = qp.bits;
	o.group = qp.group;
	snprintf(dir, len, "/tmp/fllm-bench-sched-XXXXXX");
	if (!mkdtemp(dir) || setenv("XDG_CACHE_HOME", dir, 1) ||
	    snprintf(path, sizeof(path), "%s/fllm", dir) < 0 || mkdir(path, 0700)) {
		fprintf(stderr, "bench_sched: cannot make a cache folder: %s\n", strerror(errno));
		return -1;
	}
	if (sched_calibrate(&o, &cost, err, sizeof(err)) ||
	    sched_cost_default_path(cfg->device, path, sizeof(path)) ||
	    sched_cost_write(&cost, path, err, sizeof(err))) {
		fprintf(stderr, "bench_sched: calibrating %s: %s\n", cfg->device, err);
		return -1;
	}
	if (!cfg->json)
		printf("cost model  %s, measured in %.1f s (fllm calibrate --device %s)\n", path,
		       bench_now() - t0, cfg->device);
	return 0;
}

/* Remove the cache folder and its one file. */
static void bs_cleanup(const char *dir, const char *device)
{
	char path[1024];

	if (!sched_cost_default_path(device, path, sizeof(path)))
		unlink(path);
	snprintf(path, sizeof(path), "%s/fllm", dir);
	rmdir(path);
	rmdir(dir);
}

/* One budget's line: a table row, or a JSON object on its own line. */
static void bs_row(const struct bs_cfg *cfg, const char *name, uint64_t budget,
		   const struct bs_result *r)
{
	double err = r->t_plan > 0 ? (r->t_token - r->t_plan) / r->t_plan : 0.0;

	if (cfg->json) {
		printf("{\"bench\": \"sched\", \"budget\": \"%s\", \"card_mem_bytes\": %" PRIu64
		       ", \"card_bytes\": %" PRIu64 ", \"units\": %u, \"resident\": %u, "
		       "\"streamed\": %u, \"host\": %u, \"measured_s_per_token\": %.6g",
		       name, budget, r->card_bytes, r->units, r->units - r->streamed - r->host,
		       r->streamed, r->host, r->t_token);
		if (r->t_plan > 0)
			printf(", \"predicted_s_per_token\": %.6g, \"prediction_error\": %.4f",
			       r->t_plan, err);
		printf(", \"peak_rss_kb\": %ld}\n", r->max_rss_kb);
		return;
	}
	printf("%-12s %10.2f %10.2f %4u/%u/%u %12.3f ", name, (double)budget / (1 << 20),
	       (double)r->card_bytes / (1 << 20), r->units - r->streamed - r->host, r->streamed,
	       r->host, r->t_token * 1e3);
	if (r->t_plan > 0)
		printf("%12.3f %+8.1f%%", r->t_plan * 1e3, 100.0 * err);
	else
		printf("%12s %9s", "-", "-");
	printf(" %10.1f\n", (double)r->max_rss_kb / 1024);
}

static int bs_main(const struct bs_cfg *cfg)
{
	static const struct { const char *name; double keep; } budgets[] = {
		{ "full", 1.0 }, { "half", 0.5 }, { "tenth", 0.1 },
	};
	char err[FLLM_ERROR_MAX] = "", dir[64];
	struct bs_result base, r;
	fllm_model *m = NULL;
	int rc = 1;

	if (fllm_model_open(cfg->model, &m, err, sizeof(err))) {
		fprintf(stderr, "bench_sched: %s\n", err);
		return 1;
	}
	bench_print_machine(cfg->json);
	if (cfg->json)
		printf(", \"model\": \"%s\", \"device\": \"%s\", \"gen\": %" PRIu64
		       ", \"repeats\": %" PRIu64 "}\n", cfg->model, cfg->device, cfg->gen,
		       cfg->repeats);
	if (bs_calibrate(cfg, m, dir, sizeof(dir)))
		goto out;
	base = bs_measure(cfg, m, 0);
	if (base.status) {
		fprintf(stderr, "bench_sched: %s on %s: %s\n", cfg->model, cfg->device,
			fllm_status_str(base.status));
		goto out_dir;
	}
	if (!cfg->json) {
		printf("model       %s on %s: %" PRIu64 " prompt tokens, %" PRIu64 " decoded, "
		       "median of %" PRIu64 " runs\n\n", cfg->model, cfg->device, cfg->prompt,
		       cfg->gen, cfg->repeats);
		printf("%-12s %10s %10s %8s %12s %12s %9s %10s\n", "budget", "MiB", "card MiB",
		       "res/str/host", "ms/token", "predicted", "error", "peak RSS MiB");
	}
	bs_row(cfg, "unlimited", 0, &base);
	rc = 0;
	for (size_t k = 0; k < sizeof(budgets) / sizeof(budgets[0]); k++) {
		uint64_t drop = (uint64_t)((1.0 - budgets[k].keep) * (double)base.resident_bytes);
		uint64_t budget = base.card_bytes - drop;

		r = bs_measure(cfg, m, budget);
		if (r.status) {
			fprintf(stderr, "bench_sched: budget %s (%" PRIu64 " bytes): %s\n",
				budgets[k].name, budget, fllm_status_str(r.status));
			rc = 1;
			continue;
		}
		bs_row(cfg, budgets[k].name, budget, &r);
	}
out_dir:
	bs_cleanup(dir, cfg->device);
out:
	fllm_model_free(m);
	return rc;
}

int main(int argc, char **argv)
{
	struct bs_cfg cfg = { .model = BS_MODELS_DIR "/stories260K.bin", .device = "emu:0",
			      .gen = 64, .prompt = 8, .repeats = 3 };
	const struct cli_opt opts[] = {
		{ "-m", CLI_OPT_STRING, &cfg.model, "MODEL", "model or package (default "
		  "stories260K)", 0, 0 },
		{ "--device", CLI_OPT_STRING, &cfg.device, "D", "card (default emu:0)", 0, 0 },
		{ "--gen", CLI_OPT_U64, &cfg.gen, "N", "decoded tokens per run (default 64)", 2,
		  BS_GEN_MAX },
		{ "--prompt", CLI_OPT_U64, &cfg.prompt, "N", "prompt tokens (default 8)", 1, 4096 },
		{ "--repeat", CLI_OPT_U64, &cfg.repeats, "R", "runs per budget (default 3)", 1,
		  BS_REPEATS_MAX },
		{ "--smoke", CLI_OPT_FLAG, &cfg.smoke, NULL, "short calibration (tests)", 0, 0 },
		{ "--json", CLI_OPT_FLAG, &cfg.json, NULL, "one JSON document", 0, 0 },
		{ NULL, 0, NULL, NULL, NULL, 0, 0 },
	};
	int npos, rc = cli_args_command(argc, argv, opts, NULL, 0, &npos,
					"[-m MODEL] [--device D] [--gen N] [--repeat R] [--json]",
					"The layer scheduler's predicted time per token against "
					"the measured one, for card budgets holding all, half and "
					"a tenth of the weights.");

	if (rc >= 0)
		return rc;
	if (access(cfg.model, R_OK)) {
		fprintf(stderr, "bench_sched: SKIP: %s not readable\n", cfg.model);
		return 77;
	}
	return bs_main(&cfg);
}
