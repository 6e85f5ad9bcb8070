/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * fllm.ko user-space interface: the ioctls of /dev/fllmN.
 *
 * docs/driver.md explains each call; this header is the one source of truth.
 *
 * Rules:
 *  - Every field has an explicit width; user pointers travel as __u64.
 *  - Padding and reserved fields are explicit, must be zero and are checked
 *    (-EINVAL otherwise). Flags are checked against their masks.
 *  - Append only. A struct grows at its end; the ioctl's size field (the
 *    _IOC_SIZE of the number) tells the driver which version the caller
 *    knows. A caller with an older, shorter struct gets the old behaviour;
 *    one with a newer, longer struct is accepted when the bytes the driver
 *    does not know are zero (-E2BIG otherwise). Out fields the caller's
 *    struct lacks are not written.
 *  - "In" fields are read by the driver, "Out" fields written by it; the
 *    driver writes a struct back only when the call succeeds (WAIT also on
 *    -ETIMEDOUT, see there).
 *
 * Command records passed to SUBMIT are struct fllm_cmd of the card interface
 * (card/include/fllm_card.h): 64 bytes each, passed to the card unchanged
 * except seq and FLLM_CMD_F_IRQ, which the driver owns.
 */
#ifndef FLLM_UAPI_H
#define FLLM_UAPI_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Layout checks, for the kernel, C11 user space and C++ alike. */
#ifdef __cplusplus
#define FLLM_UAPI_ASSERT(c, m) static_assert(c, m)
#else
#define FLLM_UAPI_ASSERT(c, m) _Static_assert(c, m)
#endif

#define FLLM_UAPI_MAJOR		1
#define FLLM_UAPI_MINOR		1
#define FLLM_UAPI_VERSION	((FLLM_UAPI_MAJOR << 16) | FLLM_UAPI_MINOR)

/* Not registered in Documentation/userspace-api/ioctl/ioctl-number.rst; free there in 6.1. */
#define FLLM_IOCTL_TYPE		0xBA

/* Largest SUBMIT, in commands. */
#define FLLM_UAPI_SUBMIT_MAX	1024

/* ---- QUERY: versions, capabilities and the card's identity ---------- */

/* fllm_uapi_query.caps */
#define FLLM_UAPI_CAP_IRQ	(1u << 0)	/* completions are interrupt driven */
#define FLLM_UAPI_CAP_SUBMIT_CHECK (1u << 1)	/* SUBMIT checks card ranges against BOs */
#define FLLM_UAPI_CAP_SIMULATED	(1u << 2)	/* the card is a model behind ivshmem */
#define FLLM_UAPI_CAP_PARAMS_CHECK (1u << 3)	/* SUBMIT checks inside unit parameter blocks (1.1) */

/* fllm_uapi_query.irq_mode */
#define FLLM_UAPI_IRQ_POLL	0	/* no interrupts: the driver polls */
#define FLLM_UAPI_IRQ_MSI	1	/* one MSI vector for every source */
#define FLLM_UAPI_IRQ_MSIX	2	/* one MSI-X vector per source */

#define FLLM_UAPI_CU_MAX	16

