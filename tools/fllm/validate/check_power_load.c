/*
 * Check "power_load": power and temperature under sustained load. The test
 * unit spins for --load-secs (0.3 s with --quick) while telemetry is
 * sampled every VAL_LOAD_SAMPLE_MS: the card must report itself busy, draw
 * more than at idle, stay at or below --temp-max, and the mean power its
 * energy counter gives must lie between half the idle reading and 1.5 times
 * the peak (loose on purpose: sensors and counters update on their own
 * schedules; this catches a dead counter or one in the wrong unit).
 */
#include <string.h>
#include <time.h>

#include "../units.h"
#include "check.h"
#include "fllm_card.h"

#define VAL_LOAD_SAMPLE_MS 50
#define VAL_LOAD_COUNTER_LO 0.5	/* counter's mean power vs idle reading */
#define VAL_LOAD_COUNTER_HI 1.5	/* and vs peak reading */
#define VAL_LOAD_BUSY_MIN 500		/* per mille at some sample */


/* What the samples during the load showed. */
struct load_stats {
	double power_sum_w, power_max_w, temp_max_c;
	uint32_t busy_max;
	int n;
};

static void load_sample(struct load_stats *s, const fllm_telemetry *t)
{
	double w = t->power_mw / 1000.0, c = t->temp_mc / 1000.0;

	s->power_sum_w += w;
	s->power_max_w = w > s->power_max_w ? w : s->power_max_w;
	s->temp_max_c = c > s->temp_max_c ? c : s->temp_max_c;
	s->busy_max = t->util_permille > s->busy_max ? t->util_permille : s->busy_max;
	s->n++;
}

/* Spin for secs, sampling as the command runs: s, the telemetry before (e0)
 * and after (e1), and the seconds it took (dt). */
static fllm_status load_run(struct val_ctx *ctx, double secs, struct load_stats *s,
			    fllm_telemetry *e0, fllm_telemetry *e1, double *dt)
{
	uint64_t cycles = (uint64_t)(secs * ctx->info.clock_khz * 1000.0);
	uint32_t budget_us = (uint32_t)(secs * 4e6) + 1000000;

	fllm_cmdlist *cl;
	fllm_event *ev;
	fllm_status st, wst;
	double t0;

	st = fllm_cmdlist_create(ctx->dev, &cl);
	if (st != FLLM_OK)
		return st;
	st = fllm_cmdlist_spin(cl, cycles, budget_us);
	if (st == FLLM_OK)
		st = fllm_device_telemetry(ctx->dev, e0);
	t0 = cli_now();
	if (st == FLLM_OK)
		st = fllm_cmdlist_submit(cl, &ev);
	if (st != FLLM_OK) {
		fllm_cmdlist_free(cl);
		return st;
	}
	do {
		wst = fllm_event_wait(ev, VAL_LOAD_SAMPLE_MS * 1000000ull);
		if (cli_now() - t0 > secs * 4 + 10)
			break;	/* the watchdog should have ended it long ago */
		if (fllm_device_telemetry(ctx->dev, e1) == FLLM_OK)
			load_sample(s, e1);
	} while (wst == FLLM_E_TIMEOUT);
	*dt = cli_now() - t0;
	fllm_event_free(ev);
	fllm_cmdlist_free(cl);
	if (wst == FLLM_OK)
		wst = fllm_device_telemetry(ctx->dev, e1);
	return wst;
}

void val_check_power_load(struct val_ctx *ctx, struct val_result *res)
{
	double secs = ctx->quick && ctx->load_secs > 0.3 ? 0.3 : ctx->load_secs, dt = 0;
	struct load_stats s = { 0 };
	fllm_telemetry idle, e0, e1;
	double idle_w, mean_w, counter_j, counter_w;
	fllm_status st;

	if (!(ctx->info.caps & FLLM_CAP_TELEMETRY)) {
		val_skip(res, "card has no sensors (FLLM_CAP_TELEMETRY clear)");
		return;
	}
	if (!strcmp(ctx->info.backend, "rtlsim")) {
		/* its units are clocked RTL, some 10^4..10^5 cycles per wall second:
		 * a sustained load of 0.3 s of card time would take hours (the
		 * card shell and its sensors are the emulated card's, checked there) */
		val_skip(res, "not applicable: RTL simulation too slow for a sustained load; "
			 "run it on emu or a card");
		return;
	}
	st = fllm_device_telemetry(ctx->dev, &idle);
	if (st == FLLM_OK)
		st = load_run(ctx, secs, &s, &e0, &e1, &dt);
	if (st != FLLM_OK) {
		val_fail(res, "spinning the test unit for %.2f s: %s", secs, fllm_status_str(st));
		return;
	}
	idle_w = idle.power_mw / 1000.0;
	if (s.n < 2) {
		val_fail(res, "only %d telemetry samples in %.2f s of load", s.n, dt);
		return;
	}
	mean_w = s.power_sum_w / s.n;
	counter_j = (double)(e1.energy_mj - e0.energy_mj) / 1000.0;
	counter_w = dt > 0 ? counter_j / dt : 0;
	if (s.busy_max < VAL_LOAD_BUSY_MIN)
		val_fail(res, "utilisation peaked at %.1f%% during %.2f s of load (below %d%%)",
			 s.busy_max / 10.0, dt, VAL_LOAD_BUSY_MIN / 10);
	else if (s.power_max_w <= idle_w)
		val_fail(res, "power did not rise under load: idle %.2f W, peak %.2f W", idle_w,
			 s.power_max_w);
	else if (s.temp_max_c > ctx->temp_max_c)
		val_fail(res, "die temperature %.1f C above the %.1f C limit under load",
			 s.temp_max_c, ctx->temp_max_c);
	else if (counter_w < VAL_LOAD_COUNTER_LO * idle_w ||
		 counter_w > VAL_LOAD_COUNTER_HI * s.power_max_w)
		val_fail(res, "energy counter +%.2f J over %.2f s is %.2f W, outside %.2f .. %.2f W "
			 "(idle %.2f W, peak %.2f W)", counter_j, dt, counter_w,
			 VAL_LOAD_COUNTER_LO * idle_w, VAL_LOAD_COUNTER_HI * s.power_max_w, idle_w,
			 s.power_max_w);
	else
		val_pass(res, "%.2f s load: idle %.2f W, mean %.2f W, peak %.2f W; peak %.1f C "
			 "(limit %.1f C); energy counter +%.2f J", dt, idle_w, mean_w,
			 s.power_max_w, s.temp_max_c, ctx->temp_max_c, counter_j);
}
