/*
 * The emulated card backend: an in-process card model (sim/) driven only
 * through its registers, rings in host memory, doorbells and descriptors,
 * the way a kernel driver drives a real card. Private to this folder.
 */
#ifndef FLLM_EMU_H
#define FLLM_EMU_H

#include <pthread.h>
#include <stdint.h>

#include "backend.h"
#include "fllm_card.h"
#include "fllm_sim.h"

struct fllm_cardmem;

#define EMU_SQ_ENTRIES 2048u		/* >= FLLM_CMDLIST_MAX + 1 */
#define EMU_CQ_ENTRIES 2048u
#define EMU_DMA_ENTRIES 256u
#define EMU_IOMMU_MAX 64u		/* rings plus concurrent transfers */
#define EMU_POLL_NS 2000000ull		/* re-read registers this often while waiting */
#define EMU_DMA_TIMEOUT_NS 30000000000ull	/* no DMA progress for this long: E_IO */
#define EMU_RESET_TIMEOUT_NS 5000000000ull

/* Host "IOMMU": the host ranges the card may reach; bus address = pointer. */
struct emu_iommu {
	pthread_mutex_t lock;
	uint32_t n;
	struct emu_region {
		uint64_t base, len;
		int card_writes;	/* 0: the card may only read it */
	} region[EMU_IOMMU_MAX];
};

/* One interrupt vector: a counter bumped by the card, waited on by the host. */
struct emu_irq {
	pthread_mutex_t lock;
	pthread_cond_t cond;		/* CLOCK_MONOTONIC */
	uint64_t count;
};

/* A DMA channel: its descriptor ring and the lock serialising transfers. */
struct emu_dma {
	pthread_mutex_t lock;
	struct fllm_dma_desc *ring;	/* (dma_n) descriptors, 64-aligned */
	uint32_t tail;			/* next descriptor the host fills */
	uint32_t vector;		/* interrupt vector of the channel */
};

struct fllm_backend_job {
	struct fllm_backend_job *next;	/* FIFO of outstanding jobs */
	uint32_t first_seq;		/* seq of record 0 */
	uint32_t n, done;		/* records, completions received */
	int orphaned;			/* freed by its owner before completion */
	struct fllm_cpl *cpl;		/* (n) completions in record order */
};

struct emu_fastlg;
struct emu_fastunits;

struct emu_dev {
	struct fllm_sim *sim;
	struct emu_fastlg *fastlg;	/* the LUT-GEMM unit's host kernel, or NULL */
	struct emu_fastunits *fastunits;	/* vector and attention on the host, or NULL */
	struct emu_iommu iommu;
	struct emu_irq irq[FLLM_IRQ_VECTORS];
	struct fllm_cardmem *mem;
	uint32_t dma_max_len;		/* FLLM_REG_DMA_MAX_LEN */
	uint32_t sq_n, cq_n, dma_n;	/* ring sizes in use, entries */

	/* command queue, under qlock */
	pthread_mutex_t qlock;
	struct fllm_cmd *sq;		/* (sq_n) records, 64-aligned */
	struct fllm_cpl *cq;		/* (cq_n) completions, 64-aligned */
	uint32_t sq_tail;		/* next SQ slot the host fills */
	uint32_t cq_head;		/* next CQ slot the host reads */
	uint32_t next_seq;
	uint32_t outstanding;		/* records submitted and not reaped */
	int lost;			/* protocol broken: E_DEVICE_LOST until reset */
	struct fllm_backend_job *jobs, *jobs_tail;

	struct emu_dma dma[FLLM_DMA_CHANNELS];
};

/* BAR0 accessors: the only way this backend touches the card. */
static inline uint32_t emu_rd(struct emu_dev *e, uint32_t off)
{
	return fllm_sim_reg_read(e->sim, off);
}

static inline void emu_wr(struct emu_dev *e, uint32_t off, uint32_t val)
{
	fllm_sim_reg_write(e->sim, off, val);
}

/* emu_iommu.c */
void emu_iommu_init(struct emu_iommu *mmu);
int emu_iommu_map(struct emu_iommu *mmu, const void *p, uint64_t len, int card_writes);
void emu_iommu_unmap(struct emu_iommu *mmu, const void *p);
extern const struct fllm_sim_host emu_sim_host_ops;

/* emu_irq.c */
int emu_irq_init(struct emu_irq *irq);
void emu_irq_destroy(struct emu_irq *irq);
uint64_t emu_irq_count(struct emu_irq *irq);
void emu_irq_wait(struct emu_irq *irq, uint64_t seen, uint64_t deadline_ns);
void emu_irq_signal(struct emu_irq *irq);
uint64_t emu_now_ns(void);
uint64_t emu_deadline(uint64_t timeout_ns);

/* emu_rings.c */
fllm_status emu_rings_alloc(struct emu_dev *e);
void emu_rings_free(struct emu_dev *e);
fllm_status emu_rings_start(struct emu_dev *e);
fllm_status emu_reset(void *priv);
fllm_status emu_mem_usage(void *priv, uint64_t *used, uint64_t *peak);

/* emu_dma.c */
fllm_status emu_bo_write(void *priv, void *bo_priv, uint64_t card_addr, const void *src,
			 uint64_t len);
fllm_status emu_bo_read(void *priv, void *bo_priv, uint64_t card_addr, void *dst,
			uint64_t len);

/* emu_queue.c */
fllm_status emu_submit(void *priv, const struct fllm_cmd *cmds, uint32_t n,
		       struct fllm_backend_job **job);
fllm_status emu_wait(void *priv, struct fllm_backend_job *job, uint64_t timeout_ns,
		     struct fllm_cpl *cpl);
void emu_job_free(void *priv, struct fllm_backend_job *job);
void emu_queue_reap(struct emu_dev *e);
void emu_queue_abort_all(struct emu_dev *e);

/* emu_fastlg.c: the LUT-GEMM unit computed by the host's integer kernel. */
fllm_status emu_fastlg_create(struct emu_fastlg **out);
const struct fllm_sim_unit *emu_fastlg_unit(const struct emu_fastlg *f);
void emu_fastlg_free(struct emu_fastlg *f);

/* emu_fastunits.c: the vector and attention units computed by the host's
 * fast twins of the golden functions (one fllm_sim_unit serves both). */
fllm_status emu_fastunits_create(struct emu_fastunits **out);
const struct fllm_sim_unit *emu_fastunits_unit(const struct emu_fastunits *f);
void emu_fastunits_free(struct emu_fastunits *f);

#endif /* FLLM_EMU_H */
