/* fllm: the command-line front end of the fllm runtime. */
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "bench/bench_command.h"
#include "commands.h"
#include "fllm_card.h"
#include "eval_command.h"
#include "image_command.h"
#include "plan_command.h"
#include "quantize_command.h"
#include "run_command.h"
#include "loadtest/loadtest_command.h"
#include "serve/serve_command.h"
#include "top/top.h"

const struct cli_command cli_commands[] = {
	{ "help", cli_cmd_help, "list commands or show one command's options" },
	{ "devices", cli_cmd_devices, "list fllm cards: emulated ones and PCIe devices" },
	{ "examine", cli_cmd_examine, "show a card's identity, resources and live telemetry" },
	{ "validate", cli_cmd_validate, "run the hardware-validation suite on a card" },
	{ "run", cli_cmd_run, "generate text with a Llama model: fp32 on the CPU or quantized "
	  "on a card" },
	{ "quantize", cli_cmd_quantize, "quantize a model for the card into a model package" },
	{ "serve", cli_cmd_serve, "serve a model over an OpenAI-compatible HTTP API with "
	  "continuous batching" },
	{ "loadtest", cli_cmd_loadtest, "load-test an OpenAI-compatible server (fllm serve): "
	  "requests/s, tokens/s, time to first token" },
	{ "plan", cli_cmd_plan, "plan where each layer runs (card or CPU) for a card-memory "
	  "budget and predict the time per token" },
	{ "calibrate", cli_cmd_calibrate, "measure the host's and a card's speeds for fllm plan" },
	{ "bench", cli_cmd_bench, "measure speed, latency, traffic and energy of a model on "
	  "one or more devices side by side" },
	{ "top", cli_cmd_top, "watch a card's telemetry live (power, temperature, utilisation, "
	  "traffic)" },
	{ "eval", cli_cmd_eval, "compare the quantized card decoder with fp32 on a text" },
	{ "image", cli_cmd_image, "write, inspect or verify a card image (.xclbin)" },
	{ "program", cli_cmd_program, "program a card with an image (simulated cards: clock, "
	  "memory, units)" },
	{ NULL, NULL, NULL },
};

/* Dispatch argv[1] to its command; handle --version and --help here. */
int main(int argc, char **argv)
{
	const struct cli_command *c;

	if (argc < 2) {
		fprintf(stderr, "usage: fllm <command> [options]  (see 'fllm help')\n");
		return CLI_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("fllm %s (card interface %u.%u)\n", FLLM_VERSION_STRING,
		       FLLM_CARD_IF_MAJOR, FLLM_CARD_IF_MINOR);
		return CLI_EXIT_OK;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return cli_cmd_help(1, argv);
	for (c = cli_commands; c->name; c++)
		if (!strcmp(c->name, argv[1]))
			return c->run(argc - 1, argv + 1);
	fprintf(stderr, "fllm: unknown command '%s' (see 'fllm help')\n", argv[1]);
	return CLI_EXIT_USAGE;
}
