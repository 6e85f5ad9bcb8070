/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fllm.ko private state: one struct fllm_dev per card, one struct fllm_file
 * per open of /dev/fllmN, buffer objects in card memory and submitted jobs.
 *
 * Locking, outermost first:
 *  - fdev->gone_rwsem: read-held by every ioctl; write-held by remove
 *    while the hardware is torn down (fdev->gone is set before, so sleepers
 *    wake up and leave).
 *  - fdev->dma[c].lock: one transfer per DMA channel at a time.
 *  - fdev->qlock: the command rings, every job and every file's job list,
 *    and card resets.
 *  - ffile->lock: the file's BO table. fdev->irq_lock: IRQ_ACK writes.
 */
#ifndef FLLM_DRV_H
#define FLLM_DRV_H

#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/genalloc.h>
#include <linux/interrupt.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/rwsem.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include "fllm_card.h"
#include "fllm_card_lutgemm.h"
#include "uapi/fllm_uapi.h"

/* The uapi cannot include the card headers; what it restates must agree. */
static_assert(FLLM_UAPI_CU_MAX == FLLM_CU_MAX);

#define FLLM_DRV_NAME		"fllm"
#define FLLM_MAX_CARDS		64
#define FLLM_SQ_ENTRIES		2048u	/* > FLLM_UAPI_SUBMIT_MAX */
#define FLLM_CQ_ENTRIES		2048u
#define FLLM_DMA_ENTRIES	256u
#define FLLM_FILE_MAX_JOBS	4096u	/* jobs submitted and not yet collected */
#define FLLM_XFER_PAGES		1024u	/* pages pinned at a time by BO_WRITE/READ */
#define FLLM_READY_TIMEOUT_MS	5000u	/* reset and enable handshakes */
#define FLLM_WATCH_MS		100u	/* hang check and orphan reaping period */

/* QEMU ivshmem (the VM rig, module parameter ivshmem=1). */
#define FLLM_IVSHMEM_VENDOR	0x1af4
#define FLLM_IVSHMEM_DEVICE	0x1110
#define FLLM_IVSHMEM_REG_BAR	0	/* ivshmem's own registers */
#define FLLM_IVSHMEM_SHM_BAR	2	/* shared memory: the card's BAR0 */
#define FLLM_IVSHMEM_DOORBELL	12	/* (peer << 16) | vector */
#define FLLM_IVSHMEM_MODEL_PEER	0	/* peer ID of the card model */

/* Module parameters (fllm_main.c). */
extern bool fllm_param_ivshmem;
extern int fllm_param_irq_mode;
extern unsigned int fllm_param_job_timeout_ms;
extern unsigned int fllm_param_dma_timeout_ms;

/* What the card said about itself at probe. */
struct fllm_card_info {
	u32 if_version;
	u32 fw_version;
	u32 caps;			/* FLLM_CAP_* */
	u64 mem_size;
	u32 mem_channels;
	u32 mem_chan_mbps;
	u32 clock_khz;
	u32 ring_max;
	u32 dma_max_len;
	u32 cu_count;
	u32 cu_info[FLLM_CU_MAX];
	u32 cu_caps[FLLM_CU_MAX];
};

/* Card memory: one gen_pool over [0, mem_size), biased so 0 means failure. */
struct fllm_mem {
	struct gen_pool *pool;
	u64 size;
	u32 channels;
	u64 chan_size;
	atomic64_t used;		/* bytes in live BOs, rounded to the granule */
	atomic_t bos;
};

/* A buffer object: card memory kept alive by its handle and by jobs. */
struct fllm_bo {
	struct kref ref;
	struct fllm_dev *fdev;
	u64 card_addr;
	u64 size;			/* bytes asked for */
	u64 alloc_size;			/* bytes taken from the pool */
	s32 channel;
};

