/*
 * fllm plan: where each part of a model would run for a card-memory budget
 * (docs/scheduler.md): per unit the placement and why, the predicted time
 * per token of decode and of prefill, card memory used against the budget;
 * text or --json. Nothing runs on a card: the costs come from the
 * device's calibration file or the built-in reference card.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "fllm/fllm_model.h"
#include "json.h"
#include "plan_command.h"
#include "sched_model.h"
#include "units.h"

#define PLAN_NOT_GIVEN UINT64_MAX

/* One phase's problem and plan. */
struct plan_phase {
	const char *name;		/* "decode", "prefill" */
	struct sched_problem pb;
	struct sched_unit_cost *units;
	struct sched_plan plan;
};

/* "layer 3 attention", "head". */
static const char *unit_label(const struct sched_unit_place *u, char *buf, size_t len)
{
	if (u->kind == SCHED_UNIT_HEAD)
		snprintf(buf, len, "head");
	else
		snprintf(buf, len, "layer %u %s", u->layer, sched_unit_kind_name(u->kind));
	return buf;
}

static void print_phase(const struct plan_phase *ph)
{
	const struct sched_plan *p = &ph->plan;
	char a[32], b[32], c[32], label[48], why[256];

	sched_format_time(p->t_token, a, sizeof(a));
	printf("\n%s (%u token%s per step): %s per token, %.1f tokens/s; card memory %s of %s",
	       ph->name, p->tokens, p->tokens == 1 ? "" : "s", a,
	       p->t_token > 0 ? 1.0 / p->t_token : 0.0, cli_format_bytes(p->card_bytes, b, sizeof(b)),
	       cli_format_bytes(p->budget, c, sizeof(c)));
	printf(" (staging %s)\n", cli_format_bytes(p->staging_bytes, a, sizeof(a)));
	printf("  %-20s %-9s %11s %11s  %s\n", "unit", "place", "card", "time/step", "reason");
	for (uint32_t i = 0; i < p->n_units; i++) {
		const struct sched_unit_place *u = &p->unit[i];

		sched_format_time(u->t, a, sizeof(a));
		printf("  %-20s %-9s %11s %11s  %s\n", unit_label(u, label, sizeof(label)),
		       sched_place_name(u->place), cli_format_bytes(u->card_bytes, b, sizeof(b)), a,
		       sched_plan_reason(&ph->pb, p, i, why, sizeof(why)));
	}
}

static void json_phase(struct cli_json *j, const struct plan_phase *ph)
{
	const struct sched_plan *p = &ph->plan;
	char label[48], why[256];

	cli_json_object_begin(j, ph->name);
	cli_json_u64(j, "tokens_per_step", p->tokens);
	cli_json_double(j, "time_per_step_s", p->t_step);
	cli_json_double(j, "time_per_token_s", p->t_token);
	cli_json_u64(j, "card_bytes", p->card_bytes);
	cli_json_u64(j, "staging_bytes", p->staging_bytes);
	cli_json_u64(j, "budget_bytes", p->budget);
	cli_json_array_begin(j, "units");
	for (uint32_t i = 0; i < p->n_units; i++) {
		const struct sched_unit_place *u = &p->unit[i];

		cli_json_object_begin(j, NULL);
		cli_json_str(j, "unit", unit_label(u, label, sizeof(label)));
		cli_json_str(j, "kind", sched_unit_kind_name(u->kind));
		cli_json_u64(j, "layer", u->layer);
		cli_json_str(j, "place", sched_place_name(u->place));
		cli_json_u64(j, "card_bytes", u->card_bytes);
		cli_json_double(j, "time_s", u->t);
		cli_json_str(j, "reason", sched_plan_reason(&ph->pb, p, i, why, sizeof(why)));
		cli_json_object_end(j);
	}
	cli_json_array_end(j);
	cli_json_object_end(j);
}

/*
 * The cost model: --cost FILE, else the device's calibration file when one
 * exists, else the reference card. *source receives what was used.
 */
static int plan_cost(const char *file, const char *device, uint32_t bits, uint32_t group,
		     struct sched_cost *c, char *source, size_t len)
{
	char path[1024], err[512];
	fllm_status st;

