/*
 * fllm top: a card's telemetry as a live screen (ncurses) or as plain-text
 * frames for scripts. A frame is built as lines of text, so both outputs
 * show exactly the same thing.
 */
#ifndef FLLM_CLI_TOP_H
#define FLLM_CLI_TOP_H

#include <stdint.h>

#include "fllm/fllm.h"

#define TOP_LINES_MAX 40
#define TOP_LINE_LEN 160

struct top_frame {
	int n;
	char line[TOP_LINES_MAX][TOP_LINE_LEN];
};

/* Two telemetry samples dt seconds apart and what the frame needs around them. */
struct top_sample {
	const char *device;
	const fllm_device_info *info;
	fllm_telemetry prev, now;
	double dt;			/* seconds between prev and now; 0 for the first */
	uint64_t interval_ms;
	int simulated;			/* an in-process card model */
	int live;			/* the full-screen view (q quits) */
};

/* Fill f from s; width is the screen's columns (bars scale to it). */
void top_frame_build(struct top_frame *f, const struct top_sample *s, int width);

/* The live screen until q, Q or Ctrl-C; 0 on a clean exit, -1 when the
 * terminal cannot be set up (message printed). */
int top_screen_run(fllm_device *dev, struct top_sample *s);

int cli_cmd_top(int argc, char **argv);

#endif /* FLLM_CLI_TOP_H */
