/*
 * libfllm: the fllm runtime's public API.
 *
 * Opaque handles and functions only. Every function returns fllm_status
 * (FLLM_OK = 0, failures negative) unless it is a plain getter. Strict pairs:
 * open/close, alloc/free, create/free, submit/wait. Passing NULL to a _free or
 * _close is a no-op; passing NULL where a handle is required is a programming
 * error and trips an assertion.
 *
 * Compiles as C11 and as C++.
 */
#ifndef FLLM_FLLM_H
#define FLLM_FLLM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Status                                                             */
/* ------------------------------------------------------------------ */

/*
 * Every status once: X(name, value, text). The enum and fllm_status_str()
 * are both made from this list, so a value cannot lack its text.
 */
#define FLLM_STATUS_LIST(X) \
	X(FLLM_OK, 0, "success") \
	/* an argument is out of its domain */ \
	X(FLLM_E_INVALID_ARG, -1, "invalid argument") \
	/* host memory exhausted */ \
	X(FLLM_E_NO_MEMORY, -2, "out of host memory") \
	/* no such device or backend */ \
	X(FLLM_E_NO_DEVICE, -3, "no such device") \
	/* access outside a buffer object */ \
	X(FLLM_E_OUT_OF_RANGE, -4, "access outside the buffer object") \
	/* card memory allocation failed */ \
	X(FLLM_E_NO_CARD_MEMORY, -5, "out of card memory") \
	/* wait ran out of time; work goes on */ \
	X(FLLM_E_TIMEOUT, -6, "timed out") \
	/* ring full, try again after a wait */ \
	X(FLLM_E_BUSY, -7, "queue full, try again") \
	/* transfer or device access failed */ \
	X(FLLM_E_IO, -8, "device input/output failed") \
	/* a command completed with a card error */ \
	X(FLLM_E_CARD, -9, "command failed on the card") \
	/* a compute unit hung and was reset */ \
	X(FLLM_E_WATCHDOG, -10, "compute unit hung and was reset by the watchdog") \
	/* card interface version not supported */ \
	X(FLLM_E_VERSION, -11, "card interface version not supported") \
	/* backend lacks this operation */ \
	X(FLLM_E_UNSUPPORTED, -12, "operation not supported by this backend") \
	/* object not in a state for this call */ \
	X(FLLM_E_STATE, -13, "object not in a state for this call") \
	/* card fatal error; reset needed */ \
	X(FLLM_E_DEVICE_LOST, -14, "card reported a fatal error; reset needed") \
	/* malformed file or record */ \
	X(FLLM_E_FORMAT, -15, "malformed file or record") \
	/* operation not allowed here */ \
	X(FLLM_E_PERMISSION, -16, "operation not permitted")

#define FLLM_STATUS_ENUM_ITEM(name, value, text) name = value,
typedef enum fllm_status {
	FLLM_STATUS_LIST(FLLM_STATUS_ENUM_ITEM)
} fllm_status;
#undef FLLM_STATUS_ENUM_ITEM

/* Short English text for a status; never NULL, even for unknown values. */
const char *fllm_status_str(fllm_status status);

/* Live handles of every kind in this process (devices, buffer objects,
 * command lists, events). Tests check it returns to zero. */
uint64_t fllm_live_handles(void);

/* ------------------------------------------------------------------ */
/* Devices                                                            */
/* ------------------------------------------------------------------ */

typedef struct fllm_device fllm_device;
typedef struct fllm_bo fllm_bo;
typedef struct fllm_cmdlist fllm_cmdlist;
typedef struct fllm_event fllm_event;

#define FLLM_NAME_MAX 64
#define FLLM_TEXT_MAX 128
#define FLLM_CU_INFO_MAX 16

/* PCIe facts of a device found on the bus (zero for emulated cards). */
typedef struct fllm_pci_info {
	uint16_t vendor_id, device_id;
	uint16_t subsys_vendor_id, subsys_device_id;
	uint32_t domain;
	uint8_t bus, dev, func;
	uint8_t link_speed_cur;		/* PCIe generation 1..6, 0 unknown */
	uint8_t link_speed_max;
	uint8_t link_width_cur;		/* lanes, 0 unknown */
	uint8_t link_width_max;
	int32_t numa_node;		/* -1 unknown */
	uint64_t bar_size[6];		/* bytes, 0 absent or unknown */
	char driver[32];		/* bound kernel driver, "" none */
	char product[FLLM_TEXT_MAX];	/* name from pci.ids, or "" */
} fllm_pci_info;

