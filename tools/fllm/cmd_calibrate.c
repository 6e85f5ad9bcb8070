/*
 * fllm calibrate: measure the layer scheduler's cost model on this machine
 * and one card (docs/scheduler.md "Cost model") and store it where fllm
 * plan finds it: --out FILE, or the device's file in the cache folder.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "args.h"
#include "calibrate.h"
#include "plan_command.h"
#include "units.h"

/* mkdir -p of path's parent folders. */
static int make_parents(const char *path)
{
	char buf[1024];

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -1;
	for (char *s = buf + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -1;
		*s = '/';
	}
	return 0;
}

static void print_cost(const struct sched_cost *c)
{
	char a[32];

	printf("device %s, LUT-GEMM at q %u g %u\n", c->device, c->bits, c->group);
	printf("  host LUT-GEMM         %10.2f GB/s of records (1 token), %.2f GB/s x tokens "
	       "(8 tokens)\n", c->host_lutgemm / 1e9, c->host_lutgemm_batch / 1e9);
	printf("  host vector ops       %10.3f G elements/s\n", c->host_vector / 1e9);
	printf("  host attention        %10.3f G (position x q-dim)/s\n", c->host_attention / 1e9);
	printf("  card LUT-GEMM         %10.2f GB/s of records (1 token), %.2f GB/s x tokens "
	       "(8 tokens)\n", c->card_lutgemm / 1e9, c->card_lutgemm_batch / 1e9);
	printf("  card vector unit      %10.3f G elements/s\n", c->card_vector / 1e9);
	printf("  card attention unit   %10.3f G (position x q-dim)/s (cycle model)\n",
	       c->card_attention / 1e9);
	printf("  card command          %10.2f us each\n", c->card_command * 1e6);
	printf("  DMA host -> card      %10.2f GB/s, %.2f us per transfer\n",
	       c->dma_bandwidth / 1e9, c->dma_latency * 1e6);
	printf("  card memory           %10s\n", cli_format_bytes(c->card_memory, a, sizeof(a)));
}

int cli_cmd_calibrate(int argc, char **argv)
{
	const char *device = "emu:0", *out = NULL;
	uint64_t bits = 4, group = 32;
	int quick = 0, rc, npos;
	const struct cli_opt opts[] = {
		{ "--device", CLI_OPT_STRING, &device, "D", "card to measure (default emu:0)", 0, 0 },
		{ "--out", CLI_OPT_STRING, &out, "FILE", "where to write the cost model (default: "
		  "$XDG_CACHE_HOME/fllm/cost-D.txt or ~/.cache/fllm/cost-D.txt)", 0, 0 },
		{ "--bits", CLI_OPT_U64, &bits, "Q", "LUT-GEMM bit-planes 1..8 (4)", 1, 8 },
		{ "--group", CLI_OPT_U64, &group, "G", "LUT-GEMM group 16, 32, 64, 128 or 256 (32)",
		  16, 256 },
		{ "--quick", CLI_OPT_FLAG, &quick, NULL, "short runs on a smaller matrix (tests)",
		  0, 0 },
		{ NULL, CLI_OPT_FLAG, NULL, NULL, NULL, 0, 0 },
	};
	struct sched_calibrate_opts co = { 0 };
	struct sched_cost c;
	char path[1024], err[512];
	fllm_status st;

	rc = cli_args_command(argc, argv, opts, NULL, 0, &npos,
			      "[--device D] [--out FILE] [--bits Q] [--group G] [--quick]",
			      "Measure the host's and a card's speeds for fllm plan and store them.");
	if (rc >= 0)
		return rc;
	if (group & (group - 1)) {
		fprintf(stderr, "fllm calibrate: --group %llu: must be 16, 32, 64, 128 or 256\n",
			(unsigned long long)group);
		return CLI_EXIT_USAGE;
	}
	if (!out) {
		if (sched_cost_default_path(device, path, sizeof(path)) != FLLM_OK) {
			fprintf(stderr, "fllm calibrate: neither XDG_CACHE_HOME nor HOME is set: "
				"give --out FILE\n");
			return CLI_EXIT_USAGE;
		}
		if (make_parents(path)) {
			fprintf(stderr, "fllm calibrate: cannot create the folder of %s: %s\n", path,
				strerror(errno));
			return CLI_EXIT_FAIL;
		}
		out = path;
	}
	co.device = device;
	co.bits = (uint32_t)bits;
	co.group = (uint32_t)group;
	co.seconds = quick ? 0.02 : 0.3;
	co.rows = quick ? 512 : 8192;
	st = sched_calibrate(&co, &c, err, sizeof(err));
	if (st) {
		fprintf(stderr, "fllm calibrate: %s\n", err);
		return st == FLLM_E_NO_DEVICE ? CLI_EXIT_NO_DEVICE : CLI_EXIT_FAIL;
	}
	print_cost(&c);
	st = sched_cost_write(&c, out, err, sizeof(err));
	if (st) {
		fprintf(stderr, "fllm calibrate: %s\n", err);
		return CLI_EXIT_FAIL;
	}
	printf("written to %s\n", out);
	return CLI_EXIT_OK;
}