	if (!file && sched_cost_default_path(device, path, sizeof(path)) == FLLM_OK &&
	    access(path, F_OK) == 0)
		file = path;
	if (file) {
		st = sched_cost_read(file, c, err, sizeof(err));
		if (st) {
			fprintf(stderr, "fllm plan: cost model %s\n", err);
			return CLI_EXIT_FAIL;
		}
		snprintf(source, len, "%s", file);
		return -1;
	}
	if (sched_cost_reference(bits, group, c) != FLLM_OK) {
		fprintf(stderr, "fllm plan: no reference cost model for q %u g %u\n", bits, group);
		return CLI_EXIT_USAGE;
	}
	snprintf(source, len, "reference");
	return -1;
}

/* Solve one phase; prints why on failure and returns the exit status, else -1. */
static int plan_solve(const fllm_model *model, const struct sched_cost *c,
		      const struct sched_options *o, struct plan_phase *ph)
{
	char err[512], a[32], b[32];
	fllm_status st;

	st = sched_problem_for_model(model, c, o, &ph->pb, &ph->units, err, sizeof(err));
	if (st) {
		fprintf(stderr, "fllm plan: %s\n", err);
		return st == FLLM_E_INVALID_ARG ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
	}
	st = sched_plan_solve(&ph->pb, &ph->plan);
	if (st == FLLM_E_NO_CARD_MEMORY) {
		fprintf(stderr, "fllm plan: %s: no placement fits a card budget of %s: the smallest "
			"needs %s (activations, KV cache on the card, streaming staging)%s\n",
			ph->name, cli_format_bytes(ph->pb.budget, a, sizeof(a)),
			cli_format_bytes(ph->plan.min_card_bytes, b, sizeof(b)),
			o->no_cpu || o->card_layers >= 0 ? "; the CPU may not take the rest" : "");
		return CLI_EXIT_FAIL;
	}
	if (st) {
		fprintf(stderr, "fllm plan: %s: %s\n", ph->name, fllm_status_str(st));
		return CLI_EXIT_FAIL;
	}
	return -1;
}

