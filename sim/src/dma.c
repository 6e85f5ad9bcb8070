/*
 * The H2C and C2H DMA engines. Each walks its descriptor ring in host memory
 * from HEAD to the host's TAIL, validates every descriptor, moves the data,
 * writes the status word back into the descriptor and advances HEAD. A bad
 * descriptor completes with its error and the engine goes on; a ring it
 * cannot read or write back to stops the engine with DMA_STATUS.ERROR and
 * FLLM_IRQ_ERROR until RUN is cleared and set again.
 */
#include "sim_internal.h"

/* Register offset of reg on channel ch. */
static uint32_t dma_reg(uint32_t ch, uint32_t reg)
{
	return FLLM_REG_DMA(ch, reg);
}

/* Set or clear bits of the channel's DMA_STATUS. */
static void dma_status(struct fllm_sim *sim, uint32_t ch, uint32_t set, uint32_t clear)
{
	uint32_t v = fllm_sim_reg_get(sim, dma_reg(ch, FLLM_DMA_STATUS));

	fllm_sim_reg_set(sim, dma_reg(ch, FLLM_DMA_STATUS), (v & ~clear) | set);
}

/* Stop the engine on a ring-level failure. */
static void dma_halt(struct fllm_sim *sim, uint32_t ch)
{
	sim->dma[ch].running = 0;
	sim->dma_errors++;
	fllm_sim_reg_set(sim, FLLM_REG_TEL_DMA_ERRORS, sim->dma_errors);
	dma_status(sim, ch, FLLM_DMA_STATUS_ERROR, FLLM_DMA_STATUS_BUSY);
	fllm_sim_irq_raise(sim, FLLM_IRQ_ERROR);
}

/* RUN rising edge: latch and check the ring registers. */
static void dma_start(struct fllm_sim *sim, uint32_t ch)
{
	struct fllm_sim_dma *d = &sim->dma[ch];
	uint32_t size = fllm_sim_reg_get(sim, dma_reg(ch, FLLM_DMA_SIZE));

	d->base = fllm_sim_reg_get64(sim, dma_reg(ch, FLLM_DMA_BASE_LO));
	d->size = size;
	d->head = 0;
	fllm_sim_reg_set(sim, dma_reg(ch, FLLM_DMA_HEAD), 0);
	if (!d->base || (d->base & 31) || size < 2 || size > FLLM_SIM_RING_MAX ||
	    (size & (size - 1))) {
		dma_halt(sim, ch);
		return;
	}
	d->running = 1;
	dma_status(sim, ch, 0, FLLM_DMA_STATUS_ERROR);
}

/* Check one descriptor; returns an enum fllm_card_err. */
static int dma_validate(struct fllm_sim *sim, const struct fllm_dma_desc *desc)
{
	if (desc->flags & ~FLLM_DESC_F_MASK)
		return FLLM_CARD_ERR_FLAGS;
	if (desc->len == 0 || desc->len > sim->cfg.dma_max_len)
		return FLLM_CARD_ERR_SIZE;
	if (!fllm_sim_mem_range_ok(&sim->mem, desc->card_addr, desc->len))
		return FLLM_CARD_ERR_ADDR;
	return FLLM_CARD_OK;
}

/* Move the data of a valid descriptor; returns an enum fllm_card_err. */
static int dma_move(struct fllm_sim *sim, uint32_t ch, const struct fllm_dma_desc *desc)
{
	uint8_t *card = sim->mem.base + desc->card_addr;	/* (len) bytes */
	int rc;

	if (ch == FLLM_DMA_H2C)
		rc = sim->host.read(sim->host.ctx, desc->host_addr, card, desc->len);
	else
		rc = sim->host.write(sim->host.ctx, desc->host_addr, card, desc->len);
	return rc ? FLLM_CARD_ERR_HOST_DMA : FLLM_CARD_OK;
}

