/*
 * The LUT-GEMM compute unit itself (card side): its on-chip memories, the
 * body that runs one FLLM_OP_LUTGEMM command with them, and the unit's
 * cycle model. The parameter block and record layouts are the card
 * contract's (card/include/fllm_card_lutgemm.h), the datapath helpers are in
 * fllm_lutgemm.h and the host-side encoders in runtime/cardpack.
 *
 * Memory ports: the synthesized unit reads the rows of slice s through its
 * own m_axi port (one per HBM pseudo-channel) and everything else (parameter
 * block, activations, outputs) through a control port. The C functions take
 * one pointer per port, each the base of the flat card address space; on
 * the host they all point at the same card memory (docs/hls.md has the
 * port-to-bank layout of the card build).
 */
#ifndef FLLM_LUTGEMM_UNIT_H
#define FLLM_LUTGEMM_UNIT_H

#include <stdint.h>
#include "fllm_lutgemm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Rows the unit keeps in flight and shares one set of tables across. */
#define FLLM_LUTGEMM_TILE_ROWS		256u
/* 8-input chunks of the largest group: tables per token and group. */
#define FLLM_LUTGEMM_CHUNKS_MAX		(FLLM_LUTGEMM_G_MAX / 8)

/*
 * The unit's on-chip memories (URAM/BRAM on the card), about 2.9 MB. One
 * instance per unit: the HLS top function owns a static one, as the
 * synthesized unit does; the card model gives each card its own, so two
 * card models in one process never share them.
 */
struct fllm_lutgemm_onchip {
	int8_t xq[FLLM_LUTGEMM_N_MAX][FLLM_LUTGEMM_K_MAX];	/* (N, G*g) int8, pad 0 */
	uint16_t msx[FLLM_LUTGEMM_N_MAX][FLLM_LUTGEMM_GROUPS_MAX];	/* (N, G) */
	int32_t ex[FLLM_LUTGEMM_N_MAX];				/* (N) */
	int16_t table[FLLM_LUTGEMM_N_MAX][FLLM_LUTGEMM_CHUNKS_MAX][256];	/* (N, g/8, 256) */
	int32_t sum[FLLM_LUTGEMM_N_MAX];			/* (N) S_G of the group */
	int64_t yacc[FLLM_LUTGEMM_TILE_ROWS][FLLM_LUTGEMM_N_MAX];	/* (tile rows, N) */
};

/*
 * Run the FLLM_OP_LUTGEMM command whose parameter block is at card address
 * params (params_bytes long), using the on-chip memories oc. ctl is card
 * memory as the control port sees it (block, activations, outputs);
 * wport[s] as slice s's port sees it (only [0, slices) are used). On any
 * error nothing is written. Returns FLLM_CARD_OK or the unit's error code.
 */
enum fllm_card_err fllm_lutgemm_unit_run(struct fllm_lutgemm_onchip *oc,
					 uint8_t *ctl /* (mem_bytes) card memory */,
					 const uint8_t *const *wport /* (SLICES_MAX) card memory */,
					 uint64_t mem_bytes, uint64_t params,
					 uint64_t params_bytes);

/*
 * The unit's first step alone: fetch the parameter block at params into *p
 * and check it (fields, placement in mem_bytes, outputs clear of the
 * block). fllm_lutgemm_unit_run() fails exactly when this does, with the
 * same code; a model of the card that computes the outputs another way
 * (the emu backend's host kernel) uses it to refuse the same blocks.
 */
enum fllm_card_err fllm_lutgemm_fetch(const uint8_t *ctl /* (mem_bytes) card memory */,
				      uint64_t mem_bytes, uint64_t params, uint64_t params_bytes,
				      struct fllm_lutgemm_params *p);

/* Card-memory bytes one valid command moves: block, weights, activations, outputs. */
uint64_t fllm_lutgemm_traffic(const struct fllm_lutgemm_params *p);

/* LUT-fabric operations of one valid command, for power models: partial
 * sums looked up and accumulated (m x chunks x planes per token) plus table
 * entries built (256 per chunk, tile and token), as the cycle model counts
 * them. */
uint64_t fllm_lutgemm_lut_ops(const struct fllm_lutgemm_params *p);

/* fllm_hls_lutgemm_unit(), the golden model's top function, is in fllm_lutgemm.h. */

/* Fixed cost of one command: AXI-Lite handshake, parameter fetch, burst setup. */
#define FLLM_LUTGEMM_OVERHEAD_CYCLES	256u
/* Bytes one m_axi port moves per cycle (one 512-bit beat). */
#define FLLM_LUTGEMM_BYTES_PER_CYCLE	64u
/* 256-entry tables the table builder produces per cycle. */
#define FLLM_LUTGEMM_TABLES_PER_CYCLE	2u
/* Table lookups (plane bytes x tokens) per cycle: 32 ports x 64 bytes. */
#define FLLM_LUTGEMM_LOOKUPS_PER_CYCLE	2048u

/* First-order cycle model of one command with valid parameters p (docs/numerics.md 7). */
uint64_t fllm_lutgemm_cycles(const struct fllm_lutgemm_params *p);

/* Cycles of a command the unit rejects: the parameter fetch and check only. */
#define FLLM_LUTGEMM_REJECT_CYCLES	FLLM_LUTGEMM_OVERHEAD_CYCLES

#ifdef __cplusplus
}
#endif

#endif /* FLLM_LUTGEMM_UNIT_H */