struct fllm_uapi_query {
	__u32 flags;		/* In: 0 */
	__u32 uapi_version;	/* Out: FLLM_UAPI_VERSION of the driver */
	__u32 caps;		/* Out: FLLM_UAPI_CAP_* */
	__u32 irq_mode;		/* Out: FLLM_UAPI_IRQ_* */
	__u32 if_version;	/* Out: card interface version (FLLM_REG_IF_VERSION) */
	__u32 fw_version;	/* Out: FLLM_REG_FW_VERSION */
	__u32 card_caps;	/* Out: FLLM_REG_CAPS */
	__u32 mem_channels;	/* Out: FLLM_REG_MEM_CHANNELS */
	__u64 mem_size;		/* Out: card memory, bytes */
	__u64 mem_free;		/* Out: card memory not in any BO, bytes */
	__u32 mem_chan_mbps;	/* Out: FLLM_REG_MEM_CHAN_MBPS */
	__u32 clock_khz;	/* Out: FLLM_REG_CLOCK_KHZ */
	__u32 dma_max_len;	/* Out: FLLM_REG_DMA_MAX_LEN */
	__u32 ring_entries;	/* Out: command ring size the driver uses */
	__u32 submit_max;	/* Out: FLLM_UAPI_SUBMIT_MAX */
	__u32 cu_count;		/* Out: entries of cu_info and cu_caps in use */
	__u32 cu_info[FLLM_UAPI_CU_MAX];	/* Out: FLLM_REG_CU_INFO(i) */
	__u32 cu_caps[FLLM_UAPI_CU_MAX];	/* Out: FLLM_REG_CU_CAPS(i) */
};
FLLM_UAPI_ASSERT(sizeof(struct fllm_uapi_query) == 200, "fllm_uapi_query is 200 bytes");
FLLM_UAPI_ASSERT(__builtin_offsetof(struct fllm_uapi_query, mem_size) == 32, "mem_size at 32");
FLLM_UAPI_ASSERT(__builtin_offsetof(struct fllm_uapi_query, mem_chan_mbps) == 48, "mem_chan_mbps at 48");
FLLM_UAPI_ASSERT(__builtin_offsetof(struct fllm_uapi_query, cu_count) == 68, "cu_count at 68");
FLLM_UAPI_ASSERT(__builtin_offsetof(struct fllm_uapi_query, cu_info) == 72, "cu_info at 72");
FLLM_UAPI_ASSERT(__builtin_offsetof(struct fllm_uapi_query, cu_caps) == 136, "cu_caps at 136");

/* ---- BO_CREATE / BO_FREE: card memory owned by the open file -------- */

#define FLLM_UAPI_ANY_CHANNEL	(-1)

struct fllm_uapi_bo_create {
	__u64 size;		/* In: bytes, > 0 (rounded up to 4 KiB in the card) */
	__u64 align;		/* In: power of two, 0 = 4096; at least 4096 is used */
	__s32 channel;		/* In: memory channel or FLLM_UAPI_ANY_CHANNEL */
	__u32 flags;		/* In: 0 */
	__u32 handle;		/* Out: nonzero, valid in this open file only */
	__u32 pad;		/* In: 0 */
	__u64 card_addr;	/* Out: first byte in card memory */
};
FLLM_UAPI_ASSERT(sizeof(struct fllm_uapi_bo_create) == 40, "fllm_uapi_bo_create is 40 bytes");
FLLM_UAPI_ASSERT(__builtin_offsetof(struct fllm_uapi_bo_create, channel) == 16, "channel at 16");
FLLM_UAPI_ASSERT(__builtin_offsetof(struct fllm_uapi_bo_create, handle) == 24, "handle at 24");
FLLM_UAPI_ASSERT(__builtin_offsetof(struct fllm_uapi_bo_create, card_addr) == 32, "card_addr at 32");

struct fllm_uapi_bo_free {
	__u32 handle;		/* In */
	__u32 pad;		/* In: 0 */
};
FLLM_UAPI_ASSERT(sizeof(struct fllm_uapi_bo_free) == 8, "fllm_uapi_bo_free is 8 bytes");
FLLM_UAPI_ASSERT(__builtin_offsetof(struct fllm_uapi_bo_free, pad) == 4, "pad at 4");

/* ---- BO_WRITE / BO_READ: DMA between user memory and a BO ------------ */

/*
 * The user pages are pinned and handed to the card's DMA engine in place
 * (no copies), in pieces of at most a few MiB; the call blocks until the
 * transfer is done. A fatal signal ends it between pieces (-EINTR). Any
 * alignment and length (0 included) is accepted.
 */
