/* fllm examine [DEVICE]: a card's identity, resources and sampled telemetry. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "args.h"
#include "card_names.h"
#include "commands.h"
#include "device_open.h"
#include "fllm/fllm.h"
#include "fllm_card.h"
#include "json.h"
#include "units.h"

/* Sleep ms milliseconds, resuming after signals. */
static void examine_sleep_ms(uint64_t ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts))
		;
}

static void examine_print_info(const fllm_device_info *in)
{
	char caps[160], size[32];
	uint32_t i;

	printf("device         %s (backend %s)\n", in->name, in->backend);
	printf("interface      %u.%u (runtime speaks %u.%u)\n",
	       FLLM_CARD_IF_VERSION_MAJOR(in->if_version),
	       FLLM_CARD_IF_VERSION_MINOR(in->if_version), FLLM_CARD_IF_MAJOR,
	       FLLM_CARD_IF_MINOR);
	printf("firmware       %u.%u\n", in->fw_version >> 16, in->fw_version & 0xffffu);
	printf("caps           0x%08x %s\n", in->caps, cli_caps_names(in->caps, caps,
								    sizeof(caps)));
	printf("memory         %s in %u channel%s, %u MB/s each, %.1f GB/s peak\n",
	       cli_format_bytes(in->mem_size, size, sizeof(size)), in->mem_channels,
	       in->mem_channels == 1 ? "" : "s", in->mem_chan_mbps,
	       (double)in->mem_chan_mbps * in->mem_channels / 1000.0);
	printf("clock          %.3f MHz\n", in->clock_khz / 1000.0);
	printf("command ring   %u entries, DMA descriptors up to %s\n", in->ring_entries,
	       cli_format_bytes(in->dma_max_len, size, sizeof(size)));
	printf("compute units  %u\n", in->cu_count);
	for (i = 0; i < in->cu_count && i < FLLM_CU_INFO_MAX; i++)
		printf("  cu%-2u         %-10s version %u\n", i,
		       cli_cu_type_name(FLLM_CU_INFO_TYPE(in->cu_info[i])),
		       FLLM_CU_INFO_VERSION(in->cu_info[i]));
}

static void examine_print_sample_header(void)
{
	printf("\n%4s %8s %7s %8s %6s %6s %10s %14s %8s %7s %7s %5s %6s %6s\n", "#",
	       "power_W", "temp_C", "vccint_V", "util%", "mem%", "energy_J", "cycles", "cmds",
	       "cmd_err", "dma_err", "wdog", "resets", "irqs");
}

static void examine_print_sample(unsigned int i, const fllm_telemetry *t)
{
	printf("%4u %8.3f %7.2f %8.3f %6.1f %6.1f %10.3f %14" PRIu64 " %8" PRIu64
	       " %7u %7u %5u %6u %6u\n",
	       i, t->power_mw / 1000.0, t->temp_mc / 1000.0, t->vccint_mv / 1000.0,
	       t->util_permille / 10.0, t->mem_util_permille / 10.0, t->energy_mj / 1000.0,
	       t->cycles, t->cmds, t->cmd_errors, t->dma_errors, t->watchdog_resets,
	       t->reset_count, t->irq_count);
}

static void examine_json_info(struct cli_json *j, const fllm_device_info *in)
{
	char caps[160], ver[32];
	uint32_t i;

	cli_json_object_begin(j, "device");
	cli_json_str(j, "name", in->name);
	cli_json_str(j, "backend", in->backend);
	snprintf(ver, sizeof(ver), "%u.%u", FLLM_CARD_IF_VERSION_MAJOR(in->if_version),
		 FLLM_CARD_IF_VERSION_MINOR(in->if_version));
	cli_json_str(j, "interface_version", ver);
	snprintf(ver, sizeof(ver), "%u.%u", in->fw_version >> 16, in->fw_version & 0xffffu);
	cli_json_str(j, "firmware_version", ver);
	cli_json_u64(j, "caps", in->caps);
	cli_json_str(j, "caps_names", cli_caps_names(in->caps, caps, sizeof(caps)));
	cli_json_u64(j, "mem_size", in->mem_size);
	cli_json_u64(j, "mem_channels", in->mem_channels);
	cli_json_u64(j, "mem_chan_mbps", in->mem_chan_mbps);
	cli_json_u64(j, "clock_khz", in->clock_khz);
	cli_json_u64(j, "ring_entries", in->ring_entries);
	cli_json_u64(j, "dma_max_len", in->dma_max_len);
	cli_json_array_begin(j, "compute_units");
	for (i = 0; i < in->cu_count && i < FLLM_CU_INFO_MAX; i++) {
		cli_json_object_begin(j, NULL);
		cli_json_str(j, "type", cli_cu_type_name(FLLM_CU_INFO_TYPE(in->cu_info[i])));
		cli_json_u64(j, "version", FLLM_CU_INFO_VERSION(in->cu_info[i]));
		cli_json_object_end(j);
	}
	cli_json_array_end(j);
	cli_json_object_end(j);
}

