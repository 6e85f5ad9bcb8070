/* The test host of test_host.h. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "test_host.h"

/* Region index holding [bus, bus + len), or -1. */
static int th_find(struct test_host *th, uint64_t bus, uint64_t len)
{
	for (int i = 0; i < TH_REGIONS; i++) {
		uint64_t b = (uintptr_t)th->regions[i].p;

		if (th->regions[i].p && bus >= b && bus - b <= th->regions[i].len &&
		    len <= th->regions[i].len - (bus - b))
			return i;
	}
	return -1;
}

static int th_read(void *ctx, uint64_t bus, void *dst, uint64_t len)
{
	if (th_find(ctx, bus, len) < 0)
		return -1;
	memcpy(dst, (const void *)(uintptr_t)bus, len);
	return 0;
}

static int th_write(void *ctx, uint64_t bus, const void *src, uint64_t len)
{
	if (th_find(ctx, bus, len) < 0)
		return -1;
	memcpy((void *)(uintptr_t)bus, src, len);
	return 0;
}

static void th_irq(void *ctx, uint32_t vector)
{
	struct test_host *th = ctx;

	if (vector < FLLM_IRQ_VECTORS)
		atomic_fetch_add(&th->msi[vector], 1);
}

void th_map(struct test_host *th, const void *p, size_t len)
{
	for (int i = 0; i < TH_REGIONS; i++) {
		if (!th->regions[i].p) {
			th->regions[i].len = len;
			th->regions[i].p = p;
			return;
		}
	}
}

void th_unmap(struct test_host *th, const void *p)
{
	for (int i = 0; i < TH_REGIONS; i++)
		if (th->regions[i].p == p)
			th->regions[i].p = NULL;
}

uint32_t th_reg(struct test_host *th, uint32_t off)
{
	return fllm_sim_reg_read(th->sim, off);
}

void th_set_reg(struct test_host *th, uint32_t off, uint32_t val)
{
	fllm_sim_reg_write(th->sim, off, val);
}

uint64_t th_reg64(struct test_host *th, uint32_t lo)
{
	uint32_t hi, l, hi2;

	do {
		hi = th_reg(th, lo + 4);
		l = th_reg(th, lo);
		hi2 = th_reg(th, lo + 4);
	} while (hi != hi2);
	return (uint64_t)hi << 32 | l;
}