struct fllm_uapi_bo_xfer {
	__u32 handle;		/* In: the BO */
	__u32 flags;		/* In: 0 */
	__u64 offset;		/* In: byte offset inside the BO */
	__u64 len;		/* In: bytes; offset + len <= BO size */
	__u64 user_ptr;		/* In: user buffer of len bytes */
};
FLLM_UAPI_ASSERT(sizeof(struct fllm_uapi_bo_xfer) == 32, "fllm_uapi_bo_xfer is 32 bytes");
FLLM_UAPI_ASSERT(__builtin_offsetof(struct fllm_uapi_bo_xfer, offset) == 8, "offset at 8");
FLLM_UAPI_ASSERT(__builtin_offsetof(struct fllm_uapi_bo_xfer, len) == 16, "len at 16");
FLLM_UAPI_ASSERT(__builtin_offsetof(struct fllm_uapi_bo_xfer, user_ptr) == 24, "user_ptr at 24");

/* ---- SUBMIT / WAIT: command records and their completions ------------ */

/*
 * SUBMIT queues count records (1..FLLM_UAPI_SUBMIT_MAX) as one job, all or
 * nothing (-EAGAIN when the ring lacks room: wait and retry). For opcodes it
 * knows, the driver checks each card range the record names (TIMESTAMP's
 * target, DMA_COPY's card side, TEST FILL/CHECK's range, a unit's parameter
 * block) against the caller's own BOs; DMA_COPY to or from host memory is
 * refused, since user space has no bus addresses. A record that fails is
 * sent to the card as a NOP and completes with status FLLM_CARD_ERR_ADDR
 * and FLLM_UAPI_CPL_F_REJECTED. Other records, unknown opcodes included, go
 * to the card unchanged, which validates them itself. The BOs a job names
 * stay allocated in the card until the job completes, even if freed.
 * Since 1.1 (FLLM_UAPI_CAP_PARAMS_CHECK) the driver also reads each LUTGEMM
 * and VECTOR parameter block at SUBMIT, checks every card range inside it
 * against the caller's BOs (a failure completes as above, or with the
 * unit's FLLM_CARD_ERR_PARAM / _SIZE for a block it cannot interpret) and
 * hands the unit its own copy, so later changes to the block do not reach
 * the card; ATTENTION records are refused until their format is defined.
 */
struct fllm_uapi_submit {
	__u64 cmds_ptr;		/* In: (count) struct fllm_cmd, 64 bytes each */
	__u32 count;		/* In: 1..FLLM_UAPI_SUBMIT_MAX */
	__u32 flags;		/* In: 0 */
	__u64 job;		/* Out: job ID for WAIT, unique per card */
	__u32 rejected;		/* Out: records the driver replaced by a NOP */
	__u32 pad;		/* In: 0 */
};
FLLM_UAPI_ASSERT(sizeof(struct fllm_uapi_submit) == 32, "fllm_uapi_submit is 32 bytes");
FLLM_UAPI_ASSERT(__builtin_offsetof(struct fllm_uapi_submit, count) == 8, "count at 8");
FLLM_UAPI_ASSERT(__builtin_offsetof(struct fllm_uapi_submit, job) == 16, "job at 16");
FLLM_UAPI_ASSERT(__builtin_offsetof(struct fllm_uapi_submit, rejected) == 24, "rejected at 24");
FLLM_UAPI_ASSERT(__builtin_offsetof(struct fllm_uapi_submit, pad) == 28, "pad at 28");

/* fllm_uapi_cpl.flags */
#define FLLM_UAPI_CPL_F_REJECTED (1u << 0)	/* failed the driver's check */
#define FLLM_UAPI_CPL_F_ABORTED	(1u << 1)	/* dropped by a reset */

