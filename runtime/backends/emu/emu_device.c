/* The emu backend's table: open/close, registers, card memory, enumeration. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cardmem.h"
#include "emu.h"
#include "options.h"

struct emu_bo {
	uint64_t addr, size;	/* the range taken from the allocator */
};

/*
 * Options of an emu spec: "0,mem=1G,channels=8,dma=64K,golden=1,fault=2",
 * and clock=KHZ, mbps=MBPS (kernel clock, peak per channel) as a card image
 * sets them (fllm program).
 */
enum { OPT_MEM, OPT_CHANNELS, OPT_DMA, OPT_GOLDEN, OPT_FAULT, OPT_CLOCK, OPT_MBPS, OPT_COUNT };

static fllm_status parse_spec(const char *spec, struct fllm_sim_config *cfg, int *golden)
{
	struct fllm_option opts[OPT_COUNT] = {
		[OPT_MEM] = { "mem", FLLM_OPT_SIZE, 1ull << 20, 1ull << 40, 0, 0 },
		[OPT_CHANNELS] = { "channels", FLLM_OPT_UINT, 1, 1024, 0, 0 },
		[OPT_DMA] = { "dma", FLLM_OPT_SIZE, 64, 1ull << 30, 0, 0 },
		[OPT_GOLDEN] = { "golden", FLLM_OPT_UINT, 0, 1, 0, 0 },
		/* a unit type (fllm_card.h FLLM_CU_*) whose results the card corrupts */
		[OPT_FAULT] = { "fault", FLLM_OPT_UINT, FLLM_CU_LUTGEMM, FLLM_CU_VECTOR, 0, 0 },
		[OPT_CLOCK] = { "clock", FLLM_OPT_UINT, 1000, 2000000, 0, 0 },
		[OPT_MBPS] = { "mbps", FLLM_OPT_UINT, 1, 1000000, 0, 0 },
	};
	uint64_t index = 0;
	fllm_status st;

	st = fllm_options_parse(spec, opts, OPT_COUNT, &index);
	if (st)
		return st;
	if (index != 0)
		return FLLM_E_NO_DEVICE;
	memset(cfg, 0, sizeof(*cfg));
	cfg->mem_size = opts[OPT_MEM].present ? opts[OPT_MEM].value : 8ull << 30;
	cfg->mem_channels = opts[OPT_CHANNELS].present ? (uint32_t)opts[OPT_CHANNELS].value : 32;
	if (opts[OPT_DMA].present)
		cfg->dma_max_len = (uint32_t)opts[OPT_DMA].value;
	*golden = opts[OPT_GOLDEN].present && opts[OPT_GOLDEN].value;
	if (opts[OPT_FAULT].present)
		cfg->fault_unit = (uint32_t)opts[OPT_FAULT].value;
	cfg->clock_khz = (uint32_t)opts[OPT_CLOCK].value;	/* 0 when absent: default */
	cfg->chan_mbps = (uint32_t)opts[OPT_MBPS].value;
	return FLLM_OK;
}

/* Free everything open() set up, whatever stage it reached. */
static void emu_teardown(struct emu_dev *e)
{
	fllm_sim_destroy(e->sim);	/* stops the card thread first */
	e->sim = NULL;
	emu_fastlg_free(e->fastlg);
	emu_fastunits_free(e->fastunits);
	emu_queue_abort_all(e);
	emu_rings_free(e);
	fllm_cardmem_destroy(e->mem);
	for (uint32_t v = 0; v < FLLM_IRQ_VECTORS; v++)
		emu_irq_destroy(&e->irq[v]);
	for (uint32_t c = 0; c < FLLM_DMA_CHANNELS; c++)
		pthread_mutex_destroy(&e->dma[c].lock);
	pthread_mutex_destroy(&e->qlock);
	pthread_mutex_destroy(&e->iommu.lock);
	free(e);
}

/* Ring size: want entries, limited by what the card supports. */
static uint32_t ring_size(uint32_t want, uint32_t card_max)
{
	while (want > card_max && want > 2)
		want /= 2;
	return want;
}

/* Read the sizes this backend depends on from the card's registers. */
static fllm_status read_geometry(struct emu_dev *e)
{
	uint64_t mem = emu_rd(e, FLLM_REG_MEM_SIZE_LO) |
		       (uint64_t)emu_rd(e, FLLM_REG_MEM_SIZE_HI) << 32;
	uint32_t channels = emu_rd(e, FLLM_REG_MEM_CHANNELS);
	uint32_t ring_max = emu_rd(e, FLLM_REG_CMD_RING_MAX);
	fllm_status st;

	if (emu_rd(e, FLLM_REG_MAGIC) != FLLM_CARD_MAGIC)
		return FLLM_E_NO_DEVICE;
	e->dma_max_len = emu_rd(e, FLLM_REG_DMA_MAX_LEN);
	if (ring_max < 2 || !e->dma_max_len)
		return FLLM_E_FORMAT;
	e->sq_n = ring_size(EMU_SQ_ENTRIES, ring_max);
	e->cq_n = ring_size(EMU_CQ_ENTRIES, ring_max);
	e->dma_n = ring_size(EMU_DMA_ENTRIES, ring_max);
	st = fllm_cardmem_create(mem, channels, &e->mem);
	return st == FLLM_E_INVALID_ARG ? FLLM_E_FORMAT : st;
}

