/*
 * fllm top [--device D] [--interval MS] [--once | --batch [--count N]]:
 * live card telemetry. On a terminal it is a full-screen view; --once
 * prints one plain-text frame (two samples an interval apart, so the rates
 * are real) and --batch prints one every interval, for scripts and tests.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "args.h"
#include "device_open.h"
#include "fllm_card.h"
#include "top.h"
#include "units.h"

#define TOP_PLAIN_WIDTH 100

/* Sleep ms milliseconds. */
static void top_sleep_ms(uint64_t ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts))
		;
}

/* Plain frames: count of them (0: until killed), each after one interval. */
static int top_plain(fllm_device *dev, struct top_sample *s, uint64_t count)
{
	struct top_frame f;

	for (uint64_t k = 0; !count || k < count; k++) {
		double t0 = cli_now();

		top_sleep_ms(s->interval_ms);
		s->prev = s->now;
		if (fllm_device_telemetry(dev, &s->now)) {
			fprintf(stderr, "fllm top: reading the card's telemetry failed\n");
			return CLI_EXIT_FAIL;
		}
		s->dt = cli_now() - t0;
		top_frame_build(&f, s, TOP_PLAIN_WIDTH);
		if (k)
			putchar('\n');
		for (int i = 0; i < f.n; i++)
			puts(f.line[i]);
		fflush(stdout);
	}
	return CLI_EXIT_OK;
}

int cli_cmd_top(int argc, char **argv)
{
	const char *device = "emu:0";
	uint64_t interval = 1000, count = 0;
	int once = 0, batch = 0, npos, rc;
	const struct cli_opt opts[] = {
		{ "--device", CLI_OPT_STRING, &device, "D", "card to watch (default emu:0)", 0,
		  0 },
		{ "--interval", CLI_OPT_U64, &interval, "MS", "milliseconds between samples "
		  "(default 1000)", 50, 3600000 },
		{ "--once", CLI_OPT_FLAG, &once, NULL, "print one plain-text frame and exit", 0,
		  0 },
		{ "--batch", CLI_OPT_FLAG, &batch, NULL, "print plain-text frames, one per "
		  "interval", 0, 0 },
		{ "--count", CLI_OPT_U64, &count, "N", "with --batch: stop after N frames "
		  "(default: until interrupted)", 1, UINT32_MAX },
		{ NULL, 0, NULL, NULL, NULL, 0, 0 },
	};
	struct top_sample s = { 0 };
	fllm_device_info info;
	fllm_device *dev;

	rc = cli_args_command(argc, argv, opts, NULL, 0, &npos,
			      "[--device D] [--interval MS] [--once | --batch [--count N]]",
			      "Watch a card's telemetry live: power, temperature, compute and "
			      "memory use, command and traffic rates. q or Ctrl-C quits.");
	if (rc >= 0)
		return rc;
	if (once && batch) {
		fprintf(stderr, "fllm top: --once and --batch exclude each other\n");
		return CLI_EXIT_USAGE;
	}
	if (count && !batch) {
		fprintf(stderr, "fllm top: --count needs --batch\n");
		return CLI_EXIT_USAGE;
	}
	if (!once && !batch && (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO))) {
		fprintf(stderr, "fllm top: not a terminal; use --once or --batch for plain "
			"text\n");
		return CLI_EXIT_USAGE;
	}
	if (cli_device_open("top", device, &dev))
		return CLI_EXIT_NO_DEVICE;
	rc = CLI_EXIT_FAIL;
	if (fllm_device_info_get(dev, &info) || fllm_device_telemetry(dev, &s.now)) {
		fprintf(stderr, "fllm top: %s: cannot read the card's identity or telemetry\n",
			device);
		goto out;
	}
	s.device = device;
	s.info = &info;
	s.interval_ms = interval;
	s.simulated = (info.caps & FLLM_CAP_SIMULATED) != 0;
	s.live = !once && !batch;
	if (once || batch)
		rc = top_plain(dev, &s, once ? 1 : count);
	else
		rc = top_screen_run(dev, &s) ? CLI_EXIT_FAIL : CLI_EXIT_OK;
out:
	fllm_device_close(dev);
	return rc;
}