/* One completion, in the job's record order; status is enum fllm_card_err. */
struct fllm_uapi_cpl {
	__u32 index;		/* record index inside the job */
	__u16 status;		/* FLLM_CARD_OK or FLLM_CARD_ERR_* */
	__u16 flags;		/* FLLM_UAPI_CPL_F_* */
	__u64 start_cycle;	/* card cycle counter at start */
	__u64 cycles;		/* how long it ran */
	__u64 result;		/* opcode specific (fllm_cpl.result) */
};
FLLM_UAPI_ASSERT(sizeof(struct fllm_uapi_cpl) == 32, "fllm_uapi_cpl is 32 bytes");
FLLM_UAPI_ASSERT(__builtin_offsetof(struct fllm_uapi_cpl, status) == 4, "status at 4");
FLLM_UAPI_ASSERT(__builtin_offsetof(struct fllm_uapi_cpl, flags) == 6, "flags at 6");
FLLM_UAPI_ASSERT(__builtin_offsetof(struct fllm_uapi_cpl, start_cycle) == 8, "start_cycle at 8");
FLLM_UAPI_ASSERT(__builtin_offsetof(struct fllm_uapi_cpl, result) == 24, "result at 24");

/* fllm_uapi_wait.flags */
#define FLLM_UAPI_WAIT_F_DISCARD (1u << 0)	/* forget the job, now or once done */
#define FLLM_UAPI_WAIT_F_MASK	0x1u

/*
 * WAIT for a job of this open file. Returns 0 once every record completed:
 * count completions are copied to cpls_ptr and the job is forgotten.
 * -ETIMEDOUT when timeout_ns passed first (0 polls), -ENOENT for a job this
 * file does not own or already collected, -ERESTARTSYS/-EINTR on a signal,
 * -EIO when the card stopped with a fatal error (RESET recovers).
 * With FLLM_UAPI_WAIT_F_DISCARD the job is forgotten without waiting and
 * its completions are dropped; count and cpls_ptr are then ignored.
 */
struct fllm_uapi_wait {
	__u64 job;		/* In: from SUBMIT */
	__u64 timeout_ns;	/* In: 0 polls; capped at one hour */
	__u64 cpls_ptr;		/* In: room for count struct fllm_uapi_cpl */
	__u32 count;		/* In: the job's record count */
	__u32 flags;		/* In: FLLM_UAPI_WAIT_F_* */
};
FLLM_UAPI_ASSERT(sizeof(struct fllm_uapi_wait) == 32, "fllm_uapi_wait is 32 bytes");
FLLM_UAPI_ASSERT(__builtin_offsetof(struct fllm_uapi_wait, timeout_ns) == 8, "timeout_ns at 8");
FLLM_UAPI_ASSERT(__builtin_offsetof(struct fllm_uapi_wait, cpls_ptr) == 16, "cpls_ptr at 16");
FLLM_UAPI_ASSERT(__builtin_offsetof(struct fllm_uapi_wait, count) == 24, "count at 24");
FLLM_UAPI_ASSERT(__builtin_offsetof(struct fllm_uapi_wait, flags) == 28, "flags at 28");

/* ---- Registers, telemetry, reset ------------------------------------ */

/*
 * REG_READ: any 4-aligned offset below FLLM_REG_BAR_SIZE. REG_WRITE: only
 * FLLM_REG_SCRATCH and FLLM_REG_WATCHDOG_US (-EPERM otherwise).
 */
struct fllm_uapi_reg {
	__u32 offset;		/* In */
	__u32 value;		/* In (REG_WRITE) / Out (REG_READ) */
};
FLLM_UAPI_ASSERT(sizeof(struct fllm_uapi_reg) == 8, "fllm_uapi_reg is 8 bytes");
FLLM_UAPI_ASSERT(__builtin_offsetof(struct fllm_uapi_reg, value) == 4, "value at 4");

