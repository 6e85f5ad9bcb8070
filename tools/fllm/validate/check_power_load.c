/*
 * Check "power_load": power and temperature under sustained load. The test
 * unit spins for --load-secs (0.3 s with --quick) while telemetry is
 * sampled every VAL_LOAD_SAMPLE_MS: the card must report itself busy, draw
 * more than at idle, stay at or below --temp-max, and the mean power its
 * energy counter gives over the load's card time must lie between half the
 * idle reading and 1.5 times the peak (loose on purpose: sensors and
 * counters update on their own schedules; this catches a dead counter or
 * one in the wrong unit). On a card with per-unit busy counters (interface
 * 1.1) the test unit's must rise by at least the SPINs' cycles and at most
 * the card cycles that passed.
 *
 * On rtlsim the test unit is clocked RTL, a few million cycles per second
 * of simulation, so the load is sized for it instead: VAL_LOAD_RTL_CMDS
 * (VAL_LOAD_RTL_CMDS_QUICK with --quick) back-to-back SPINs of
 * VAL_LOAD_RTL_CYCLES each, a few ms of card time in well under a second;
 * the card model's power runs on card time, so the same bounds hold.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../units.h"
#include "check.h"
#include "fllm_card.h"

#define VAL_LOAD_SAMPLE_MS 50
#define VAL_LOAD_COUNTER_LO 0.5	/* counter's mean power vs idle reading */
#define VAL_LOAD_COUNTER_HI 1.5	/* and vs peak reading */
#define VAL_LOAD_BUSY_MIN 500		/* per mille at some sample */
#define VAL_LOAD_RTL_CYCLES (1u << 18)	/* one rtlsim SPIN: 0.9 ms at 300 MHz */
#define VAL_LOAD_RTL_CMDS 16u
#define VAL_LOAD_RTL_CMDS_QUICK 8u

/* The load: n SPIN commands of cycles each. */
struct load_plan {
	uint64_t cycles;
	uint32_t n;
	int rtl;	/* sized for RTL simulation */
};


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

/* Run the plan's SPINs, sampling as they run: s, the telemetry before (e0)
 * and after (e1), and the host seconds it took (dt). */
