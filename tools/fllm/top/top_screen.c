/*
 * fllm top's live screen. Each frame rewrites every line in place and
 * clears only what is left of a shorter line, then refreshes once: ncurses
 * sends just the cells that changed, so nothing flickers (no clear()).
 * q, Q or Ctrl-C end it; endwin() restores the terminal on every way out.
 */
#include <curses.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "top.h"
#include "units.h"

static volatile sig_atomic_t top_stop;

static void top_on_signal(int sig)
{
	(void)sig;
	top_stop = 1;
}

/* Draw frame f. */
static void top_draw(const struct top_frame *f)
{
	for (int i = 0; i < f->n && i < LINES; i++) {
		mvaddnstr(i, 0, f->line[i], COLS);
		clrtoeol();
	}
	if (f->n < LINES) {
		move(f->n, 0);
		clrtobot();
	}
	refresh();
}

/* See top.h. */
int top_screen_run(fllm_device *dev, struct top_sample *s)
{
	struct sigaction sa, old_int, old_term;
	struct top_frame f;
	double t_prev = cli_now();
	int rc = 0;

	if (!initscr()) {
		fprintf(stderr, "fllm top: cannot set up the terminal (TERM=%s)\n",
			getenv("TERM") ? getenv("TERM") : "");
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = top_on_signal;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	timeout((int)s->interval_ms);
	while (!top_stop) {
		int ch;

		top_frame_build(&f, s, COLS);
		top_draw(&f);
		ch = getch();
		if (ch == 'q' || ch == 'Q')
			break;
		if (ch != ERR && ch != KEY_RESIZE)
			continue;	/* another key: keep the same sample */
		s->prev = s->now;
		if (fllm_device_telemetry(dev, &s->now)) {
			rc = -2;
			break;
		}
		s->dt = cli_now() - t_prev;
		t_prev += s->dt;
	}
	endwin();
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (rc == -2)
		fprintf(stderr, "fllm top: reading the card's telemetry failed\n");
	return rc;
}
