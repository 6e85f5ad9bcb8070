/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * fllm card interface: the one contract between the host (kernel driver,
 * user-space runtime) and the card (firmware, compute units), and the card
 * model in sim/ that stands in for it.
 *
 * docs/card-interface.md explains every item here; the two must agree.
 *
 * Rules of this header:
 *  - Everything is little-endian and of explicit width.
 *  - Append only: a field, register or opcode once published keeps its place
 *    and meaning. New things take reserved space and bump the minor version.
 *  - No register read has a side effect. The host talks to the card through
 *    rings in host memory, doorbell registers and completion records.
 *  - Every layout carries a _Static_assert on its size and key offsets.
 *
 * The header is included by the Linux driver (kernel types), the freestanding
 * firmware and user space, so it needs nothing but fixed-width integers.
 */
#ifndef FLLM_CARD_H
#define FLLM_CARD_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/stddef.h>
#else
#include <stdint.h>
#include <stddef.h>
#endif

#ifdef __cplusplus
#define FLLM_CARD_STATIC_ASSERT(c, m) static_assert(c, m)
#else
#define FLLM_CARD_STATIC_ASSERT(c, m) _Static_assert(c, m)
#endif

/* ------------------------------------------------------------------ */
/* Identity                                                           */
/* ------------------------------------------------------------------ */

#define FLLM_CARD_MAGIC		0x4d4c4c46u	/* "FLLM" read as LE bytes */
#define FLLM_CARD_IF_MAJOR	1u
#define FLLM_CARD_IF_MINOR	1u	/* 1.1: per-unit busy counters (TEL_CU_BUSY) */
#define FLLM_CARD_IF_VERSION	((FLLM_CARD_IF_MAJOR << 16) | FLLM_CARD_IF_MINOR)
#define FLLM_CARD_IF_VERSION_MAJOR(v)	((uint32_t)(v) >> 16)
#define FLLM_CARD_IF_VERSION_MINOR(v)	((uint32_t)(v) & 0xffffu)

/*
 * Revision of the numerics contract (docs/numerics.md) the compute units
 * implement: data formats, rounding and parameter-block meanings. A card
 * image records the revision its units were built for; hosts refuse another.
 */
#define FLLM_NUMERICS_VERSION	1u

/* PCI identity programmed into the fllm shell (Xilinx vendor ID). */
#define FLLM_PCI_VENDOR_ID	0x10eeu
#define FLLM_PCI_DEVICE_ID	0x5f4cu

/* BAR0 holds the register file; it is FLLM_REG_BAR_SIZE bytes. */
#define FLLM_REG_BAR		0
#define FLLM_REG_BAR_SIZE	0x1000u

/* ------------------------------------------------------------------ */
/* BAR0 register map (byte offsets of 32-bit registers)               */
/*                                                                    */
/* RO: written by the card only. RW: written by the host, read back   */
/* unchanged. DB: doorbell, RW, the card acts on the new value.       */
/* W1C: the host writes ones to clear bits of a status register; the  */
/* register itself reads back as zero once the card has applied it.   */
/* 64-bit values are LO/HI pairs; see FLLM_REG_* _LO notes.           */
/* ------------------------------------------------------------------ */

/* Identity and capabilities */
#define FLLM_REG_MAGIC		0x000	/* RO FLLM_CARD_MAGIC */
#define FLLM_REG_IF_VERSION	0x004	/* RO FLLM_CARD_IF_VERSION */
#define FLLM_REG_CAPS		0x008	/* RO FLLM_CAP_* */
#define FLLM_REG_FW_VERSION	0x00c	/* RO firmware version, major<<16|minor */
#define FLLM_REG_MEM_SIZE_LO	0x010	/* RO card memory bytes, low word */
#define FLLM_REG_MEM_SIZE_HI	0x014	/* RO card memory bytes, high word */
#define FLLM_REG_MEM_CHANNELS	0x018	/* RO memory channels (HBM pseudo-channels) */
#define FLLM_REG_MEM_CHAN_MBPS	0x01c	/* RO peak bandwidth of one channel, MB/s */
#define FLLM_REG_CU_COUNT	0x020	/* RO compute units in FLLM_REG_CU_INFO */
#define FLLM_REG_CLOCK_KHZ	0x024	/* RO kernel clock, kHz */
#define FLLM_REG_CMD_RING_MAX	0x028	/* RO largest ring size in entries */
#define FLLM_REG_DMA_MAX_LEN	0x02c	/* RO largest DMA descriptor length, bytes */

