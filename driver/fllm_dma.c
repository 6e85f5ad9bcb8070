// SPDX-License-Identifier: GPL-2.0
/*
 * BO_WRITE and BO_READ: DMA straight between user pages and card memory.
 * The user range is handled in pieces of up to FLLM_XFER_PAGES pages: each
 * piece is pinned, described by an sg_table, mapped for the device and cut
 * into descriptors (at most DMA_MAX_LEN bytes each) that are fed through the
 * channel's ring, refilled as the card completes them. Only then are the
 * pages unmapped and unpinned, so the card never touches memory the process
 * may have lost. A fatal signal ends the transfer between pieces; within a
 * piece the wait is bounded by dma_timeout_ms, after which the card is
 * reset (which stops its DMA engines) before the pages are let go.
 */
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/scatterlist.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "fllm_drv.h"

/* One mapped piece being fed to the channel. */
struct fllm_piece {
	struct sg_table sgt;
	struct scatterlist *sg;		/* next DMA segment to describe */
	unsigned int sg_left;		/* segments from sg on */
	u64 sg_off;			/* bytes of sg already described */
	u64 card_addr;			/* card address of the next byte */
};

/* A channel that starts its ring at its first transfer. */
void fllm_dma_chan_init(struct fllm_dma_chan *c)
{
	mutex_init(&c->lock);
	init_waitqueue_head(&c->wq);
	atomic_set(&c->events, 0);
	c->gen = -1;
}

/*
 * Start the channel's ring from index 0 (ch->lock held): after probe, after a
 * card reset (which cleared RUN) or after an error that may have halted it
 * (RUN is cleared first so that the card sees a rising edge; a card model
 * samples it at least every millisecond).
 */
static void fllm_dma_restart(struct fllm_dev *fdev, u32 c)
{
	struct fllm_dma_chan *ch = &fdev->dma[c];

	if (ch->restart) {
		fllm_wr(fdev, FLLM_REG_DMA(c, FLLM_DMA_CONTROL), 0);
		usleep_range(2000, 3000);
	}
	ch->gen = atomic_read(&fdev->reset_gen);
	memset(ch->ring, 0, FLLM_DMA_ENTRIES * sizeof(*ch->ring));
	ch->tail = 0;
	ch->head = 0;
	fllm_wr(fdev, FLLM_REG_DMA(c, FLLM_DMA_TAIL), 0);
	dma_wmb();
	fllm_wr(fdev, FLLM_REG_DMA(c, FLLM_DMA_CONTROL), FLLM_DMA_CTRL_RUN);
	ch->restart = false;
}

/* Describe as much of the piece as the ring holds; returns descriptors added. */
static u32 fllm_dma_feed(struct fllm_dev *fdev, u32 c, struct fllm_piece *p, u32 pending)
{
	struct fllm_dma_chan *ch = &fdev->dma[c];
	struct fllm_dma_desc *d = NULL;
	u32 added = 0;

	while (p->sg_left && pending + added < FLLM_DMA_ENTRIES - 1) {
		u64 seg = sg_dma_len(p->sg) - p->sg_off;
		u32 len = (u32)min_t(u64, seg, fdev->info.dma_max_len);

		d = &ch->ring[ch->tail];
		d->host_addr = sg_dma_address(p->sg) + p->sg_off;
		d->card_addr = p->card_addr;
		d->len = len;
		d->flags = 0;
		d->status = 0;
		d->cookie = ch->tail;
		p->card_addr += len;
		p->sg_off += len;
		if (p->sg_off == sg_dma_len(p->sg)) {
			p->sg = sg_next(p->sg);
			p->sg_left--;
			p->sg_off = 0;
		}
		ch->tail = (ch->tail + 1) & (FLLM_DMA_ENTRIES - 1);
		added++;
	}
	if (d && fdev->irq_mode != FLLM_UAPI_IRQ_POLL)
		d->flags = FLLM_DESC_F_IRQ;	/* one interrupt per batch */
	if (added) {
		dma_wmb();
		fllm_wr(fdev, FLLM_REG_DMA(c, FLLM_DMA_TAIL), ch->tail);
	}
	return added;
}

/*
 * Run one mapped piece to completion (ch->lock held). Returns 0, -EIO on a
 * descriptor error, a card reset or a dead card.
 */
static int fllm_dma_run(struct fllm_dev *fdev, u32 c, struct fllm_piece *p, int gen)
{
	struct fllm_dma_chan *ch = &fdev->dma[c];
	unsigned long progress = jiffies;
	u32 pending = 0, hw_head;
	int rc = 0, seen;

	for (;;) {
		seen = atomic_read(&ch->events);
		if (!rc)
			pending += fllm_dma_feed(fdev, c, p, pending);
		hw_head = fllm_rd(fdev, FLLM_REG_DMA(c, FLLM_DMA_HEAD));
		dma_rmb();
		if (atomic_read(&fdev->reset_gen) != gen)
			return -EIO;	/* the reset stopped the engine */
		if (hw_head >= FLLM_DMA_ENTRIES) {
			rc = -EIO;
			break;
		}
		while (ch->head != hw_head && pending) {
			u16 s = READ_ONCE(ch->ring[ch->head].status);

			if (!(s & FLLM_DESC_S_DONE) || FLLM_DESC_S_ERR(s))
				rc = -EIO;
			ch->head = (ch->head + 1) & (FLLM_DMA_ENTRIES - 1);
			pending--;
			progress = jiffies;
		}
		if (!pending && (rc || !p->sg_left))
			return rc;
		if (time_after(jiffies, progress +
				       msecs_to_jiffies(READ_ONCE(fllm_param_dma_timeout_ms)))) {
			rc = -ETIMEDOUT;
			break;
		}
		wait_event_timeout(ch->wq,
				   atomic_read(&ch->events) != seen ||
				   atomic_read(&fdev->reset_gen) != gen,
				   fdev->irq_mode == FLLM_UAPI_IRQ_POLL ? 1 : HZ / 10);
	}
	/* the engine may still own descriptors: stop it before pages go */
	dev_err(&fdev->pdev->dev, "DMA channel %u: %s with %u descriptors pending\n", c,
		rc == -ETIMEDOUT ? "no progress" : "bad head index", pending);
	fllm_card_reset(fdev, "DMA timeout");
	return -EIO;
}