static void examine_json_sample(struct cli_json *j, const fllm_telemetry *t)
{
	cli_json_object_begin(j, NULL);
	cli_json_u64(j, "power_mw", t->power_mw);
	cli_json_i64(j, "temp_mc", t->temp_mc);
	cli_json_u64(j, "vccint_mv", t->vccint_mv);
	cli_json_u64(j, "util_permille", t->util_permille);
	cli_json_u64(j, "mem_util_permille", t->mem_util_permille);
	cli_json_u64(j, "energy_mj", t->energy_mj);
	cli_json_u64(j, "cycles", t->cycles);
	cli_json_u64(j, "cmds", t->cmds);
	cli_json_u64(j, "cmd_errors", t->cmd_errors);
	cli_json_u64(j, "dma_errors", t->dma_errors);
	cli_json_u64(j, "watchdog_resets", t->watchdog_resets);
	cli_json_u64(j, "reset_count", t->reset_count);
	cli_json_u64(j, "irq_count", t->irq_count);
	cli_json_object_end(j);
}

/* Print the info block, then samples telemetry n times, interval_ms apart. */
int cli_cmd_examine(int argc, char **argv)
{
	static const char synopsis[] = "[DEVICE] [--samples N] [--interval-ms MS] [--json]";
	static const char summary[] =
		"Show a card's interface and firmware versions, capabilities, memory, clock and\n"
		"compute units, then sample its telemetry. DEVICE defaults to emu:0.";
	uint64_t samples = 1, interval_ms = 100, i;
	const char *pos[1] = { "emu:0" };
	fllm_device_info info;
	fllm_telemetry tel;
	fllm_device *dev;
	struct cli_json j;
	fllm_status st;
	int json = 0, npos, rc;
	struct cli_opt opts[] = {
		{ "--samples", CLI_OPT_U64, &samples, "N", "telemetry samples (1..100000)", 1,
		  100000 },
		{ "--interval-ms", CLI_OPT_U64, &interval_ms, "MS",
		  "time between samples (0..60000)", 0, 60000 },
		{ "--json", CLI_OPT_FLAG, &json, NULL, "print one JSON document", 0, 0 },
		{ NULL, CLI_OPT_FLAG, NULL, NULL, NULL, 0, 0 },
	};

	rc = cli_args_command(argc, argv, opts, pos, 1, &npos, synopsis, summary);
	if (rc >= 0)
		return rc;
	if (cli_device_open(argv[0], pos[0], &dev) != FLLM_OK)
		return CLI_EXIT_NO_DEVICE;
	st = fllm_device_info_get(dev, &info);
	if (st != FLLM_OK)
		goto err_close;
	if (json) {
		cli_json_init(&j, stdout);
		cli_json_object_begin(&j, NULL);
		examine_json_info(&j, &info);
		cli_json_array_begin(&j, "telemetry");
	} else {
		examine_print_info(&info);
		examine_print_sample_header();
	}
	for (i = 0; i < samples; i++) {
		if (i)
			examine_sleep_ms(interval_ms);
		st = fllm_device_telemetry(dev, &tel);
		if (st != FLLM_OK)
			goto err_close;
		if (json)
			examine_json_sample(&j, &tel);
		else
			examine_print_sample((unsigned int)i, &tel);
		fflush(stdout);
	}
	if (json) {
		cli_json_array_end(&j);
		cli_json_object_end(&j);
		cli_json_end(&j);
	}
	fllm_device_close(dev);
	return CLI_EXIT_OK;

err_close:
	fllm_device_close(dev);
	fprintf(stderr, "\nfllm examine: %s: %s\n", pos[0], fllm_status_str(st));
	return CLI_EXIT_FAIL;
}