/* One entry of fllm_device_list. */
typedef struct fllm_device_desc {
	char name[FLLM_NAME_MAX];	/* what fllm_device_open takes: "emu:0", "pci:0000:03:00.0" */
	char backend[16];		/* "emu", "pci", ... */
	char description[FLLM_TEXT_MAX];
	int openable;			/* 0 when found but no backend can drive it yet */
	int is_pci;			/* pci below is valid */
	fllm_pci_info pci;
} fllm_device_desc;

/*
 * Fill up to cap entries of out; *count receives the number of devices found
 * (which may exceed cap). out may be NULL when cap is 0.
 */
fllm_status fllm_device_list(fllm_device_desc *out, size_t cap, size_t *count);

/*
 * Open a device by name: "emu" or "emu:N" opens an emulated card; options may
 * follow after commas, e.g. "emu:0,mem=1G,channels=8". Fails with
 * FLLM_E_NO_DEVICE for unknown names and FLLM_E_VERSION when the card's
 * interface major version differs from the runtime's.
 */
fllm_status fllm_device_open(const char *name, fllm_device **out);
/* Every BO, command list and event of the device must be freed first. */
void fllm_device_close(fllm_device *dev);

typedef struct fllm_device_info {
	char name[FLLM_NAME_MAX];
	char backend[16];
	uint32_t if_version;		/* card interface major<<16|minor */
	uint32_t fw_version;
	uint32_t caps;			/* FLLM_CAP_* of fllm_card.h */
	uint64_t mem_size;		/* card memory bytes */
	uint32_t mem_channels;
	uint32_t mem_chan_mbps;
	uint32_t clock_khz;
	uint32_t cu_count;
	uint32_t cu_info[FLLM_CU_INFO_MAX];	/* FLLM_REG_CU_INFO values */
	uint32_t ring_entries;		/* command ring size in use */
	uint32_t dma_max_len;
} fllm_device_info;

fllm_status fllm_device_info_get(fllm_device *dev, fllm_device_info *out);

typedef struct fllm_telemetry {
	uint32_t power_mw;
	int32_t temp_mc;		/* milli-degC */
	uint32_t vccint_mv;
	uint32_t util_permille;
	uint32_t mem_util_permille;
	uint64_t energy_mj;
	uint64_t cycles;
	uint64_t cmds;
	uint32_t cmd_errors;
	uint32_t dma_errors;
	uint32_t watchdog_resets;
	uint32_t reset_count;
	uint32_t irq_count;
	uint64_t weight_bytes;		/* LUT-GEMM weight bytes read since reset */
	uint64_t mem_bytes;		/* card-memory bytes moved since reset */
	uint32_t cu_busy_count;		/* units with a busy counter (0: interface 1.0 card) */
	uint64_t cu_busy_cycles[FLLM_CU_INFO_MAX];	/* per inventory index: kernel-clock
							 * cycles busy since reset */
	uint64_t lut_ops;		/* LUT-GEMM lookups + table entries since reset (1.1) */
	uint64_t macs;			/* attention int8 multiply-adds since reset (1.1) */
	uint64_t vec_ops;		/* vector-unit element operations since reset (1.1) */
} fllm_telemetry;

fllm_status fllm_device_telemetry(fllm_device *dev, fllm_telemetry *out);

/*
 * Activity of a card over a window, for fllm_power_project: card time (the
 * kernel clock's, not the host's), compute-unit busy time, card-memory and
 * PCIe bytes, the units' arithmetic (fllm_telemetry's counts).
 */
typedef struct fllm_power_activity {
	double card_s;
	double busy_s;			/* clamped to card_s */
	uint64_t mem_bytes;
	uint64_t dma_bytes;
	uint64_t lut_ops, macs, vec_ops;
} fllm_power_activity;

/* The reference card's projected energy for an activity, by component (J). */
typedef struct fllm_power_estimate {
	double idle_w;			/* static board power */
	double static_j, cu_j, mem_j, dma_j;	/* cu_j: busy time and arithmetic */
	double total_j;
	double avg_w;			/* total_j / card_s; 0 for an empty window */
} fllm_power_estimate;

/*
 * Project the energy of an activity on the reference card (an Alveo
 * U280-class board; coefficients and sources in docs/power.md). A
 * projection for cards without real sensors, never a measurement.
 */
void fllm_power_project(const fllm_power_activity *a, fllm_power_estimate *out);

