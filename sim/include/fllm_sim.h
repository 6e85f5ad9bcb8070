/*
 * fllm card model: the whole card as software, speaking only the card
 * interface (card/include/fllm_card.h).
 *
 * A model owns a register file (BAR0), sparse card memory split into HBM-like
 * channels, two DMA engines that walk descriptor rings in host memory, the
 * firmware command processor (firmware/, compiled for the host), compute
 * units that run the hls/ C kernels, an interrupt controller and an
 * activity-based power and thermal model. It runs in its own thread.
 *
 * The register file is plain memory, as it would be when shared with a
 * virtual machine: the card notices host writes by comparing doorbells with
 * its own shadow copies when it is kicked (fllm_sim_reg_write kicks) or on its
 * periodic poll. Host memory is reached only through struct fllm_sim_host, so
 * the same model serves an in-process runtime and a VM whose RAM is a file.
 */
#ifndef FLLM_SIM_H
#define FLLM_SIM_H

#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct fllm_sim;

struct fllm_sim_config {
	uint64_t mem_size;	/* card memory bytes; 0 = 8 GiB (allocated lazily) */
	uint32_t mem_channels;	/* HBM pseudo-channels; 0 = 32 */
	uint32_t clock_khz;	/* kernel clock; 0 = 300000 */
	uint32_t chan_mbps;	/* peak per channel; 0 = 14375 */
	uint32_t dma_max_len;	/* largest descriptor; 0 = 4 MiB */
	/*
	 * Fault injection for lab tests: 0, or a unit type (FLLM_CU_LUTGEMM,
	 * _VECTOR, _ATTENTION) whose every successful command that writes an
	 * output row gets bit 0 of its first output word flipped afterwards,
	 * as a broken unit would. Never set outside tests.
	 */
	uint32_t fault_unit;
};

/* How the card reaches the host. Calls come from the card's thread. */
struct fllm_sim_host {
	void *ctx;
	/* DMA at a bus address; 0 on success, nonzero when the address is not
	 * mapped for the card (the model then reports FLLM_CARD_ERR_HOST_DMA). */
	int (*read)(void *ctx, uint64_t bus_addr, void *dst, uint64_t len);
	int (*write)(void *ctx, uint64_t bus_addr, const void *src, uint64_t len);
	/* An MSI-X message for vector (0..FLLM_IRQ_VECTORS-1). */
	void (*irq)(void *ctx, uint32_t vector);
};

/*
 * Returns 0, or a negative errno (-EINVAL bad config, -ENOMEM). cfg may be
 * NULL for all defaults. A config is valid when mem_size is at least 1 MiB
 * and a multiple of mem_channels * 4096, mem_channels is at most 64,
 * clock_khz is in [1000, 2000000] and dma_max_len in [4096, 1 GiB]; host
 * must provide read and write (irq may be NULL: the host then polls).
 */
int fllm_sim_create(const struct fllm_sim_config *cfg, const struct fllm_sim_host *host,
		    struct fllm_sim **out);
/*
 * As fllm_sim_create, with BAR0 in memory the caller provides: regs points to
 * FLLM_REG_BAR_SIZE bytes, 4-aligned, that stay mapped until destroy (a page
 * shared with a virtual machine). The model initialises the page; whoever
 * else maps it writes registers straight into memory, so the RO/RW rules of
 * fllm_sim_reg_write are not enforced there and IRQ_ACK holds only the last
 * value written before the card applies it. The card notices such writes on
 * its periodic poll or when fllm_sim_kick is called.
 */
int fllm_sim_create_shared(const struct fllm_sim_config *cfg, const struct fllm_sim_host *host,
			   void *regs, struct fllm_sim **out);
/* Wake the card thread now, e.g. on a doorbell from outside the process. */
void fllm_sim_kick(struct fllm_sim *sim);

/* Stops the card thread and frees everything. NULL is a no-op. */
void fllm_sim_destroy(struct fllm_sim *sim);

/* Models created and not yet destroyed in this process (for leak checks). */
unsigned fllm_sim_live(void);

struct fllm_cmd;

/*
 * A compute-unit implementation other than the built-in hls/ C model, e.g.
 * the RTL unit simulated by Verilator (the rtlsim backend). For every
 * command the unit receives (the firmware validated it for the unit's
 * type), the card thread calls run with the card clock stopped: run
 * executes the command on card memory and returns its enum fllm_card_err,
 * the command's result (fllm_cpl.result), the unit's cycles and the
 * card-memory bytes it moved. cycles = UINT64_MAX: the unit never finishes
 * (the firmware's watchdog resets it).
 */
struct fllm_sim_unit {
	const char *name;	/* e.g. "rtl" */
	void *ctx;
	uint16_t (*run)(void *ctx, uint8_t *mem /* (mem_bytes) card memory */,
			uint64_t mem_bytes, const struct fllm_cmd *cmd, uint64_t *result,
			uint64_t *cycles, uint64_t *traffic);
	/* optional (NULL: the card model counts m x row_bytes): the LUT-GEMM
	 * weight bytes the last command run read, as the unit counted them */
	uint64_t (*weight_bytes)(void *ctx);
};

/*
 * Run the card's unit of type cu_type (FLLM_CU_*) through unit from now on;
 * NULL gives it back to the hls/ C model. A run-time choice: unit must stay
 * valid until replaced or the model is destroyed, and the call belongs
 * where no command is in flight (the card thread reads the choice when a
 * command starts). 0, or -EINVAL when the card has no unit of that type.
 */
int fllm_sim_unit_set(struct fllm_sim *sim, uint32_t cu_type, const struct fllm_sim_unit *unit);
/* The implementation set for cu_type, or NULL for the hls/ C model (or no such unit). */
const struct fllm_sim_unit *fllm_sim_unit_get(struct fllm_sim *sim, uint32_t cu_type);

/* Host side of BAR0 (32-bit, 4-aligned offsets). Writes to RO registers are
 * ignored, as on the card; a write wakes the card thread. */
uint32_t fllm_sim_reg_read(struct fllm_sim *sim, uint32_t off);
void fllm_sim_reg_write(struct fllm_sim *sim, uint32_t off, uint32_t val);

#ifdef __cplusplus
}
#endif

#endif /* FLLM_SIM_H */