/* Control and status */
#define FLLM_REG_STATUS		0x040	/* RO FLLM_STATUS_* */
#define FLLM_REG_CONTROL	0x044	/* DB FLLM_CTRL_* */
#define FLLM_REG_SCRATCH	0x048	/* RW free for the host; no effect */
#define FLLM_REG_WATCHDOG_US	0x04c	/* RW default command budget, us (0 = 1 s) */
#define FLLM_REG_FATAL_ERROR	0x050	/* RO last fatal error, FLLM_CARD_ERR_* */
#define FLLM_REG_RESET_COUNT	0x054	/* RO resets completed since power-on */

/* Command submission ring (host memory, struct fllm_cmd entries) */
#define FLLM_REG_SQ_BASE_LO	0x080	/* RW bus address, 64-byte aligned */
#define FLLM_REG_SQ_BASE_HI	0x084	/* RW */
#define FLLM_REG_SQ_SIZE	0x088	/* RW entries, power of two, 2..CMD_RING_MAX */
#define FLLM_REG_SQ_TAIL	0x08c	/* DB producer index (mod SQ_SIZE) */
#define FLLM_REG_SQ_HEAD	0x090	/* RO consumer index: entries fetched */

/* Completion ring (host memory, struct fllm_cpl entries) */
#define FLLM_REG_CQ_BASE_LO	0x0a0	/* RW bus address, 32-byte aligned */
#define FLLM_REG_CQ_BASE_HI	0x0a4	/* RW */
#define FLLM_REG_CQ_SIZE	0x0a8	/* RW entries, power of two, 2..CMD_RING_MAX */
#define FLLM_REG_CQ_HEAD	0x0ac	/* DB consumer index: entries the host took */
#define FLLM_REG_CQ_TAIL	0x0b0	/* RO producer index: entries posted */

/*
 * DMA channels. Channel 0 moves host memory to card memory (H2C), channel 1
 * card memory to host memory (C2H). Each has a ring of struct fllm_dma_desc in
 * host memory. FLLM_REG_DMA(ch, reg) gives the register's offset.
 */
#define FLLM_DMA_H2C		0u
#define FLLM_DMA_C2H		1u
#define FLLM_DMA_CHANNELS	2u
#define FLLM_REG_DMA_BASE	0x100
#define FLLM_REG_DMA_STRIDE	0x040
#define FLLM_DMA_BASE_LO	0x00	/* RW ring bus address, 32-byte aligned */
#define FLLM_DMA_BASE_HI	0x04	/* RW */
#define FLLM_DMA_SIZE		0x08	/* RW entries, power of two, 2..CMD_RING_MAX */
#define FLLM_DMA_TAIL		0x0c	/* DB producer index */
#define FLLM_DMA_HEAD		0x10	/* RO descriptors completed */
#define FLLM_DMA_CONTROL	0x14	/* RW FLLM_DMA_CTRL_* */
#define FLLM_DMA_STATUS		0x18	/* RO FLLM_DMA_STATUS_* */
#define FLLM_DMA_BYTES_LO	0x1c	/* RO bytes moved since reset, low word */
#define FLLM_DMA_BYTES_HI	0x20	/* RO high word */
#define FLLM_REG_DMA(ch, reg)	(FLLM_REG_DMA_BASE + (ch) * FLLM_REG_DMA_STRIDE + (reg))

/* Interrupts. Source bit i is MSI-X vector i (all on vector 0 with MSI). */
#define FLLM_REG_IRQ_STATUS	0x180	/* RO FLLM_IRQ_* raised and not yet acked */
#define FLLM_REG_IRQ_MASK	0x184	/* RW 1 = source enabled */
#define FLLM_REG_IRQ_ACK	0x188	/* W1C clears FLLM_REG_IRQ_STATUS bits */
#define FLLM_REG_IRQ_COUNT	0x18c	/* RO interrupts sent since reset */