/*
 * The host-kernel variant a CPU context uses when none is forced: the one
 * FLLM_CPU_ISA names, else the best this CPU runs ("portable", "avx2",
 * "avx512", "avx512vbmi"); "invalid" when FLLM_CPU_ISA names no variant this
 * CPU runs.
 */
const char *fllm_cpu_isa_default(void);

/*
 * Diagnostic register access (BAR0 offsets of fllm_card.h). Reads of any
 * register are allowed; writes only to FLLM_REG_SCRATCH and
 * FLLM_REG_WATCHDOG_US (others give FLLM_E_PERMISSION).
 */
fllm_status fllm_device_reg_read(fllm_device *dev, uint32_t offset, uint32_t *val);
fllm_status fllm_device_reg_write(fllm_device *dev, uint32_t offset, uint32_t val);

/*
 * Reset the card: work in flight completes with FLLM_E_CARD (aborted),
 * buffer objects stay valid but their contents are undefined.
 */
fllm_status fllm_device_reset(fllm_device *dev);

/*
 * Card memory allocated through this device now and the most allocated at
 * once since it was opened (bytes, whole allocation granules): the
 * emulated and RTL-simulated cards keep these counts; FLLM_E_UNSUPPORTED
 * elsewhere.
 */
fllm_status fllm_device_mem_usage(fllm_device *dev, uint64_t *used, uint64_t *peak);

/* ------------------------------------------------------------------ */
/* Buffer objects (card memory)                                       */
/* ------------------------------------------------------------------ */

#define FLLM_BO_ANY_CHANNEL (-1)

typedef struct fllm_bo_params {
	uint64_t align;		/* power of two; 0 = 4096 */
	int32_t channel;	/* memory channel, or FLLM_BO_ANY_CHANNEL */
	uint32_t flags;		/* must be 0 */
} fllm_bo_params;

/* params may be NULL for the defaults. size must be > 0. */
fllm_status fllm_bo_alloc(fllm_device *dev, uint64_t size, const fllm_bo_params *params,
			  fllm_bo **out);
void fllm_bo_free(fllm_bo *bo);
uint64_t fllm_bo_size(const fllm_bo *bo);
uint64_t fllm_bo_card_addr(const fllm_bo *bo);
int32_t fllm_bo_channel(const fllm_bo *bo);

/* Blocking DMA into/out of [offset, offset+len) of the BO. len 0 is allowed. */
fllm_status fllm_bo_write(fllm_bo *bo, uint64_t offset, const void *src, uint64_t len);
fllm_status fllm_bo_read(fllm_bo *bo, uint64_t offset, void *dst, uint64_t len);

/* ------------------------------------------------------------------ */
/* Command lists and events                                           */
/* ------------------------------------------------------------------ */

/* Largest command list; also bounded by the device's ring. */
#define FLLM_CMDLIST_MAX 1024

fllm_status fllm_cmdlist_create(fllm_device *dev, fllm_cmdlist **out);
void fllm_cmdlist_free(fllm_cmdlist *cl);
/* Forget recorded commands so the list can be recorded again. */
void fllm_cmdlist_reset(fllm_cmdlist *cl);
uint32_t fllm_cmdlist_count(const fllm_cmdlist *cl);

/* Recording. Ranges are checked against the BOs here (FLLM_E_OUT_OF_RANGE). */
fllm_status fllm_cmdlist_nop(fllm_cmdlist *cl);
fllm_status fllm_cmdlist_fence(fllm_cmdlist *cl);
fllm_status fllm_cmdlist_timestamp(fllm_cmdlist *cl, fllm_bo *bo, uint64_t offset);
fllm_status fllm_cmdlist_copy(fllm_cmdlist *cl, fllm_bo *dst, uint64_t dst_off, fllm_bo *src,
			      uint64_t src_off, uint64_t len);

typedef enum fllm_pattern {
	FLLM_PATTERN_CONST = 0,
	FLLM_PATTERN_WALKING_ONES = 1,
	FLLM_PATTERN_ADDRESS = 2,
	FLLM_PATTERN_PRNG = 3,
} fllm_pattern;

/* Test unit: fill or check [offset, offset+len) (8-aligned) with a pattern. */
fllm_status fllm_cmdlist_fill(fllm_cmdlist *cl, fllm_bo *bo, uint64_t offset, uint64_t len,
			      fllm_pattern pattern, uint64_t seed);