/* Map len bytes at offset off of pages for the device and run them (ch->lock held). */
static int fllm_dma_pages(struct fllm_dev *fdev, u32 c, struct page **pages, int npages,
			  unsigned int off, u64 len, u64 card_addr)
{
	enum dma_data_direction dir = c == FLLM_DMA_H2C ? DMA_TO_DEVICE : DMA_FROM_DEVICE;
	struct fllm_piece p = { .card_addr = card_addr };
	int rc, gen;

	rc = sg_alloc_table_from_pages(&p.sgt, pages, npages, off, len, GFP_KERNEL);
	if (rc)
		return rc;
	rc = dma_map_sgtable(&fdev->pdev->dev, &p.sgt, dir, 0);
	if (rc)
		goto err_free_sgt;
	p.sg = p.sgt.sgl;
	p.sg_left = p.sgt.nents;
	gen = atomic_read(&fdev->reset_gen);
	if (fdev->dma[c].gen != gen || fdev->dma[c].restart)
		fllm_dma_restart(fdev, c);
	rc = fllm_dma_run(fdev, c, &p, gen);
	if (rc)
		fdev->dma[c].restart = true;
	dma_unmap_sgtable(&fdev->pdev->dev, &p.sgt, dir, 0);
err_free_sgt:
	sg_free_table(&p.sgt);
	return rc;
}

/* Pin, map, run and release one piece of at most FLLM_XFER_PAGES pages. */
static int fllm_dma_piece(struct fllm_dev *fdev, u32 c, struct page **pages, u64 card_addr,
			  u64 uaddr, u64 len)
{
	unsigned int off = offset_in_page(uaddr);
	int npages = DIV_ROUND_UP(off + len, PAGE_SIZE);
	int pinned, rc;

	pinned = pin_user_pages_fast(uaddr & PAGE_MASK, npages,
				     c == FLLM_DMA_C2H ? FOLL_WRITE : 0, pages);
	if (pinned < 0)
		return pinned;
	rc = pinned == npages ? fllm_dma_pages(fdev, c, pages, npages, off, len, card_addr) :
				-EFAULT;
	unpin_user_pages_dirty_lock(pages, pinned, c == FLLM_DMA_C2H && !rc);
	return rc;
}

/*
 * Move len bytes between the kernel buffer buf (kmalloc or vmalloc memory,
 * not the stack) and card_addr on channel c, for the driver's own use.
 */
int fllm_dma_kbuf(struct fllm_dev *fdev, u32 c, u64 card_addr, void *buf, size_t len)
{
	unsigned int off = offset_in_page(buf);
	int npages = DIV_ROUND_UP(off + len, PAGE_SIZE), i, rc;
	u8 *page0 = (u8 *)buf - off;
	struct page **pages;

	if (!len)
		return 0;
	pages = kvmalloc_array(npages, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	for (i = 0; i < npages; i++)
		pages[i] = is_vmalloc_addr(buf) ? vmalloc_to_page(page0 + i * PAGE_SIZE) :
						  virt_to_page(page0 + i * PAGE_SIZE);
	if (mutex_lock_killable(&fdev->dma[c].lock)) {
		kvfree(pages);
		return -EINTR;
	}
	rc = READ_ONCE(fdev->gone) ? -ENODEV :
				     fllm_dma_pages(fdev, c, pages, npages, off, len, card_addr);
	mutex_unlock(&fdev->dma[c].lock);
	kvfree(pages);
	return rc;
}

/*
 * Move len bytes between user address uaddr and card_addr on channel c
 * (FLLM_DMA_H2C: user to card). The caller checked the card range.
 */
int fllm_dma_xfer(struct fllm_dev *fdev, u32 c, u64 card_addr, u64 uaddr, u64 len)
{
	const u64 piece_max = (u64)FLLM_XFER_PAGES << PAGE_SHIFT;
	struct page **pages;
	int rc = 0;

	if (!len)
		return 0;
	if (uaddr + len < uaddr)
		return -EFAULT;
	pages = kvmalloc_array(FLLM_XFER_PAGES + 1, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	if (mutex_lock_killable(&fdev->dma[c].lock)) {
		kvfree(pages);
		return -EINTR;
	}
	while (len && !rc) {
		/* a piece ends on a page boundary so the next starts aligned */
		u64 n = min(len, piece_max - offset_in_page(uaddr));

		if (READ_ONCE(fdev->gone))
			rc = -ENODEV;
		else if (fatal_signal_pending(current))
			rc = -EINTR;
		else
			rc = fllm_dma_piece(fdev, c, pages, card_addr, uaddr, n);
		card_addr += n;
		uaddr += n;
		len -= n;
	}
	mutex_unlock(&fdev->dma[c].lock);
	kvfree(pages);
	return rc;
}
