/* Check "timestamps": the card's cycle counter is monotonic and ticks at its clock. */
#include <string.h>
#include <time.h>

#include "../units.h"
#include "check.h"

#define TS_SLEEP_MS 50

/* Card cycles per host second while the host sleeps TS_SLEEP_MS, from the
 * telemetry cycle counter; -1 on error. */
static double ts_cycle_rate(struct val_ctx *ctx, struct val_result *res)
{
	struct timespec nap = { 0, TS_SLEEP_MS * 1000000L };
	fllm_telemetry a, b;
	fllm_status st;
	double t0, t1;

	t0 = cli_now();
	st = fllm_device_telemetry(ctx->dev, &a);
	if (st == FLLM_OK) {
		nanosleep(&nap, NULL);
		t1 = cli_now();
		st = fllm_device_telemetry(ctx->dev, &b);
	}
	if (st != FLLM_OK) {
		val_fail(res, "reading telemetry: %s", fllm_status_str(st));
		return -1;
	}
	if (b.cycles <= a.cycles) {
		val_fail(res, "cycle counter did not advance over %d ms (%llu -> %llu)",
			 TS_SLEEP_MS, (unsigned long long)a.cycles,
			 (unsigned long long)b.cycles);
		return -1;
	}
	return (double)(b.cycles - a.cycles) / (t1 - t0);
}

/* TIMESTAMP, a 1 ms SPIN, TIMESTAMP, NOP, TIMESTAMP in one list: the three
 * stamps must increase, the spin's gap must be at least its cycles, each
 * command's start cycle must not go backwards, and the counter must tick
 * within a factor of 4 of FLLM_REG_CLOCK_KHZ in host time. */
void val_check_timestamps(struct val_ctx *ctx, struct val_result *res)
{
	uint64_t spin = ctx->info.clock_khz, ts[3];
	double clock_hz = ctx->info.clock_khz * 1000.0, rate;
	fllm_cmd_result r[5];
	fllm_cmdlist *cl;
	fllm_status st;
	fllm_bo *bo;
	int i;

	if (!ctx->info.clock_khz) {
		val_fail(res, "card reports a zero clock");
		return;
	}
	st = fllm_bo_alloc(ctx->dev, 4096, NULL, &bo);
	if (st != FLLM_OK) {
		val_fail(res, "allocating card memory: %s", fllm_status_str(st));
		return;
	}
	cl = val_cmdlist_create(ctx, res);
	if (!cl)
		goto err_free_bo;
	memset(r, 0, sizeof(r));
	st = fllm_cmdlist_timestamp(cl, bo, 0);
	if (st == FLLM_OK)
		st = fllm_cmdlist_spin(cl, spin, 0);
	if (st == FLLM_OK)
		st = fllm_cmdlist_timestamp(cl, bo, 8);
	if (st == FLLM_OK)
		st = fllm_cmdlist_nop(cl);
	if (st == FLLM_OK)
		st = fllm_cmdlist_timestamp(cl, bo, 16);
	if (st == FLLM_OK)
		st = val_submit_wait(cl, r, 5);
	if (st == FLLM_OK)
		st = fllm_bo_read(bo, 0, ts, sizeof(ts));
	if (st != FLLM_OK) {
		val_fail(res, "timestamp list: %s", fllm_status_str(st));
		goto err_free_cl;
	}
	if (!(ts[0] < ts[1] && ts[1] < ts[2])) {
		val_fail(res, "timestamps not increasing: %llu, %llu, %llu",
			 (unsigned long long)ts[0], (unsigned long long)ts[1],
			 (unsigned long long)ts[2]);
		goto err_free_cl;
	}
	if (ts[1] - ts[0] < spin) {
		val_fail(res, "a %llu-cycle spin took only %llu cycles between stamps",
			 (unsigned long long)spin, (unsigned long long)(ts[1] - ts[0]));
		goto err_free_cl;
	}
	for (i = 1; i < 5; i++) {
		if (r[i].start_cycle < r[i - 1].start_cycle) {
			val_fail(res, "command %d started at cycle %llu, before command %d (%llu)",
				 i, (unsigned long long)r[i].start_cycle, i - 1,
				 (unsigned long long)r[i - 1].start_cycle);
			goto err_free_cl;
		}
	}
	rate = ts_cycle_rate(ctx, res);
	if (rate < 0)
		goto err_free_cl;
	if (rate < clock_hz / 4 || rate > clock_hz * 4) {
		val_fail(res, "counter ticks at %.1f MHz of host time, clock says %.1f MHz",
			 rate / 1e6, clock_hz / 1e6);
		goto err_free_cl;
	}
	val_pass(res, "stamps +%llu, +%llu cycles; counter at %.1f MHz (clock %.1f MHz)",
		 (unsigned long long)(ts[1] - ts[0]), (unsigned long long)(ts[2] - ts[1]),
		 rate / 1e6, clock_hz / 1e6);
err_free_cl:
	fllm_cmdlist_free(cl);
err_free_bo:
	fllm_bo_free(bo);
}