void th_sleep_ms(unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

int th_wait_reg(struct test_host *th, uint32_t off, uint32_t mask, uint32_t want,
		unsigned timeout_ms)
{
	for (unsigned i = 0; i < timeout_ms * 20; i++) {
		if ((th_reg(th, off) & mask) == want)
			return 0;
		struct timespec ts = { .tv_nsec = 50000 };

		nanosleep(&ts, NULL);
	}
	return (th_reg(th, off) & mask) == want ? 0 : -1;
}

int th_enable(struct test_host *th)
{
	uint64_t sq = (uintptr_t)th->sq, cq = (uintptr_t)th->cq;

	memset(th->sq, 0, TH_RING * sizeof(*th->sq));
	memset(th->cq, 0, TH_RING * sizeof(*th->cq));
	th->sq_tail = th->cq_head = 0;
	th_set_reg(th, FLLM_REG_SQ_BASE_LO, (uint32_t)sq);
	th_set_reg(th, FLLM_REG_SQ_BASE_HI, (uint32_t)(sq >> 32));
	th_set_reg(th, FLLM_REG_SQ_SIZE, TH_RING);
	th_set_reg(th, FLLM_REG_SQ_TAIL, 0);
	th_set_reg(th, FLLM_REG_CQ_BASE_LO, (uint32_t)cq);
	th_set_reg(th, FLLM_REG_CQ_BASE_HI, (uint32_t)(cq >> 32));
	th_set_reg(th, FLLM_REG_CQ_SIZE, TH_RING);
	th_set_reg(th, FLLM_REG_CQ_HEAD, 0);
	for (uint32_t ch = 0; ch < FLLM_DMA_CHANNELS; ch++) {
		uint64_t b = (uintptr_t)th->dq[ch];

		th->dq_tail[ch] = 0;
		th_set_reg(th, FLLM_REG_DMA(ch, FLLM_DMA_BASE_LO), (uint32_t)b);
		th_set_reg(th, FLLM_REG_DMA(ch, FLLM_DMA_BASE_HI), (uint32_t)(b >> 32));
		th_set_reg(th, FLLM_REG_DMA(ch, FLLM_DMA_SIZE), TH_RING);
		th_set_reg(th, FLLM_REG_DMA(ch, FLLM_DMA_TAIL), 0);
		th_set_reg(th, FLLM_REG_DMA(ch, FLLM_DMA_CONTROL), FLLM_DMA_CTRL_RUN);
	}
	th_set_reg(th, FLLM_REG_CONTROL, FLLM_CTRL_ENABLE);
	return th_wait_reg(th, FLLM_REG_STATUS, FLLM_STATUS_QUEUES_ON, FLLM_STATUS_QUEUES_ON,
			   1000);
}

int th_open(struct test_host *th, const struct fllm_sim_config *cfg)
{
	struct fllm_sim_config small = { .mem_size = 64ull << 20, .mem_channels = 4 };
	int rc;

	memset(th, 0, sizeof(*th));
	th->ops = (struct fllm_sim_host){ .ctx = th, .read = th_read, .write = th_write,
					  .irq = th_irq };
	th->sq = aligned_alloc(64, TH_RING * sizeof(*th->sq));
	th->cq = aligned_alloc(64, TH_RING * sizeof(*th->cq));
	for (uint32_t ch = 0; ch < FLLM_DMA_CHANNELS; ch++)
		th->dq[ch] = aligned_alloc(64, TH_RING * sizeof(struct fllm_dma_desc));
	if (!th->sq || !th->cq || !th->dq[0] || !th->dq[1])
		goto err_free;
	th_map(th, th->sq, TH_RING * sizeof(*th->sq));
	th_map(th, th->cq, TH_RING * sizeof(*th->cq));
	for (uint32_t ch = 0; ch < FLLM_DMA_CHANNELS; ch++)
		th_map(th, th->dq[ch], TH_RING * sizeof(struct fllm_dma_desc));
	rc = fllm_sim_create(cfg ? cfg : &small, &th->ops, &th->sim);
	if (rc)
		goto err_free;
	if (th_enable(th))
		goto err_destroy;
	return 0;

err_destroy:
	fllm_sim_destroy(th->sim);
err_free:
	free(th->sq);
	free(th->cq);
	free(th->dq[0]);
	free(th->dq[1]);
	return -1;
}

int th_close(struct test_host *th)
{
	fllm_sim_destroy(th->sim);
	th->sim = NULL;
	free(th->sq);
	free(th->cq);
	free(th->dq[0]);
	free(th->dq[1]);
	return fllm_sim_live() == 0 ? 0 : -1;
}

int th_cmd(struct test_host *th, const struct fllm_cmd *cmd, struct fllm_cpl *cpl,
	   unsigned timeout_ms)
{
	uint32_t want = (th->cq_head + 1) % TH_RING;

	th->sq[th->sq_tail] = *cmd;
	th->sq_tail = (th->sq_tail + 1) % TH_RING;
	th_set_reg(th, FLLM_REG_SQ_TAIL, th->sq_tail);
	if (th_wait_reg(th, FLLM_REG_CQ_TAIL, ~0u, want, timeout_ms))
		return -1;
	*cpl = th->cq[th->cq_head];
	th->cq_head = want;
	th_set_reg(th, FLLM_REG_CQ_HEAD, th->cq_head);
	return 0;
}

int th_dma(struct test_host *th, uint32_t ch, uint64_t host_addr, uint64_t card_addr,
	   uint32_t len, uint16_t flags)
{
	struct fllm_dma_desc *d = &th->dq[ch][th->dq_tail[ch]];
	uint32_t want = (th->dq_tail[ch] + 1) % TH_RING;

	*d = (struct fllm_dma_desc){ .host_addr = host_addr, .card_addr = card_addr,
				     .len = len, .flags = flags, .cookie = 0xc0ffee };
	th->dq_tail[ch] = want;
	th_set_reg(th, FLLM_REG_DMA(ch, FLLM_DMA_TAIL), want);
	if (th_wait_reg(th, FLLM_REG_DMA(ch, FLLM_DMA_HEAD), ~0u, want, 2000))
		return -1;
	return d->status;
}