/* One SUBMIT: records queued together, completions collected by WAIT. */
struct fllm_job {
	struct list_head dev_node;	/* in fdev->jobs while records are queued */
	struct list_head file_node;	/* in owner->jobs until collected */
	struct fllm_file *owner;	/* NULL once its file let go of it */
	u64 id;
	u32 first_seq;			/* card seq of record 0 */
	u32 n;				/* records */
	u32 done;			/* completions received */
	bool queued;			/* on fdev->jobs */
	struct fllm_uapi_cpl *cpl;	/* (n) completions in record order */
	u32 nbos;
	struct fllm_bo **bos;		/* (nbos) references held until done */
};

/* One DMA channel: descriptor ring in coherent memory. */
struct fllm_dma_chan {
	struct mutex lock;		/* one transfer at a time */
	struct fllm_dma_desc *ring;	/* (FLLM_DMA_ENTRIES) descriptors */
	dma_addr_t ring_bus;
	u32 tail;			/* next descriptor the driver fills */
	u32 head;			/* next descriptor the card completes */
	int gen;			/* reset generation the ring was started in */
	bool restart;			/* restart RUN before the next transfer */
	wait_queue_head_t wq;		/* woken by the channel's interrupt */
	atomic_t events;
};

struct fllm_dev {
	struct pci_dev *pdev;
	struct device dev;		/* /sys/class/fllm/fllmN, owns this struct */
	struct cdev cdev;
	int minor;
	struct rw_semaphore gone_rwsem;
	bool gone;			/* removed: ioctls fail with -ENODEV */

	void __iomem *regs;		/* card registers: BAR0, or ivshmem BAR2 */
	void __iomem *ivsh;		/* ivshmem registers (doorbell), or NULL */
	spinlock_t irq_lock;
	struct fllm_card_info info;

	int irq_mode;			/* FLLM_UAPI_IRQ_* */
	int nvec;			/* vectors requested */
	atomic64_t irqs_handled;
	atomic_t cq_events;		/* bumped on CQ interrupts, reaps, resets */
	wait_queue_head_t cq_wq;

	struct mutex qlock;		/* rings, jobs, resets: see the top */
	struct fllm_cmd *sq;		/* (sq_n) records */
	dma_addr_t sq_bus;
	struct fllm_cpl *cq;		/* (cq_n) completions */
	dma_addr_t cq_bus;
	u32 sq_n, cq_n;
	u32 sq_tail, cq_head;
	u32 next_seq;
	u64 next_job;
	u32 outstanding;		/* records queued and not completed */
	bool fatal;			/* card stopped or broke the protocol */
	struct list_head jobs;		/* FIFO of queued jobs */
	atomic_t reset_gen;
	u64 driver_resets;

	struct fllm_dma_chan dma[FLLM_DMA_CHANNELS];
	struct fllm_mem mem;

	struct delayed_work watch;
	u32 watch_head;			/* cq_head at the last sign of progress */
	unsigned long watch_since;	/* jiffies of that progress */
};

struct fllm_file {
	struct fllm_dev *fdev;
	struct mutex lock;		/* bos */
	struct xarray bos;		/* handle -> struct fllm_bo */
	struct list_head jobs;		/* under fdev->qlock */
	u32 njobs;			/* under fdev->qlock */
};

/* fllm_regs.c: the only code that touches card registers. */
u32 fllm_rd(struct fllm_dev *fdev, u32 off);
void fllm_wr(struct fllm_dev *fdev, u32 off, u32 val);
u64 fllm_rd64(struct fllm_dev *fdev, u32 lo);
void fllm_irq_ack(struct fllm_dev *fdev, u32 sources);

/* fllm_bringup.c: identity, bring-up and reset. */
int fllm_card_identify(struct fllm_dev *fdev);
int fllm_card_start(struct fllm_dev *fdev);
void fllm_card_stop(struct fllm_dev *fdev);
int fllm_card_reset(struct fllm_dev *fdev, const char *why);
int fllm_card_wait_ready(struct fllm_dev *fdev);

/* fllm_rings.c: ring memory. */
int fllm_rings_alloc(struct fllm_dev *fdev);
void fllm_rings_free(struct fllm_dev *fdev);
void fllm_rings_program(struct fllm_dev *fdev);