/* Telemetry: refreshed by the card at least every millisecond. */
#define FLLM_REG_TEL_POWER_MW	0x200	/* RO board power, mW */
#define FLLM_REG_TEL_TEMP_MC	0x204	/* RO FPGA die temperature, milli-degC */
#define FLLM_REG_TEL_VCCINT_MV	0x208	/* RO core voltage, mV */
#define FLLM_REG_TEL_UTIL	0x20c	/* RO compute busy, per mille, last window */
#define FLLM_REG_TEL_ENERGY_LO	0x210	/* RO energy since reset, mJ, low word */
#define FLLM_REG_TEL_ENERGY_HI	0x214	/* RO high word */
#define FLLM_REG_TEL_CYCLES_LO	0x218	/* RO kernel clock cycles since reset */
#define FLLM_REG_TEL_CYCLES_HI	0x21c	/* RO high word */
#define FLLM_REG_TEL_CMDS_LO	0x220	/* RO commands completed */
#define FLLM_REG_TEL_CMDS_HI	0x224	/* RO high word */
#define FLLM_REG_TEL_CMD_ERRORS	0x228	/* RO commands completed with an error */
#define FLLM_REG_TEL_DMA_ERRORS	0x22c	/* RO DMA descriptors completed with an error */
#define FLLM_REG_TEL_WATCHDOG	0x230	/* RO compute units reset by the watchdog */
#define FLLM_REG_TEL_MEM_UTIL	0x234	/* RO memory bandwidth in use, per mille */
#define FLLM_REG_TEL_WEIGHT_LO	0x238	/* RO weight bytes LUT-GEMM commands read, low word */
#define FLLM_REG_TEL_WEIGHT_HI	0x23c	/* RO high word */
#define FLLM_REG_TEL_MEMB_LO	0x240	/* RO card-memory bytes moved (units, DMA), low word */
#define FLLM_REG_TEL_MEMB_HI	0x244	/* RO high word */
#define FLLM_REG_TEL_CU_BUSY_N	0x248	/* RO units with a busy counter (interface 1.1;
					 * 0 on 1.0 cards): the first N of the inventory */
/*
 * Arithmetic activity since reset (interface 1.1), for power: LUT-fabric
 * operations of the LUT-GEMM unit (table lookups accumulated plus table
 * entries built), int8 multiply-adds of the attention unit, fp32 element
 * operations of the vector unit (elements times passes). 64-bit LO/HI
 * pairs, updated before a command's completion is visible.
 */
#define FLLM_REG_TEL_LUT_OPS_LO	0x250
#define FLLM_REG_TEL_LUT_OPS_HI	0x254
#define FLLM_REG_TEL_MACS_LO	0x258
#define FLLM_REG_TEL_MACS_HI	0x25c
#define FLLM_REG_TEL_VEC_OPS_LO	0x260
#define FLLM_REG_TEL_VEC_OPS_HI	0x264

/*
 * Compute-unit inventory: FLLM_REG_CU_COUNT entries of two registers.
 * INFO = type (bits 0..7, FLLM_CU_*) | version (bits 8..15); bits 16..31
 * are reserved and read as zero. CAPS is type specific (0 for FLLM_CU_TEST).
 */
#define FLLM_REG_CU_INFO_BASE	0x300
#define FLLM_CU_MAX		16u
#define FLLM_REG_CU_INFO(i)	(FLLM_REG_CU_INFO_BASE + (i) * 8)
#define FLLM_REG_CU_CAPS(i)	(FLLM_REG_CU_INFO_BASE + (i) * 8 + 4)
#define FLLM_CU_INFO_TYPE(v)	((v) & 0xffu)
#define FLLM_CU_INFO_MAKE(type, version)	((uint32_t)(type) | ((uint32_t)(version) << 8))
#define FLLM_CU_INFO_VERSION(v)	(((v) >> 8) & 0xffu)