static fllm_status load_run(struct val_ctx *ctx, const struct load_plan *plan,
			    struct load_stats *s, fllm_telemetry *e0, fllm_telemetry *e1,
			    double *dt)
{
	double secs = (double)plan->cycles * plan->n / (ctx->info.clock_khz * 1000.0);
	uint32_t budget_us = (uint32_t)(secs * 4e6) + 1000000;
	double host_max = plan->rtl ? 120 : secs * 4 + 10;
	fllm_cmdlist *cl;
	fllm_event *ev;
	fllm_status st, wst;
	double t0;

	st = fllm_cmdlist_create(ctx->dev, &cl);
	if (st != FLLM_OK)
		return st;
	st = FLLM_OK;
	for (uint32_t i = 0; i < plan->n && st == FLLM_OK; i++)
		st = fllm_cmdlist_spin(cl, plan->cycles, budget_us);
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
		if (cli_now() - t0 > host_max)
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

/*
 * The test unit's busy counter (interface 1.1) over the load: at least the
 * SPINs' cycles, at most the card cycles that passed. 0 when it holds or the
 * card has no such counter, else -1 with the message in res.
 */
static int load_busy_check(const struct val_ctx *ctx, const struct load_plan *plan,
			   const fllm_telemetry *e0, const fllm_telemetry *e1, const char *what,
			   struct val_result *res)
{
	uint64_t want = plan->cycles * plan->n, busy, card = e1->cycles - e0->cycles;
	uint32_t i;

	for (i = 0; i < ctx->info.cu_count && i < FLLM_CU_INFO_MAX; i++)
		if (FLLM_CU_INFO_TYPE(ctx->info.cu_info[i]) == FLLM_CU_TEST)
			break;
	if (i >= e1->cu_busy_count || i >= FLLM_CU_INFO_MAX)
		return 0;
	busy = e1->cu_busy_cycles[i] - e0->cu_busy_cycles[i];
	if (busy >= want && busy <= card)
		return 0;
	val_fail(res, "%s: the test unit's busy counter (cu%u) rose %llu cycles, outside %llu "
		 "(the SPINs) .. %llu (the card's cycles)", what, i, (unsigned long long)busy,
		 (unsigned long long)want, (unsigned long long)card);
	return -1;
}

/* The load for this card: one SPIN of secs, or on rtlsim a few short ones. */
static void load_plan_make(const struct val_ctx *ctx, double secs, struct load_plan *plan)
{
	plan->rtl = !strcmp(ctx->info.backend, "rtlsim");
	if (plan->rtl) {
		plan->cycles = VAL_LOAD_RTL_CYCLES;
		plan->n = ctx->quick ? VAL_LOAD_RTL_CMDS_QUICK : VAL_LOAD_RTL_CMDS;
	} else {
		plan->cycles = (uint64_t)(secs * ctx->info.clock_khz * 1000.0);
		plan->n = 1;
	}
}

void val_check_power_load(struct val_ctx *ctx, struct val_result *res)
{
	double secs = ctx->quick && ctx->load_secs > 0.3 ? 0.3 : ctx->load_secs, dt = 0;
	double idle_w, mean_w, counter_j, counter_w, card_s;
	struct load_stats s = { 0 };
	fllm_telemetry idle, e0, e1;
	struct load_plan plan;
	char what[96];
	fllm_status st;

	if (!(ctx->info.caps & FLLM_CAP_TELEMETRY)) {
		val_skip(res, "card has no sensors (FLLM_CAP_TELEMETRY clear)");
		return;
	}
	load_plan_make(ctx, secs, &plan);
	if (plan.rtl)
		snprintf(what, sizeof(what), "rtlsim load, sized for RTL simulation: %u SPINs of "
			 "%llu cycles", plan.n, (unsigned long long)plan.cycles);
	else
		snprintf(what, sizeof(what), "%.2f s load", secs);
	st = fllm_device_telemetry(ctx->dev, &idle);
	if (st == FLLM_OK)
		st = load_run(ctx, &plan, &s, &e0, &e1, &dt);
	if (st != FLLM_OK) {
		val_fail(res, "%s: spinning the test unit: %s", what, fllm_status_str(st));
		return;
	}
	idle_w = idle.power_mw / 1000.0;
	if (s.n < 2) {
		val_fail(res, "%s: only %d telemetry samples in %.2f s", what, s.n, dt);
		return;
	}
	mean_w = s.power_sum_w / s.n;
	counter_j = (double)(e1.energy_mj - e0.energy_mj) / 1000.0;
	/* the energy counter integrates card time, which is host time on a card */
	card_s = (double)(e1.cycles - e0.cycles) / (ctx->info.clock_khz * 1000.0);
	counter_w = card_s > 0 ? counter_j / card_s : 0;
	if (s.busy_max < VAL_LOAD_BUSY_MIN)
		val_fail(res, "%s: utilisation peaked at %.1f%% over %.2f s (below %d%%)", what,
			 s.busy_max / 10.0, dt, VAL_LOAD_BUSY_MIN / 10);
	else if (s.power_max_w <= idle_w)
		val_fail(res, "%s: power did not rise: idle %.2f W, peak %.2f W", what, idle_w,
			 s.power_max_w);
	else if (s.temp_max_c > ctx->temp_max_c)
		val_fail(res, "%s: die temperature %.1f C above the %.1f C limit", what,
			 s.temp_max_c, ctx->temp_max_c);
	else if (load_busy_check(ctx, &plan, &e0, &e1, what, res))
		return;
	else if (counter_w < VAL_LOAD_COUNTER_LO * idle_w ||
		 counter_w > VAL_LOAD_COUNTER_HI * s.power_max_w)
		val_fail(res, "%s: energy counter +%.3f J over %.4f s of card time is %.2f W, "
			 "outside %.2f .. %.2f W (idle %.2f W, peak %.2f W)", what, counter_j,
			 card_s, counter_w, VAL_LOAD_COUNTER_LO * idle_w,
			 VAL_LOAD_COUNTER_HI * s.power_max_w, idle_w, s.power_max_w);
	else
		val_pass(res, "%s: %.4f s of card time in %.2f s: idle %.2f W, mean %.2f W, peak "
			 "%.2f W; peak %.1f C (limit %.1f C); energy counter +%.3f J", what,
			 card_s, dt, idle_w, mean_w, s.power_max_w, s.temp_max_c,
			 ctx->temp_max_c, counter_j);
}
