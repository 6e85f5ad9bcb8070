/*
 * Interrupt controller: IRQ_STATUS collects raised sources, each raise of an
 * enabled source sends its MSI-X vector to the host, and host acks (IRQ_ACK,
 * write one to clear) are applied by the card thread.
 */
#include "sim_internal.h"

/* Set sources in IRQ_STATUS and message the enabled ones. */
void fllm_sim_irq_raise(struct fllm_sim *sim, uint32_t sources)
{
	uint32_t mask = fllm_sim_reg_get(sim, FLLM_REG_IRQ_MASK);
	uint32_t send = sources & mask & FLLM_IRQ_ALL;

	atomic_fetch_or(&sim->regs[FLLM_REG_IRQ_STATUS / 4], sources & FLLM_IRQ_ALL);
	for (uint32_t v = 0; v < FLLM_IRQ_VECTORS; v++) {
		if (!(send & (1u << v)))
			continue;
		atomic_fetch_add(&sim->regs[FLLM_REG_IRQ_COUNT / 4], 1);
		if (sim->host.irq)
			sim->host.irq(sim->host.ctx, v);
	}
}

/* Take the pending IRQ_ACK bits and clear them from IRQ_STATUS. */
void fllm_sim_irq_apply_ack(struct fllm_sim *sim)
{
	uint32_t ack = atomic_exchange(&sim->regs[FLLM_REG_IRQ_ACK / 4], 0);

	if (ack)
		atomic_fetch_and(&sim->regs[FLLM_REG_IRQ_STATUS / 4], ~ack);
}