/*
 * Per-unit busy counters (interface 1.1): kernel-clock cycles compute unit i
 * (inventory index) has been busy since reset, from accepting a command to
 * reporting it done (or to a watchdog reset), 64 bits as a LO/HI pair at
 * FLLM_REG_CU_BUSY_LO(i), i < FLLM_REG_TEL_CU_BUSY_N. A command's cycles are
 * counted before its completion is posted; they never exceed its
 * completion's cycles (the firmware notices done after the unit signals it).
 */
#define FLLM_REG_CU_BUSY_BASE	0x380
#define FLLM_REG_CU_BUSY_LO(i)	(FLLM_REG_CU_BUSY_BASE + (i) * 8)
#define FLLM_REG_CU_BUSY_HI(i)	(FLLM_REG_CU_BUSY_BASE + (i) * 8 + 4)
FLLM_CARD_STATIC_ASSERT(FLLM_REG_CU_INFO_BASE + FLLM_CU_MAX * 8 == FLLM_REG_CU_BUSY_BASE,
			"busy counters follow the inventory");
FLLM_CARD_STATIC_ASSERT(FLLM_REG_CU_BUSY_BASE + FLLM_CU_MAX * 8 <= FLLM_REG_BAR_SIZE,
			"busy counters fit BAR0");

/*
 * 64-bit counters (ENERGY, CYCLES, CMDS, DMA BYTES, CU_BUSY) keep counting while read:
 * read HI, LO, HI again and retry if the two HI reads differ.
 */

/*
 * Card memory is one flat range [0, MEM_SIZE). With FLLM_CAP_HBM it is split
 * into MEM_CHANNELS equal, contiguous channels: channel c holds
 * [c * MEM_SIZE / MEM_CHANNELS, (c + 1) * MEM_SIZE / MEM_CHANNELS).
 */

/* Compute-unit types (FLLM_CU_INFO_TYPE). */
enum fllm_cu_type {
	FLLM_CU_NONE = 0,
	FLLM_CU_TEST = 1,	/* FLLM_OP_TEST: fill, check, spin */
	FLLM_CU_LUTGEMM = 2,	/* FLLM_OP_LUTGEMM */
	FLLM_CU_ATTENTION = 3,	/* FLLM_OP_ATTENTION */
	FLLM_CU_VECTOR = 4,	/* FLLM_OP_VECTOR */
};

/* FLLM_REG_CAPS */
#define FLLM_CAP_DMA		(1u << 0)	/* H2C and C2H descriptor rings */
#define FLLM_CAP_MSIX		(1u << 1)	/* one vector per interrupt source */
#define FLLM_CAP_TELEMETRY	(1u << 2)	/* power, temperature, voltage */
#define FLLM_CAP_WATCHDOG	(1u << 3)	/* compute-unit watchdog */
#define FLLM_CAP_HBM		(1u << 4)	/* memory is split in channels */
#define FLLM_CAP_SIMULATED	(1u << 31)	/* this card is a model (sim/) */

/* FLLM_REG_STATUS */
#define FLLM_STATUS_READY	(1u << 0)	/* reset done, registers valid */
#define FLLM_STATUS_QUEUES_ON	(1u << 1)	/* rings enabled, commands run */
#define FLLM_STATUS_FATAL	(1u << 2)	/* see FLLM_REG_FATAL_ERROR */
#define FLLM_STATUS_RESETTING	(1u << 3)

/*
 * FLLM_REG_CONTROL. ENABLE latches the ring registers and starts the command
 * processor; clearing it stops it after the entry in progress. Each DMA
 * channel runs on its own FLLM_DMA_CTRL_RUN bit (latched on its rising edge),
 * independent of ENABLE. RESET aborts all work (the command in progress
 * posts no completion), clears ring indices (SQ_TAIL/HEAD, CQ_HEAD/TAIL,
 * each channel's TAIL/HEAD), interrupt status, the DMA channels' RUN bits,
 * STATUS.FATAL and the counters except RESET_COUNT, and then the card clears
 * CONTROL itself and sets STATUS.READY. A reset keeps the host's
 * configuration: ring bases and sizes, IRQ_MASK, WATCHDOG_US and SCRATCH.
 *
 * A DMA channel latches its ring base and size when RUN goes from 0 to 1 and
 * starts at HEAD = 0; the host zeroes TAIL before setting RUN.
 */
