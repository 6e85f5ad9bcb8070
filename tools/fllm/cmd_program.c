/*
 * fllm program DEVICE IMAGE: make a card run an image. A simulated card
 * (emu, rtlsim) lives in the process that opens it, so programming one means
 * opening it with the image's clock and memory and checking that it offers
 * the image's units; the command prints the device name that does so for
 * later commands. Hardware cards are refused with the reason (docs/images.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "device_open.h"
#include "image_command.h"

/* The simulated card's name with the image's settings: "emu:0,mem=...,clock=...". */
static int program_sim_name(const char *device, const struct fllm_image *img, char *out,
			    size_t len)
{
	const struct fllm_image_meta *m = &img->meta;
	int n;

	if (strchr(device, ',')) {
		fprintf(stderr, "fllm program: give the device without options ('%s'): the "
			"image sets them\n", device);
		return -1;
	}
	n = snprintf(out, len, "%s,mem=%llu,channels=%u,clock=%u,mbps=%u", device,
		     (unsigned long long)m->mem_size, m->mem_channels, m->clock_khz,
		     m->mem_chan_mbps);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int cli_cmd_program(int argc, char **argv)
{
	static const char synopsis[] = "DEVICE IMAGE";
	static const char summary[] =
		"Program a card with an image (.xclbin from 'fllm image create'). Simulated\n"
		"cards (emu, rtlsim) are opened with the image's clock and memory and checked\n"
		"for its units; the device name to use with it is printed.";
	const char *pos[2] = { NULL, NULL };
	struct fllm_image img;
	char name[256], err[256];
	fllm_device *dev;
	int npos, rc, bad;
	void *buf;
	struct cli_opt opts[] = { { NULL, CLI_OPT_FLAG, NULL, NULL, NULL, 0, 0 } };

	rc = cli_args_command(argc, argv, opts, pos, 2, &npos, synopsis, summary);
	if (rc >= 0)
		return rc;
	if (npos != 2) {
		fprintf(stderr, "usage: fllm program %s\n", synopsis);
		return CLI_EXIT_USAGE;
	}
	if (cli_image_load("program", pos[1], &buf, &img))
		return CLI_EXIT_FAIL;
	rc = fllm_image_check_versions(&img.meta, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "fllm program: %s: %s\n", pos[1], err);
		free(buf);
		return CLI_EXIT_FAIL;
	}
	if (strncmp(pos[0], "emu", 3) && strncmp(pos[0], "rtlsim", 6)) {
		fprintf(stderr, "fllm program: %s: programming a hardware card is not supported "
			"by fllm yet: load the image with XRT's own tools (xbutil program) or "
			"open it as xrt:N,image=... through the XRT backend (docs/xrt.md)\n",
			pos[0]);
		free(buf);
		return CLI_EXIT_FAIL;
	}
	if (program_sim_name(pos[0], &img, name, sizeof(name))) {
		free(buf);
		return CLI_EXIT_USAGE;
	}
	if (cli_device_open("program", name, &dev) != FLLM_OK) {
		free(buf);
		return CLI_EXIT_NO_DEVICE;
	}
	bad = cli_image_match_device("program", &img, dev);
	fllm_device_close(dev);
	free(buf);
	if (bad)
		return CLI_EXIT_FAIL;
	printf("%s\n", name);
	return CLI_EXIT_OK;
}
