/* Channel timing defaults, shared by the RTL harness and its stub. */
#include "fllm_rtl.h"

/* One HBM pseudo-channel: peak per kernel cycle, 64 cycles latency, 16 bursts in flight. */
void fllm_rtl_timing_hbm(struct fllm_rtl_timing *t, uint32_t clock_khz, uint32_t chan_mbps)
{
	double bpc = clock_khz ? (double)chan_mbps * 1000.0 / clock_khz : 64.0;

	t->bytes_per_cycle = bpc > 64.0 || bpc <= 0.0 ? 64.0 : bpc;
	t->latency = 64;
	t->max_outstanding = 16;
}