#define FLLM_CTRL_ENABLE	(1u << 0)
#define FLLM_CTRL_RESET		(1u << 1)

/* FLLM_DMA_CONTROL / FLLM_DMA_STATUS */
#define FLLM_DMA_CTRL_RUN	(1u << 0)
#define FLLM_DMA_STATUS_BUSY	(1u << 0)
#define FLLM_DMA_STATUS_ERROR	(1u << 1)	/* latest descriptor failed, or the channel
						 * halted: bad ring registers at RUN, TAIL
						 * outside the ring or the ring unreachable
						 * (clear and set RUN to restart) */

/* Interrupt sources (bit numbers are MSI-X vector numbers). */
#define FLLM_IRQ_CQ		(1u << 0)	/* a completion with FLLM_CMD_F_IRQ posted */
#define FLLM_IRQ_DMA_H2C	(1u << 1)	/* a descriptor with FLLM_DESC_F_IRQ done */
#define FLLM_IRQ_DMA_C2H	(1u << 2)
#define FLLM_IRQ_ERROR		(1u << 3)	/* watchdog fired or fatal error */
#define FLLM_IRQ_VECTORS	4u
#define FLLM_IRQ_ALL		0xfu

/* ------------------------------------------------------------------ */
/* Error codes carried in completions, descriptors and FATAL_ERROR    */
/* ------------------------------------------------------------------ */

enum fllm_card_err {
	FLLM_CARD_OK = 0,
	FLLM_CARD_ERR_OPCODE = 1,	/* unknown opcode */
	FLLM_CARD_ERR_FLAGS = 2,	/* unknown flag or nonzero reserved field */
	FLLM_CARD_ERR_ADDR = 3,		/* card address range outside card memory */
	FLLM_CARD_ERR_ALIGN = 4,	/* address or size misaligned */
	FLLM_CARD_ERR_SIZE = 5,		/* size zero or above the limit */
	FLLM_CARD_ERR_NO_CU = 6,	/* no compute unit of the needed type */
	FLLM_CARD_ERR_WATCHDOG = 7,	/* compute unit hung, was reset */
	FLLM_CARD_ERR_HOST_DMA = 8,	/* host memory access failed */
	FLLM_CARD_ERR_PARAM = 9,	/* parameter block rejected by the unit, or an
					 * unknown enum value in the arguments
					 * (copy dir, test op, test pattern) */
	FLLM_CARD_ERR_ABORTED = 10,	/* dropped by a reset */
	FLLM_CARD_ERR_RING = 11,	/* ring registers invalid (fatal) */
	FLLM_CARD_ERR_INTERNAL = 12,	/* card bug (fatal) */
	FLLM_CARD_ERR_COUNT
};

/* Every enum fllm_card_err value with its short name, for tables: X(err, name). */
#define FLLM_CARD_ERR_LIST(X)                                                        \
	X(FLLM_CARD_OK, "ok") X(FLLM_CARD_ERR_OPCODE, "opcode")                       \
	X(FLLM_CARD_ERR_FLAGS, "flags") X(FLLM_CARD_ERR_ADDR, "addr")                 \
	X(FLLM_CARD_ERR_ALIGN, "align") X(FLLM_CARD_ERR_SIZE, "size")                 \
	X(FLLM_CARD_ERR_NO_CU, "no-cu") X(FLLM_CARD_ERR_WATCHDOG, "watchdog")         \
	X(FLLM_CARD_ERR_HOST_DMA, "host-dma") X(FLLM_CARD_ERR_PARAM, "param")         \
	X(FLLM_CARD_ERR_ABORTED, "aborted") X(FLLM_CARD_ERR_RING, "ring")             \
	X(FLLM_CARD_ERR_INTERNAL, "internal")
#define FLLM_CARD_ERR_ONE(err, name) +1
FLLM_CARD_STATIC_ASSERT(0 FLLM_CARD_ERR_LIST(FLLM_CARD_ERR_ONE) == FLLM_CARD_ERR_COUNT,
			"FLLM_CARD_ERR_LIST names every card error");