/* Run the descriptor at HEAD; 0 done, -1 the engine halted. */
static int dma_run_one(struct fllm_sim *sim, uint32_t ch)
{
	struct fllm_sim_dma *d = &sim->dma[ch];
	uint64_t at = d->base + (uint64_t)d->head * sizeof(struct fllm_dma_desc);
	struct fllm_dma_desc desc;
	uint16_t status;
	int err;

	if (sim->host.read(sim->host.ctx, at, &desc, sizeof(desc))) {
		dma_halt(sim, ch);
		return -1;
	}
	err = dma_validate(sim, &desc);
	if (!err)
		err = dma_move(sim, ch, &desc);
	if (!err) {
		/* counted before the host can see the descriptor done */
		d->bytes += desc.len;
		sim->dma_bytes += desc.len;
		sim->mem_bytes += desc.len;
		fllm_sim_reg_set64(sim, dma_reg(ch, FLLM_DMA_BYTES_LO), d->bytes);
		fllm_sim_reg_set64(sim, FLLM_REG_TEL_MEMB_LO, sim->mem_bytes);
	}
	status = FLLM_DESC_S_MAKE((uint32_t)err);
	if (sim->host.write(sim->host.ctx, at + offsetof(struct fllm_dma_desc, status), &status,
			    sizeof(status))) {
		dma_halt(sim, ch);
		return -1;
	}
	d->head = (d->head + 1) & (d->size - 1);
	fllm_sim_reg_set(sim, dma_reg(ch, FLLM_DMA_HEAD), d->head);
	if (err) {
		sim->dma_errors++;
		fllm_sim_reg_set(sim, FLLM_REG_TEL_DMA_ERRORS, sim->dma_errors);
		dma_status(sim, ch, FLLM_DMA_STATUS_ERROR, 0);
	} else {
		dma_status(sim, ch, 0, FLLM_DMA_STATUS_ERROR);
	}
	if (desc.flags & FLLM_DESC_F_IRQ)
		fllm_sim_irq_raise(sim, ch == FLLM_DMA_H2C ? FLLM_IRQ_DMA_H2C : FLLM_IRQ_DMA_C2H);
	return 0;
}

/* One step of channel ch; returns 1 if it did any work. */
int fllm_sim_dma_poll(struct fllm_sim *sim, uint32_t ch)
{
	struct fllm_sim_dma *d = &sim->dma[ch];
	uint32_t run = fllm_sim_reg_get(sim, dma_reg(ch, FLLM_DMA_CONTROL)) & FLLM_DMA_CTRL_RUN;
	int did = 0;
	uint32_t tail;

	if (run && !d->run_seen) {
		dma_start(sim, ch);
		did = 1;
	}
	if (!run)
		d->running = 0;
	d->run_seen = run;
	for (uint32_t n = 0; d->running && n < FLLM_SIM_DMA_BURST; n++) {
		tail = fllm_sim_reg_get(sim, dma_reg(ch, FLLM_DMA_TAIL));
		if (tail >= d->size) {
			dma_halt(sim, ch);
			return 1;
		}
		if (tail == d->head)
			break;
		if (dma_run_one(sim, ch))
			return 1;
		did = 1;
	}
	tail = fllm_sim_reg_get(sim, dma_reg(ch, FLLM_DMA_TAIL));
	if (d->running && tail != d->head)
		dma_status(sim, ch, FLLM_DMA_STATUS_BUSY, 0);
	else
		dma_status(sim, ch, 0, FLLM_DMA_STATUS_BUSY);
	return did;
}

/* Reset both engines: stop them and clear their ring and counter registers. */
void fllm_sim_dma_reset(struct fllm_sim *sim)
{
	for (uint32_t ch = 0; ch < FLLM_DMA_CHANNELS; ch++) {
		sim->dma[ch] = (struct fllm_sim_dma){ 0 };
		fllm_sim_reg_set(sim, dma_reg(ch, FLLM_DMA_CONTROL), 0);
		fllm_sim_reg_set(sim, dma_reg(ch, FLLM_DMA_TAIL), 0);
		fllm_sim_reg_set(sim, dma_reg(ch, FLLM_DMA_HEAD), 0);
		fllm_sim_reg_set(sim, dma_reg(ch, FLLM_DMA_STATUS), 0);
		fllm_sim_reg_set64(sim, dma_reg(ch, FLLM_DMA_BYTES_LO), 0);
	}
}
