/*
 * plan_json_check FILE: parse `fllm plan --json` output with Jansson and
 * check its fields (docs/scheduler.md "Plan output"): the top-level keys,
 * and for decode and prefill a positive time per token, card bytes within
 * the budget and equal to the units' sum plus what the plan adds, and each
 * unit with its kind, layer, place (resident, streamed or cpu), bytes, time
 * and reason. Prints one line per phase, "decode: place place ...", for
 * the calling script to compare plans; exits 1 naming the first problem.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

static int fail(const char *what)
{
	fprintf(stderr, "plan_json_check: %s\n", what);
	return 1;
}

static int check_phase(json_t *root, const char *name, json_int_t budget, json_int_t layers)
{
	json_t *ph = json_object_get(root, name), *units;
	json_int_t card, staging, sum = 0;
	size_t i, n;
	double t;

	if (!json_is_object(ph))
		return fail("no decode/prefill object");
	if (!json_is_integer(json_object_get(ph, "tokens_per_step")) ||
	    json_integer_value(json_object_get(ph, "tokens_per_step")) < 1)
		return fail("tokens_per_step missing or < 1");
	t = json_number_value(json_object_get(ph, "time_per_token_s"));
	if (!json_is_number(json_object_get(ph, "time_per_token_s")) || !(t > 0))
		return fail("time_per_token_s missing or not > 0");
	card = json_integer_value(json_object_get(ph, "card_bytes"));
	staging = json_integer_value(json_object_get(ph, "staging_bytes"));
	if (!json_is_integer(json_object_get(ph, "card_bytes")) || card > budget ||
	    json_integer_value(json_object_get(ph, "budget_bytes")) != budget)
		return fail("card_bytes missing or over the budget");
	units = json_object_get(ph, "units");
	n = json_array_size(units);
	if (!json_is_array(units) || n != (size_t)(2 * layers + 1))
		return fail("units is not an array of 2 x layers + 1");
	printf("%s:", name);
	for (i = 0; i < n; i++) {
		json_t *u = json_array_get(units, i);
		const char *place = json_string_value(json_object_get(u, "place"));
		const char *kind = json_string_value(json_object_get(u, "kind"));

		if (!place || (strcmp(place, "resident") && strcmp(place, "streamed") &&
			       strcmp(place, "cpu")))
			return fail("a unit without a valid place");
		if (!kind || !json_is_integer(json_object_get(u, "layer")) ||
		    !json_is_integer(json_object_get(u, "card_bytes")) ||
		    !json_is_number(json_object_get(u, "time_s")) ||
		    !json_string_value(json_object_get(u, "reason")) ||
		    strncmp(json_string_value(json_object_get(u, "reason")), place, strlen(place)))
			return fail("a unit lacks kind, layer, card_bytes, time_s or a reason "
				    "starting with its place");
		sum += json_integer_value(json_object_get(u, "card_bytes"));
		printf(" %s", place);
	}
	printf("\n");
	if (sum + staging > card || (sum == 0 && card != 0))
		return fail("card_bytes is not the units' bytes plus staging and activations");
	return 0;
}

int main(int argc, char **argv)
{
	json_error_t e;
	json_t *root;
	json_int_t budget, layers;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: plan_json_check FILE\n");
		return 2;
	}
	root = json_load_file(argv[1], 0, &e);
	if (!root) {
		fprintf(stderr, "plan_json_check: %s: line %d: %s\n", argv[1], e.line, e.text);
		return 1;
	}
	budget = json_integer_value(json_object_get(root, "budget_bytes"));
	layers = json_integer_value(json_object_get(root, "layers"));
	if (!json_string_value(json_object_get(root, "model")) ||
	    !json_string_value(json_object_get(root, "cost_model")) || budget < 1 || layers < 1)
		rc = fail("model, cost_model, budget_bytes or layers missing");
	else
		rc = check_phase(root, "decode", budget, layers) ||
		     check_phase(root, "prefill", budget, layers);
	json_decref(root);
	return rc;
}