/* ------------------------------------------------------------------ */
/* Command records (submission ring entries)                          */
/* ------------------------------------------------------------------ */

enum fllm_opcode {
	FLLM_OP_NOP = 0x00,		/* completes at once */
	FLLM_OP_FENCE = 0x01,		/* waits for every earlier command (firmware
					 * 1.0 runs commands one at a time, so a
					 * fence is met on arrival) */
	FLLM_OP_TIMESTAMP = 0x02,	/* arg0: card address (8-aligned) <- cycle
					 * count, also returned in fllm_cpl.result */
	FLLM_OP_DMA_COPY = 0x03,	/* see struct fllm_cmd_dma_copy */
	FLLM_OP_TEST = 0x04,		/* test unit: see struct fllm_cmd_test */
	FLLM_OP_LUTGEMM = 0x10,		/* arg0 param block addr, arg1 its bytes */
	FLLM_OP_ATTENTION = 0x11,	/* same form */
	FLLM_OP_VECTOR = 0x12,		/* same form */
};

/* struct fllm_cmd.flags */
#define FLLM_CMD_F_IRQ		(1u << 0)	/* raise FLLM_IRQ_CQ when completed */
#define FLLM_CMD_F_FENCE	(1u << 1)	/* wait for every earlier command first */
#define FLLM_CMD_F_MASK		0x0003u

/*
 * One command: 64 bytes. seq is the host's own tag and comes back unchanged
 * in the completion. timeout_us bounds a compute-unit command (0 = the card's
 * FLLM_REG_WATCHDOG_US); past it the watchdog resets the unit and the command
 * completes with FLLM_CARD_ERR_WATCHDOG. reserved, reserved argument words
 * and argument words the opcode does not use (all six for NOP and FENCE;
 * arg[1..5] for TIMESTAMP; addr, bytes, pattern for TEST SPIN) must be zero,
 * else FLLM_CARD_ERR_FLAGS.
 */
struct fllm_cmd {
	uint16_t opcode;
	uint16_t flags;
	uint32_t seq;
	uint32_t timeout_us;
	uint32_t reserved;
	uint64_t arg[6];
};
FLLM_CARD_STATIC_ASSERT(sizeof(struct fllm_cmd) == 64, "fllm_cmd is 64 bytes");
FLLM_CARD_STATIC_ASSERT(offsetof(struct fllm_cmd, arg) == 16, "fllm_cmd.arg at 16");

/* FLLM_OP_DMA_COPY: arg[] viewed as this struct. */
enum fllm_copy_dir {
	FLLM_COPY_C2C = 0,	/* card memory to card memory */
	FLLM_COPY_H2C = 1,	/* src is a host bus address */
	FLLM_COPY_C2H = 2,	/* dst is a host bus address */
};
struct fllm_cmd_dma_copy {
	uint64_t src;
	uint64_t dst;
	uint64_t bytes;		/* 1..FLLM_COPY_MAX_BYTES */
	uint64_t dir;		/* enum fllm_copy_dir */
	uint64_t reserved[2];
};
FLLM_CARD_STATIC_ASSERT(sizeof(struct fllm_cmd_dma_copy) == 48, "dma_copy args are 48 bytes");
#define FLLM_COPY_MAX_BYTES	(1ull << 32)

/*
 * FLLM_OP_TEST: the test unit, a small compute unit present on every card
 * for bring-up and validation. FILL writes a pattern over [addr, addr+bytes);
 * CHECK compares and completes with the number of mismatching 64-bit words in
 * fllm_cpl.result; SPIN runs for seed cycles, or until the watchdog resets it
 * when seed is ~0 (how the watchdog is tested).
 */