/* fllm_irq.c */
int fllm_irq_setup(struct fllm_dev *fdev);
void fllm_irq_teardown(struct fllm_dev *fdev);
const char *fllm_irq_mode_name(int mode);
void fllm_wake_all(struct fllm_dev *fdev);

/* fllm_queue.c: jobs. */
void fllm_queue_reap(struct fllm_dev *fdev);
void fllm_queue_abort_all(struct fllm_dev *fdev);
int fllm_queue_submit(struct fllm_file *ffile, struct fllm_job *job, struct fllm_cmd *cmds);
int fllm_queue_wait(struct fllm_file *ffile, struct fllm_uapi_wait *w);
void fllm_queue_release_file(struct fllm_file *ffile);
void fllm_job_free(struct fllm_job *job);

/* fllm_watch.c: the hang watch over queued jobs. */
void fllm_watch_arm(struct fllm_dev *fdev);
void fllm_watch_fn(struct work_struct *work);

/* One card range a command makes the card touch. */
struct fllm_range {
	u64 addr;
	u64 len;
};

/* fllm_params.c: the card ranges inside a unit's parameter block. */
#define FLLM_PARAMS_SLOT	384u	/* a block's slot in the driver's copy */
#define FLLM_PARAMS_RANGES_MAX	(2 + FLLM_LUTGEMM_SLICES_MAX)
int fllm_params_ranges(u16 opcode, const void *block, u64 params_bytes, struct fllm_range *r);
struct fllm_attention_seq;
int fllm_params_attention_seq(const void *block, const struct fllm_attention_seq *d,
			      struct fllm_range *r);

/* fllm_check.c: SUBMIT's card range checks. */
u32 fllm_check_bos_max(const struct fllm_cmd *cmds, u32 n);
int fllm_check_cmds(struct fllm_file *ffile, struct fllm_cmd *cmds, struct fllm_job *job);

/* fllm_dma.c: blocking DMA from and to pinned user pages. */
int fllm_dma_xfer(struct fllm_dev *fdev, u32 ch, u64 card_addr, u64 uaddr, u64 len);
int fllm_dma_kbuf(struct fllm_dev *fdev, u32 c, u64 card_addr, void *buf, size_t len);
void fllm_dma_chan_init(struct fllm_dma_chan *c);

/* fllm_mem.c: card memory. */
int fllm_mem_init(struct fllm_mem *mem, u64 size, u32 channels, int nid);
void fllm_mem_fini(struct fllm_mem *mem);
int fllm_mem_alloc(struct fllm_mem *mem, u64 size, u64 align, s32 channel, u64 *addr,
		   u64 *alloc_size);
void fllm_mem_free(struct fllm_mem *mem, u64 addr, u64 alloc_size);
u64 fllm_mem_free_bytes(struct fllm_mem *mem);

/* fllm_bo.c: BOs of an open file. */
int fllm_bo_create(struct fllm_file *ffile, struct fllm_uapi_bo_create *req);
int fllm_bo_free_handle(struct fllm_file *ffile, u32 handle);
struct fllm_bo *fllm_bo_lookup(struct fllm_file *ffile, u32 handle);
struct fllm_bo *fllm_bo_find_range(struct fllm_file *ffile, u64 addr, u64 len);
struct fllm_bo *fllm_bo_alloc_kernel(struct fllm_dev *fdev, u64 size);
void fllm_bo_get(struct fllm_bo *bo);
void fllm_bo_put(struct fllm_bo *bo);
void fllm_bo_release_file(struct fllm_file *ffile);

/* fllm_ioctl.c and fllm_file.c */
long fllm_ioctl(struct file *filp, unsigned int cmd, unsigned long arg);
extern const struct file_operations fllm_fops;

/* fllm_sysfs.c */
extern const struct attribute_group *fllm_dev_groups[];

/* fllm_pci.c */
extern struct pci_driver fllm_pci_driver;
extern const struct pci_device_id fllm_pci_ids_vm[];
extern struct class *fllm_class;
extern dev_t fllm_devt;

#endif /* FLLM_DRV_H */