struct fllm_uapi_telemetry {
	__u32 flags;		/* In: 0 */
	__u32 power_mw;		/* Out: FLLM_REG_TEL_* of the card */
	__s32 temp_mc;
	__u32 vccint_mv;
	__u32 util_permille;
	__u32 mem_util_permille;
	__u64 energy_mj;
	__u64 cycles;
	__u64 cmds;
	__u32 cmd_errors;
	__u32 dma_errors;
	__u32 watchdog_resets;
	__u32 reset_count;
	__u32 irq_count;	/* Out: FLLM_REG_IRQ_COUNT */
	__u32 pad;		/* Out: 0 */
	__u64 driver_resets;	/* Out: resets done by this driver since probe */
	__u64 irqs_handled;	/* Out: interrupts the driver took since probe */
};
FLLM_UAPI_ASSERT(sizeof(struct fllm_uapi_telemetry) == 88, "fllm_uapi_telemetry is 88 bytes");
FLLM_UAPI_ASSERT(__builtin_offsetof(struct fllm_uapi_telemetry, energy_mj) == 24, "energy_mj at 24");
FLLM_UAPI_ASSERT(__builtin_offsetof(struct fllm_uapi_telemetry, cmd_errors) == 48, "cmd_errors at 48");
FLLM_UAPI_ASSERT(__builtin_offsetof(struct fllm_uapi_telemetry, irq_count) == 64, "irq_count at 64");
FLLM_UAPI_ASSERT(__builtin_offsetof(struct fllm_uapi_telemetry, pad) == 68, "pad at 68");
FLLM_UAPI_ASSERT(__builtin_offsetof(struct fllm_uapi_telemetry, driver_resets) == 72, "driver_resets at 72");
FLLM_UAPI_ASSERT(__builtin_offsetof(struct fllm_uapi_telemetry, irqs_handled) == 80, "irqs_handled at 80");

/*
 * RESET the card: every job in flight, of every open file, completes with
 * FLLM_CARD_ERR_ABORTED and FLLM_UAPI_CPL_F_ABORTED; transfers in flight fail
 * with -EIO; BOs stay allocated, their contents undefined.
 */
struct fllm_uapi_reset {
	__u32 flags;		/* In: 0 */
	__u32 reset_count;	/* Out: FLLM_REG_RESET_COUNT afterwards */
};
FLLM_UAPI_ASSERT(sizeof(struct fllm_uapi_reset) == 8, "fllm_uapi_reset is 8 bytes");
FLLM_UAPI_ASSERT(__builtin_offsetof(struct fllm_uapi_reset, reset_count) == 4, "reset_count at 4");

#define FLLM_IOCTL_QUERY	_IOWR(FLLM_IOCTL_TYPE, 0x00, struct fllm_uapi_query)
#define FLLM_IOCTL_BO_CREATE	_IOWR(FLLM_IOCTL_TYPE, 0x01, struct fllm_uapi_bo_create)
#define FLLM_IOCTL_BO_FREE	_IOWR(FLLM_IOCTL_TYPE, 0x02, struct fllm_uapi_bo_free)
#define FLLM_IOCTL_BO_WRITE	_IOWR(FLLM_IOCTL_TYPE, 0x03, struct fllm_uapi_bo_xfer)
#define FLLM_IOCTL_BO_READ	_IOWR(FLLM_IOCTL_TYPE, 0x04, struct fllm_uapi_bo_xfer)
#define FLLM_IOCTL_SUBMIT	_IOWR(FLLM_IOCTL_TYPE, 0x05, struct fllm_uapi_submit)
#define FLLM_IOCTL_WAIT		_IOWR(FLLM_IOCTL_TYPE, 0x06, struct fllm_uapi_wait)
#define FLLM_IOCTL_REG_READ	_IOWR(FLLM_IOCTL_TYPE, 0x07, struct fllm_uapi_reg)
#define FLLM_IOCTL_REG_WRITE	_IOWR(FLLM_IOCTL_TYPE, 0x08, struct fllm_uapi_reg)
#define FLLM_IOCTL_TELEMETRY	_IOWR(FLLM_IOCTL_TYPE, 0x09, struct fllm_uapi_telemetry)
#define FLLM_IOCTL_RESET	_IOWR(FLLM_IOCTL_TYPE, 0x0a, struct fllm_uapi_reset)

#endif /* FLLM_UAPI_H */
