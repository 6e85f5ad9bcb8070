/*
 * The paged KV cache's bookkeeping (docs/decoder.md "KV cache"): a pool of
 * pool_blocks blocks, each holding block_tokens positions of one sequence
 * in every layer (block b of layer l lives in layer l's pool), handed out
 * to sequence slots as their positions grow, and each slot's table of
 * block indices (the attention unit's block table, fllm_card_attention.h).
 *
 * When the pool runs short, a sequence that the step at hand does not use
 * is swapped out: its blocks are copied to host memory through io.read and
 * returned to the pool; when a step needs it again it gets fresh blocks,
 * io.write copies its contents back, and io.read reads them once more to
 * check that they came back identical (a 64-bit hash of every block and
 * layer). The pool never reads or writes block contents otherwise: what is
 * in a block is the card's business.
 *
 * Not thread-safe: one context drives one pool.
 */
#ifndef FLLM_ENGINE_KV_POOL_H
#define FLLM_ENGINE_KV_POOL_H

#include <stdint.h>

#include "fllm/fllm.h"

/* Block contents transfer: one block of one layer, block_bytes long. */
struct kv_pool_io {
	void *ctx;
	fllm_status (*read)(void *ctx, uint32_t layer, uint32_t block, void *dst);
	fllm_status (*write)(void *ctx, uint32_t layer, uint32_t block, const void *src);
};

struct kv_seq {
	uint32_t *table;	/* (table_cap) block indices; [0, n_blocks) in use */
	uint32_t n_blocks;	/* blocks holding the slot's positions */
	int resident;		/* 1: the blocks are in the pool; 0: in saved */
	int table_dirty;	/* table changed since kv_pool_table_clean */
	uint8_t *saved;		/* swapped out: (n_blocks, n_layers, block_bytes) */
	uint64_t *hash;		/* swapped out: (n_blocks, n_layers) hashes of saved */
	uint64_t last_use;	/* the pool's clock at the slot's last reservation */
};

struct kv_pool {
	uint32_t n_layers;
	uint32_t block_tokens;	/* positions per block */
	uint32_t table_cap;	/* blocks of one full-length sequence */
	uint32_t n_slots;	/* sequences */
	uint32_t pool_blocks;	/* blocks in the pool (in every layer's pool) */
	uint64_t block_bytes;	/* one block of one layer */
	uint32_t *free;		/* (pool_blocks) free block indices, a stack */
	uint32_t n_free;
	struct kv_seq *seq;	/* (n_slots) */
	uint64_t clock;		/* reservations so far, for least-recently-used */
	struct kv_pool_io io;
	uint64_t swaps_out, swaps_in;	/* sequences moved */
	uint64_t swap_bytes;		/* bytes copied either way */
};

/*
 * A pool of pool_blocks (>= 1) blocks for n_slots sequences of up to n_ctx
 * positions each, over n_layers layers. FLLM_E_NO_MEMORY when host memory
 * runs out, FLLM_E_INVALID_ARG for a zero count.
 */
fllm_status kv_pool_init(struct kv_pool *kp, uint32_t n_layers, uint32_t block_tokens,
			 uint32_t n_ctx, uint32_t n_slots, uint32_t pool_blocks,
			 uint64_t block_bytes, const struct kv_pool_io *io);
void kv_pool_release(struct kv_pool *kp);

/* Blocks slot needs to hold positions below end. */
uint32_t kv_pool_need(const struct kv_pool *kp, uint32_t end);
/* Blocks slot holds once it has room for positions below end: its own
 * blocks never shrink, so the larger of those and kv_pool_need(end). */
uint32_t kv_pool_hold(const struct kv_pool *kp, uint32_t slot, uint32_t end);

/*
 * Make slots[0..n) (distinct) resident with blocks for their positions
 * below end[i], swapping other sequences out (least recently used first)
 * as needed. FLLM_E_NO_MEMORY when the slots cannot fit the pool together
 * (nothing has changed for them then, though others may have been swapped
 * out); FLLM_E_CARD when a swapped-in block did not read back identical;
 * an io error as io returned it.
 */
fllm_status kv_pool_reserve(struct kv_pool *kp, const uint32_t *slots, const uint32_t *end,
			    uint32_t n);

/* Forget slot's positions: its blocks back to the pool, saved copies freed. */
void kv_pool_drop(struct kv_pool *kp, uint32_t slot);

#endif /* FLLM_ENGINE_KV_POOL_H */