int cli_cmd_plan(int argc, char **argv)
{
	const char *model_path = NULL, *device = "emu:0", *cost_file = NULL;
	uint64_t card_mem = 0, bits = 0, group = 0, ctx = 0, batch = 1, prefill = 0;
	uint64_t card_layers = PLAN_NOT_GIVEN;
	int json = 0, no_cpu = 0, whole = 0, rc;
	const struct cli_opt opts[] = {
		{ "-m", CLI_OPT_STRING, &model_path, "PATH", "model: GGUF, llama2.c .bin or package "
		  "(default: the built-in synthetic model)", 0, 0 },
		{ "--card-mem", CLI_OPT_SIZE, &card_mem, "SIZE", "card-memory budget, e.g. 512M, 2G "
		  "(default: the device's memory)", 1, 0 },
		{ "--device", CLI_OPT_STRING, &device, "D", "device whose cost file to use "
		  "(default emu:0)", 0, 0 },
		{ "--bits", CLI_OPT_U64, &bits, "Q", "weight bit-planes 1..8 (default 4; a "
		  "package's own)", 1, 8 },
		{ "--group", CLI_OPT_U64, &group, "G", "group 16, 32, 64, 128 or 256 (default 32; "
		  "a package's own)", 16, 256 },
		{ "--ctx", CLI_OPT_U64, &ctx, "N", "context positions (default: the model's)", 1,
		  1u << 24 },
		{ "--batch", CLI_OPT_U64, &batch, "B", "sequences decoded together, 1..256 (1)", 1,
		  256 },
		{ "--prefill", CLI_OPT_U64, &prefill, "N", "prompt tokens per prefill step, 1..256 "
		  "(default min(32, ctx))", 1, 256 },
		{ "--card-layers", CLI_OPT_U64, &card_layers, "N", "force layers below N onto the "
		  "card, the rest onto the CPU (N = every layer: the head too)", 0, 1u << 20 },
		{ "--no-cpu", CLI_OPT_FLAG, &no_cpu, NULL, "every unit on the card", 0, 0 },
		{ "--whole-layers", CLI_OPT_FLAG, &whole, NULL, "place whole layers, not attention "
		  "and MLP apart", 0, 0 },
		{ "--cost", CLI_OPT_STRING, &cost_file, "FILE", "cost model file (default: the "
		  "device's from fllm calibrate, else the reference card)", 0, 0 },
		{ "--json", CLI_OPT_FLAG, &json, NULL, "print the plan as JSON", 0, 0 },
		{ NULL, CLI_OPT_FLAG, NULL, NULL, NULL, 0, 0 },
	};
	struct plan_phase ph[2] = { { .name = "decode" }, { .name = "prefill" } };
	struct sched_options o[2];
	struct sched_cost cost;
	char source[1024], err[FLLM_ERROR_MAX] = "", a[32];
	fllm_model *model = NULL;
	fllm_model_info mi;
	fllm_status st;
	int npos;

	rc = cli_args_command(argc, argv, opts, NULL, 0, &npos,
			      "[-m MODEL] [--card-mem SIZE] [--device D] [--bits Q] [--group G] "
			      "[--ctx N] [--batch B] [--card-layers N] [--cost FILE] [--json]",
			      "Plan where each layer runs (card resident, streamed, or CPU) for a "
			      "card-memory budget, and predict the time per token.");
	if (rc >= 0)
		return rc;
	if (group && (group & (group - 1))) {
		fprintf(stderr, "fllm plan: --group %llu: must be 16, 32, 64, 128 or 256\n",
			(unsigned long long)group);
		return CLI_EXIT_USAGE;
	}
	if (no_cpu && card_layers != PLAN_NOT_GIVEN) {
		fprintf(stderr, "fllm plan: --no-cpu and --card-layers exclude each other\n");
		return CLI_EXIT_USAGE;
	}
	rc = plan_cost(cost_file, device, (uint32_t)bits, (uint32_t)group, &cost, source,
		       sizeof(source));
	if (rc >= 0)
		return rc;
	if (model_path) {
		st = fllm_model_open(model_path, &model, err, sizeof(err));
	} else {
		fprintf(stderr, "fllm plan: no -m given: planning the built-in synthetic model\n");
		st = fllm_model_open_synthetic(0x5eed5eedull, &model);
	}
	if (st) {
		fprintf(stderr, "fllm plan: %s\n", err[0] ? err : fllm_status_str(st));
		return CLI_EXIT_FAIL;
	}
	fllm_model_info_get(model, &mi);
	ctx = ctx ? ctx : mi.context_length ? mi.context_length : 2048;
	for (int i = 0; i < 2; i++) {
		memset(&o[i], 0, sizeof(o[i]));
		o[i].seqs = (uint32_t)batch;
		o[i].n_ctx = (uint32_t)ctx;
		o[i].bits = (uint32_t)bits;
		o[i].group = (uint32_t)group;
		o[i].card_layers = card_layers == PLAN_NOT_GIVEN ? -1 : (int32_t)card_layers;
		o[i].no_cpu = no_cpu;
		o[i].whole_layers = whole;
		o[i].budget = card_mem;
	}
	o[0].tokens = (uint32_t)batch;
	o[0].positions = (double)ctx / 2;	/* decode across a whole context */
	o[1].tokens = (uint32_t)(prefill ? prefill : ctx < 32 ? ctx : 32);
	o[1].positions = (o[1].tokens + 1) / 2.0;	/* a prompt's first chunk */
	rc = -1;
	for (int i = 0; i < 2 && rc < 0; i++)
		rc = plan_solve(model, &cost, &o[i], &ph[i]);
	if (rc < 0 && json) {
		struct cli_json j;

		cli_json_init(&j, stdout);
		cli_json_object_begin(&j, NULL);
		cli_json_str(&j, "model", model_path ? model_path : "synthetic");
		cli_json_str(&j, "name", mi.name);
		cli_json_u64(&j, "layers", mi.n_layers);
		cli_json_str(&j, "cost_model", source);
		cli_json_str(&j, "device", device);
		cli_json_u64(&j, "budget_bytes", ph[0].pb.budget);
		cli_json_u64(&j, "ctx", ctx);
		cli_json_u64(&j, "batch", batch);
		json_phase(&j, &ph[0]);
		json_phase(&j, &ph[1]);
		cli_json_object_end(&j);
		cli_json_end(&j);
		rc = CLI_EXIT_OK;
	} else if (rc < 0) {
		printf("fllm plan: %s, %u layers, dim %u, vocab %u; context %llu, batch %llu\n",
		       mi.name, mi.n_layers, mi.dim, mi.vocab_size, (unsigned long long)ctx,
		       (unsigned long long)batch);
		printf("cost model: %s; card-memory budget %s\n",
		       strcmp(source, "reference") ? source
						   : "the built-in reference card (fllm "
						     "calibrate measures this machine)",
		       cli_format_bytes(ph[0].pb.budget, a, sizeof(a)));
		print_phase(&ph[0]);
		print_phase(&ph[1]);
		rc = CLI_EXIT_OK;
	}
	for (int i = 0; i < 2; i++) {
		sched_plan_free(&ph[i].plan);
		free(ph[i].units);
	}
	fllm_model_free(model);
	return rc;
}