fllm_status fllm_cmdlist_check(fllm_cmdlist *cl, fllm_bo *bo, uint64_t offset, uint64_t len,
			       fllm_pattern pattern, uint64_t seed);
/* Test unit: busy for cycles kernel-clock cycles (UINT64_MAX: until the
 * watchdog stops it after timeout_us, 0 = the card default). */
fllm_status fllm_cmdlist_spin(fllm_cmdlist *cl, uint64_t cycles, uint32_t timeout_us);

/*
 * LUT-GEMM unit: one FLLM_OP_LUTGEMM command whose parameter block (struct
 * fllm_lutgemm_params of card/include/fllm_card_lutgemm.h, 384 bytes) lies at
 * [offset, offset+bytes) of params. Checked here: the range lies in the BO,
 * bytes is 1..4096 and the block's card address is 64-aligned
 * (FLLM_E_OUT_OF_RANGE / FLLM_E_INVALID_ARG). The card addresses inside the
 * block are the card's to check: a rejected block completes with FLLM_E_CARD
 * and the unit's code in fllm_cmd_result.card_status (docs/numerics.md 6.1).
 */
fllm_status fllm_cmdlist_lutgemm(fllm_cmdlist *cl, fllm_bo *params, uint64_t offset,
				 uint32_t bytes);

/*
 * Vector unit: one FLLM_OP_VECTOR command whose parameter block (struct
 * fllm_vector_params of card/include/fllm_card_vector.h, 128 bytes) lies at
 * [offset, offset+bytes) of params. Checked here as for
 * fllm_cmdlist_lutgemm(); the card checks the block (FLLM_E_CARD with the
 * unit's code, docs/numerics.md "Vector unit: validation"). On success the
 * command's result is the number of non-finite inputs the unit replaced.
 */
fllm_status fllm_cmdlist_vector(fllm_cmdlist *cl, fllm_bo *params, uint64_t offset,
				uint32_t bytes);

/*
 * Attention unit: one FLLM_OP_ATTENTION command whose parameter block (struct
 * fllm_attention_params of card/include/fllm_card_attention.h, 192 bytes)
 * lies at [offset, offset+192) of params. Checked here: the range lies in the
 * BO and the block's card address is 64-aligned (FLLM_E_OUT_OF_RANGE /
 * FLLM_E_INVALID_ARG). The card checks the block, its sequence descriptors
 * and block tables (FLLM_E_CARD with the unit's code, docs/numerics.md
 * "Attention unit: validation"). On success the command's result is the
 * number of non-finite inputs the unit replaced.
 */
fllm_status fllm_cmdlist_attention(fllm_cmdlist *cl, fllm_bo *params, uint64_t offset);

/*
 * A raw 64-byte command record (struct fllm_cmd of fllm_card.h) passed to the
 * card unchanged except for seq, for validation suites that must send
 * malformed commands. Backends with a kernel driver may refuse it.
 */
fllm_status fllm_cmdlist_raw(fllm_cmdlist *cl, const void *record64);

/*
 * Submit the recorded commands in order. *ev receives an event to wait on
 * (ev may be NULL: the call then waits for completion itself). If the ring
 * lacks room for the whole list the call returns FLLM_E_BUSY and submits
 * nothing. The list may be reset and recorded again at once.
 */
fllm_status fllm_cmdlist_submit(fllm_cmdlist *cl, fllm_event **ev);

/*
 * Wait until every command of the submission completed or timeout_ns passed
 * (FLLM_E_TIMEOUT; wait again later). Returns FLLM_OK if all succeeded,
 * FLLM_E_WATCHDOG if one hung, FLLM_E_CARD if one failed otherwise.
 */
fllm_status fllm_event_wait(fllm_event *ev, uint64_t timeout_ns);
/* An event may be freed before it completes; its results are then dropped. */
void fllm_event_free(fllm_event *ev);

/* Per-command results of a completed submission (index in record order). */
typedef struct fllm_cmd_result {
	uint16_t card_status;		/* enum fllm_card_err */
	uint64_t start_cycle;
	uint64_t cycles;
	uint64_t result;		/* CHECK: mismatching words */
} fllm_cmd_result;

uint32_t fllm_event_count(const fllm_event *ev);
/* FLLM_E_STATE before the event completed; FLLM_E_INVALID_ARG bad index. */
fllm_status fllm_event_result(const fllm_event *ev, uint32_t index, fllm_cmd_result *out);

#ifdef __cplusplus
}
#endif

#endif /* FLLM_FLLM_H */