/* Create a card model from spec and bring its rings up. */
static fllm_status emu_open(const char *spec, void **priv)
{
	struct fllm_sim_host host = emu_sim_host_ops;
	struct fllm_sim_config cfg;
	struct emu_dev *e;
	fllm_status st;
	int rc, golden;

	st = parse_spec(spec, &cfg, &golden);
	if (st)
		return st;
	e = calloc(1, sizeof(*e));
	if (!e)
		return FLLM_E_NO_MEMORY;
	emu_iommu_init(&e->iommu);
	pthread_mutex_init(&e->qlock, NULL);
	for (uint32_t c = 0; c < FLLM_DMA_CHANNELS; c++) {
		pthread_mutex_init(&e->dma[c].lock, NULL);
		e->dma[c].vector = c == FLLM_DMA_H2C ? 1 : 2;	/* FLLM_IRQ_DMA_* bits */
	}
	for (uint32_t v = 0; v < FLLM_IRQ_VECTORS; v++)
		emu_irq_init(&e->irq[v]);
	host.ctx = e;
	rc = fllm_sim_create(&cfg, &host, &e->sim);
	if (rc) {
		st = rc == -ENOMEM ? FLLM_E_NO_MEMORY : FLLM_E_INVALID_ARG;
		goto err_teardown;
	}
	/* every unit on the host's fast kernels unless golden=1 (emu_fastlg.c,
	 * emu_fastunits.c) */
	st = golden ? FLLM_OK : emu_fastlg_create(&e->fastlg);
	if (!st && !golden)
		st = emu_fastunits_create(&e->fastunits);
	if (!st && e->fastlg &&
	    (fllm_sim_unit_set(e->sim, FLLM_CU_LUTGEMM, emu_fastlg_unit(e->fastlg)) ||
	     fllm_sim_unit_set(e->sim, FLLM_CU_VECTOR, emu_fastunits_unit(e->fastunits)) ||
	     fllm_sim_unit_set(e->sim, FLLM_CU_ATTENTION, emu_fastunits_unit(e->fastunits))))
		st = FLLM_E_INVALID_ARG;
	if (!st)
		st = read_geometry(e);
	if (!st)
		st = emu_rings_alloc(e);
	if (!st)
		st = emu_rings_start(e);
	if (st)
		goto err_teardown;
	*priv = e;
	return FLLM_OK;

err_teardown:
	emu_teardown(e);
	return st;
}

static void emu_close(void *priv)
{
	emu_teardown(priv);
}

static fllm_status emu_reg_read(void *priv, uint32_t off, uint32_t *val)
{
	*val = emu_rd(priv, off);
	return FLLM_OK;
}

static fllm_status emu_reg_write(void *priv, uint32_t off, uint32_t val)
{
	emu_wr(priv, off, val);
	return FLLM_OK;
}

/* Card memory from the allocator; the BO remembers its exact range. */
static fllm_status emu_bo_alloc(void *priv, uint64_t size, uint64_t align, int32_t channel,
				uint64_t *card_addr, void **bo_priv)
{
	struct emu_dev *e = priv;
	struct emu_bo *bo = malloc(sizeof(*bo));
	fllm_status st;

	if (!bo)
		return FLLM_E_NO_MEMORY;
	st = fllm_cardmem_alloc(e->mem, size, align, channel, &bo->addr);
	if (st) {
		free(bo);
		return st;
	}
	bo->size = size;
	*card_addr = bo->addr;
	*bo_priv = bo;
	return FLLM_OK;
}

static void emu_bo_free(void *priv, void *bo_priv)
{
	struct emu_dev *e = priv;
	struct emu_bo *bo = bo_priv;

	fllm_cardmem_free(e->mem, bo->addr, bo->size);
	free(bo);
}

static uint32_t emu_ring_entries(void *priv)
{
	return ((struct emu_dev *)priv)->sq_n;
}

/* One emulated card, always there. */
static fllm_status emu_enumerate(fllm_device_desc *out, size_t cap, size_t *n)
{
	if (*n < cap) {
		fllm_device_desc *d = &out[*n];

		memset(d, 0, sizeof(*d));
		snprintf(d->name, sizeof(d->name), "emu:0");
		snprintf(d->backend, sizeof(d->backend), "emu");
		snprintf(d->description, sizeof(d->description),
			 "emulated fllm card, 8 GiB in 32 channels (set with mem=, channels=; golden=1: the hls/ C units)");
		d->openable = 1;
		d->pci.numa_node = -1;
	}
	(*n)++;
	return FLLM_OK;
}

/* See backend.h: the card-memory allocator's counts. */
fllm_status emu_mem_usage(void *priv, uint64_t *used, uint64_t *peak)
{
	fllm_cardmem_usage(((struct emu_dev *)priv)->mem, used, peak);
	return FLLM_OK;
}

const struct fllm_backend_ops fllm_backend_emu = {
	.name = "emu",
	.enumerate = emu_enumerate,
	.open = emu_open,
	.close = emu_close,
	.reg_read = emu_reg_read,
	.reg_write = emu_reg_write,
	.bo_alloc = emu_bo_alloc,
	.bo_free = emu_bo_free,
	.bo_write = emu_bo_write,
	.bo_read = emu_bo_read,
	.submit = emu_submit,
	.wait = emu_wait,
	.job_free = emu_job_free,
	.reset = emu_reset,
	.ring_entries = emu_ring_entries,
	.mem_usage = emu_mem_usage,
};