enum fllm_test_op {
	FLLM_TEST_FILL = 0,
	FLLM_TEST_CHECK = 1,
	FLLM_TEST_SPIN = 2,
};
enum fllm_test_pattern {
	FLLM_PAT_CONST = 0,		/* every word = seed */
	FLLM_PAT_WALKING_ONES = 1,	/* word i = 1 << ((i + seed) % 64) */
	FLLM_PAT_ADDRESS = 2,		/* word = its own card address ^ seed */
	FLLM_PAT_PRNG = 3,		/* splitmix64 finalizer of (address ^ seed) */
};
struct fllm_cmd_test {
	uint64_t op;		/* enum fllm_test_op */
	uint64_t addr;		/* card address, 8-aligned (FILL, CHECK) */
	uint64_t bytes;		/* multiple of 8 (FILL, CHECK) */
	uint64_t pattern;	/* enum fllm_test_pattern */
	uint64_t seed;		/* pattern seed; SPIN: cycles */
	uint64_t reserved;
};
FLLM_CARD_STATIC_ASSERT(sizeof(struct fllm_cmd_test) == 48, "test args are 48 bytes");

/* LUTGEMM, ATTENTION, VECTOR: the parameter block lives in card memory. */
struct fllm_cmd_cu {
	uint64_t params;	/* card address, 64-aligned */
	uint64_t params_bytes;	/* 1..FLLM_CU_PARAMS_MAX */
	uint64_t reserved[4];
};
FLLM_CARD_STATIC_ASSERT(sizeof(struct fllm_cmd_cu) == 48, "cu args are 48 bytes");
#define FLLM_CU_PARAMS_MAX	4096u

/* ------------------------------------------------------------------ */
/* Completion records                                                 */
/* ------------------------------------------------------------------ */

/*
 * One completion: 32 bytes, posted in submission order. The card writes the
 * whole record, then advances FLLM_REG_CQ_TAIL. FLLM_CPL_F_PHASE is 1 on the
 * first pass through the ring and flips on every wrap, so a host may also
 * detect new entries from memory alone. start_cycle and cycles are taken
 * from the card's kernel-clock counter (FLLM_REG_TEL_CYCLES).
 */
struct fllm_cpl {
	uint32_t seq;		/* fllm_cmd.seq */
	uint16_t status;	/* enum fllm_card_err */
	uint16_t flags;		/* FLLM_CPL_F_* */
	uint64_t start_cycle;	/* when the command started */
	uint64_t cycles;	/* how long it ran */
	uint64_t result;	/* opcode specific (TEST CHECK: mismatches) */
};
FLLM_CARD_STATIC_ASSERT(sizeof(struct fllm_cpl) == 32, "fllm_cpl is 32 bytes");
#define FLLM_CPL_F_PHASE	(1u << 0)

/* ------------------------------------------------------------------ */
/* DMA descriptors                                                    */
/* ------------------------------------------------------------------ */

/*
 * One DMA descriptor: 32 bytes. The card moves len bytes between host_addr
 * and card_addr in the channel's direction, then writes status (DONE plus an
 * error code in bits 8..15) back into the descriptor and advances the
 * channel's HEAD register. Descriptors complete in ring order.
 */
struct fllm_dma_desc {
	uint64_t host_addr;	/* bus address */
	uint64_t card_addr;
	uint32_t len;		/* 1..FLLM_REG_DMA_MAX_LEN bytes */
	uint16_t flags;		/* FLLM_DESC_F_* */
	uint16_t status;	/* written by the card: FLLM_DESC_S_* */
	uint64_t cookie;	/* host's own tag, untouched */
};
FLLM_CARD_STATIC_ASSERT(sizeof(struct fllm_dma_desc) == 32, "fllm_dma_desc is 32 bytes");
FLLM_CARD_STATIC_ASSERT(offsetof(struct fllm_dma_desc, status) == 22, "desc status at 22");

#define FLLM_DESC_F_IRQ		(1u << 0)	/* raise the channel's interrupt */
#define FLLM_DESC_F_MASK	0x0001u
#define FLLM_DESC_S_DONE	(1u << 0)
#define FLLM_DESC_S_ERR(s)	(((s) >> 8) & 0xffu)	/* enum fllm_card_err */
#define FLLM_DESC_S_MAKE(err)	((uint16_t)(FLLM_DESC_S_DONE | ((err) << 8)))

#endif /* FLLM_CARD_H */
