/*
 * libFuzzer harness: any bytes as a scheduler cost file
 * (runtime/engine/sched/cost.c, docs/scheduler.md); a file the reader
 * accepts must hold only the values its rules allow.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "cost.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sched_cost c;
	char err[256];
	if (sched_cost_parse((const char *)data, size, &c, err, sizeof(err)) != FLLM_OK)
		return 0;
	{
		const double r[] = { c.host_lutgemm, c.host_lutgemm_batch, c.host_vector,
				     c.host_attention, c.card_lutgemm, c.card_lutgemm_batch,
				     c.card_vector, c.card_attention, c.dma_bandwidth };

		for (size_t i = 0; i < sizeof(r) / sizeof(r[0]); i++)
			if (!isfinite(r[i]) || !(r[i] > 0))
				abort();
	}
	if (!(c.card_command >= 0 && c.card_command <= 1) ||
	    !(c.dma_latency >= 0 && c.dma_latency <= 1) || c.bits < 1 || c.bits > 8 ||
	    c.group < 16 || c.group > 256 || (c.group & (c.group - 1)) ||
	    c.card_memory < (1u << 20))
		abort();
	return 0;
}
