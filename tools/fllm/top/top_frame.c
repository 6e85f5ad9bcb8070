/* One fllm top frame as lines of text (see top.h). */
#include <stdio.h>
#include <string.h>

#include "card_names.h"
#include "fllm_card.h"
#include "top.h"
#include "units.h"

/* Append a formatted line. */
#define LINE(f, ...)                                                                   \
	do {                                                                           \
		if ((f)->n < TOP_LINES_MAX)                                            \
			snprintf((f)->line[(f)->n++], TOP_LINE_LEN, __VA_ARGS__);      \
	} while (0)

/* "[#####.....]" of per-mille value v in width cells (buf holds width + 3). */
static const char *top_bar(char *buf, uint32_t v, int width)
{
	int fill = (int)((v > 1000 ? 1000 : v) * (uint32_t)width / 1000);

	buf[0] = '[';
	memset(buf + 1, '#', (size_t)fill);
	memset(buf + 1 + fill, '.', (size_t)(width - fill));
	buf[width + 1] = ']';
	buf[width + 2] = 0;
	return buf;
}

/* Per-second rate of a counter between the samples (0 for the first frame). */
static double top_rate(uint64_t a, uint64_t b, double dt)
{
	return dt > 0 && b >= a ? (double)(b - a) / dt : 0.0;
}

/*
 * Unit i's busy share of the interval in per mille: its busy-cycle delta over
 * the kernel-clock delta; UINT32_MAX when there is no interval yet or a reset
 * made the counters go back.
 */
static uint32_t top_cu_permille(const struct top_sample *s, uint32_t i)
{
	uint64_t b0 = s->prev.cu_busy_cycles[i], b1 = s->now.cu_busy_cycles[i];
	uint64_t c0 = s->prev.cycles, c1 = s->now.cycles;

	if (s->dt <= 0 || c1 <= c0 || b1 < b0 || s->now.reset_count != s->prev.reset_count)
		return UINT32_MAX;
	return (uint32_t)((double)(b1 - b0) * 1000.0 / (double)(c1 - c0) + 0.5);
}

/* One line per compute unit with a busy counter, else the inventory on one line. */
static void top_frame_units(struct top_frame *f, const struct top_sample *s, int bar_w)
{
	const fllm_device_info *in = s->info;
	char bar[64], units[TOP_LINE_LEN - 16] = "";
	size_t used = 0;

	if (s->now.cu_busy_count) {
		for (uint32_t i = 0; i < s->now.cu_busy_count && i < FLLM_CU_INFO_MAX; i++) {
			uint32_t pm = top_cu_permille(s, i);
			const char *name = i < in->cu_count ?
				cli_cu_type_name(FLLM_CU_INFO_TYPE(in->cu_info[i])) : "?";

			if (pm == UINT32_MAX)
				LINE(f, "cu%-2u %-9.9s %s     - busy   (%llu cycles since reset)", i,
				     name, top_bar(bar, 0, bar_w),
				     (unsigned long long)s->now.cu_busy_cycles[i]);
			else
				LINE(f, "cu%-2u %-9.9s %s %5.1f%% busy   (%llu cycles since reset)",
				     i, name, top_bar(bar, pm, bar_w), pm / 10.0,
				     (unsigned long long)s->now.cu_busy_cycles[i]);
		}
		return;
	}
	for (uint32_t i = 0; i < in->cu_count && i < FLLM_CU_INFO_MAX && used < sizeof(units);
	     i++)
		used += (size_t)snprintf(units + used, sizeof(units) - used, "%scu%u %s",
					 i ? ", " : "", i,
					 cli_cu_type_name(FLLM_CU_INFO_TYPE(in->cu_info[i])));
	LINE(f, "units     %s", units);
	LINE(f, "          (this card has no per-unit busy counters: interface 1.0)");
}

/* See top.h. */
void top_frame_build(struct top_frame *f, const struct top_sample *s, int width)
{
	const fllm_telemetry *p = &s->prev, *t = &s->now;
	const fllm_device_info *in = s->info;
	int bar_w = width - 40 > 50 ? 50 : width - 40 < 10 ? 10 : width - 40;
	char bar[64], size[32];
	double cmd_rate = top_rate(p->cmds, t->cmds, s->dt);
	double energy_w = s->dt > 0 && t->energy_mj >= p->energy_mj ?
			  (double)(t->energy_mj - p->energy_mj) / 1000.0 / s->dt : 0.0;

	f->n = 0;
	LINE(f, "fllm top - %s (backend %s), every %llu ms%s", s->device, in->backend,
	     (unsigned long long)s->interval_ms, s->live ? "; q quits" : "");
	LINE(f, "card      clock %.1f MHz, %s in %u memory channels (%.1f GB/s peak)",
	     in->clock_khz / 1000.0, cli_format_bytes(in->mem_size, size, sizeof(size)),
	     in->mem_channels, (double)in->mem_channels * in->mem_chan_mbps / 1000.0);
	LINE(f, "%s", "");
	LINE(f, "power     %8.2f W now, %8.2f W over the interval   (%s)", t->power_mw / 1000.0,
	     energy_w, s->simulated ? "card model's activity-based estimate, not a sensor" :
	     (in->caps & FLLM_CAP_TELEMETRY) ? "card sensors" : "card has no sensors");
	LINE(f, "temp      %8.1f C    vccint %.3f V    energy %.1f J since reset",
	     t->temp_mc / 1000.0, t->vccint_mv / 1000.0, t->energy_mj / 1000.0);
	LINE(f, "%s", "");
	LINE(f, "compute   %s %5.1f%% busy", top_bar(bar, t->util_permille, bar_w),
	     t->util_permille / 10.0);
	top_frame_units(f, s, bar_w);
	LINE(f, "memory    %s %5.1f%% of peak bandwidth", top_bar(bar, t->mem_util_permille,
								  bar_w),
	     t->mem_util_permille / 10.0);
	LINE(f, "traffic   card memory %.3f GB/s, of which weights %.3f GB/s",
	     top_rate(p->mem_bytes, t->mem_bytes, s->dt) * 1e-9,
	     top_rate(p->weight_bytes, t->weight_bytes, s->dt) * 1e-9);
	LINE(f, "          card memory in use: not reported by the card interface");
	LINE(f, "%s", "");
	LINE(f, "commands  %10.1f /s   total %llu; errors: command %u, DMA %u, watchdog %u; "
	     "resets %u; interrupts %u", cmd_rate, (unsigned long long)t->cmds, t->cmd_errors,
	     t->dma_errors, t->watchdog_resets, t->reset_count, t->irq_count);
	LINE(f, "work      tokens/s: the runtime has no cross-process view of running work;");
	LINE(f, "          the command and traffic rates above stand in for it");
	if (s->simulated)
		LINE(f, "note      %s is this process's own card model: it shows only what this "
		     "process runs on it", s->device);
	if (s->dt == 0)
		LINE(f, "rates     need two samples: shown from the next frame");
}
