/* The paged KV cache's block allocator, tables and swapping (kv_pool.h). */
#include <stdlib.h>
#include <string.h>

#include "kv_pool.h"

/* FNV-1a, 64-bit: a check that a block came back as it left. */
static uint64_t kv_hash(const uint8_t *p, uint64_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (uint64_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

/* See kv_pool.h. */
fllm_status kv_pool_init(struct kv_pool *kp, uint32_t n_layers, uint32_t block_tokens,
			 uint32_t n_ctx, uint32_t n_slots, uint32_t pool_blocks,
			 uint64_t block_bytes, const struct kv_pool_io *io)
{
	memset(kp, 0, sizeof(*kp));
	if (!n_layers || !block_tokens || !n_ctx || !n_slots || !pool_blocks || !block_bytes)
		return FLLM_E_INVALID_ARG;
	kp->n_layers = n_layers;
	kp->block_tokens = block_tokens;
	kp->table_cap = (uint32_t)(((uint64_t)n_ctx + block_tokens - 1) / block_tokens);
	kp->n_slots = n_slots;
	kp->pool_blocks = pool_blocks;
	kp->block_bytes = block_bytes;
	kp->io = *io;
	kp->free = malloc((size_t)pool_blocks * sizeof(*kp->free));
	kp->seq = calloc(n_slots, sizeof(*kp->seq));
	if (!kp->free || !kp->seq)
		goto err;
	for (uint32_t s = 0; s < n_slots; s++) {
		kp->seq[s].table = calloc(kp->table_cap, sizeof(uint32_t));
		if (!kp->seq[s].table)
			goto err;
		kp->seq[s].resident = 1;
	}
	/* a stack: block 0 is handed out first */
	for (uint32_t b = 0; b < pool_blocks; b++)
		kp->free[b] = pool_blocks - 1 - b;
	kp->n_free = pool_blocks;
	return FLLM_OK;

err:
	kv_pool_release(kp);
	return FLLM_E_NO_MEMORY;
}

/* See kv_pool.h. */
void kv_pool_release(struct kv_pool *kp)
{
	if (kp->seq)
		for (uint32_t s = 0; s < kp->n_slots; s++) {
			free(kp->seq[s].table);
			free(kp->seq[s].saved);
			free(kp->seq[s].hash);
		}
	free(kp->seq);
	free(kp->free);
	memset(kp, 0, sizeof(*kp));
}

/* See kv_pool.h. */
uint32_t kv_pool_need(const struct kv_pool *kp, uint32_t end)
{
	return (uint32_t)(((uint64_t)end + kp->block_tokens - 1) / kp->block_tokens);
}

/* See kv_pool.h. */
uint32_t kv_pool_hold(const struct kv_pool *kp, uint32_t slot, uint32_t end)
{
	uint32_t need = kv_pool_need(kp, end);

	return need > kp->seq[slot].n_blocks ? need : kp->seq[slot].n_blocks;
}

/* Slot's blocks back on the free stack. */
static void kv_give_back(struct kv_pool *kp, struct kv_seq *q)
{
	for (uint32_t i = q->n_blocks; i-- > 0;)
		kp->free[kp->n_free++] = q->table[i];
}

/* Free q's host copies (swapped-out contents), if any. */
static void kv_saved_free(struct kv_seq *q)
{
	free(q->saved);
	free(q->hash);
	q->saved = NULL;
	q->hash = NULL;
}

/* See kv_pool.h. */
void kv_pool_drop(struct kv_pool *kp, uint32_t slot)
{
	struct kv_seq *q = &kp->seq[slot];

	if (q->resident)
		kv_give_back(kp, q);
	kv_saved_free(q);
	q->n_blocks = 0;
	q->resident = 1;
	q->table_dirty = 1;
}

/* Copy q's blocks to host memory and return them to the pool. */
static fllm_status kv_swap_out(struct kv_pool *kp, struct kv_seq *q)
{
	uint64_t bb = kp->block_bytes, n = (uint64_t)q->n_blocks * kp->n_layers;
	fllm_status st;

	q->saved = malloc(n * bb);
	q->hash = malloc(n * sizeof(*q->hash));
	if (!q->saved || !q->hash) {
		kv_saved_free(q);
		return FLLM_E_NO_MEMORY;
	}
	for (uint32_t i = 0; i < q->n_blocks; i++)
		for (uint32_t l = 0; l < kp->n_layers; l++) {
			uint64_t k = (uint64_t)i * kp->n_layers + l;

			st = kp->io.read(kp->io.ctx, l, q->table[i], q->saved + k * bb);
			if (st) {
				kv_saved_free(q);
				return st;
			}
			q->hash[k] = kv_hash(q->saved + k * bb, bb);
		}
	kv_give_back(kp, q);
	q->resident = 0;
	kp->swaps_out++;
	kp->swap_bytes += n * bb;
	return FLLM_OK;
}

/* Fresh blocks for swapped-out q, its contents written back and checked. */
static fllm_status kv_swap_in(struct kv_pool *kp, struct kv_seq *q, uint8_t *check)
{
	uint64_t bb = kp->block_bytes;
	fllm_status st = FLLM_OK;

	for (uint32_t i = 0; i < q->n_blocks; i++)
		q->table[i] = kp->free[--kp->n_free];
	q->resident = 1;
	q->table_dirty = 1;
	for (uint32_t i = 0; !st && i < q->n_blocks; i++)
		for (uint32_t l = 0; !st && l < kp->n_layers; l++) {
			uint64_t k = (uint64_t)i * kp->n_layers + l;

			st = kp->io.write(kp->io.ctx, l, q->table[i], q->saved + k * bb);
			if (!st)
				st = kp->io.read(kp->io.ctx, l, q->table[i], check);
			if (!st && kv_hash(check, bb) != q->hash[k])
				st = FLLM_E_CARD;
		}
	if (st) {
		/* keep the host copy: the sequence stays swapped out */
		kv_give_back(kp, q);
		q->resident = 0;
		return st;
	}
	kv_saved_free(q);
	kp->swaps_in++;
	kp->swap_bytes += (uint64_t)q->n_blocks * kp->n_layers * bb;
	return FLLM_OK;
}

/* 1 if slot is one of slots[0..n). */
static int kv_in(const uint32_t *slots, uint32_t n, uint32_t slot)
{
	for (uint32_t i = 0; i < n; i++)
		if (slots[i] == slot)
			return 1;
	return 0;
}

/* The least recently used resident slot with blocks outside slots[0..n). */
static struct kv_seq *kv_victim(struct kv_pool *kp, const uint32_t *slots, uint32_t n)
{
	struct kv_seq *v = NULL;

	for (uint32_t s = 0; s < kp->n_slots; s++) {
		struct kv_seq *q = &kp->seq[s];

		if (q->resident && q->n_blocks && !kv_in(slots, n, s) &&
		    (!v || q->last_use < v->last_use))
			v = q;
	}
	return v;
}

/* See kv_pool.h. */
fllm_status kv_pool_reserve(struct kv_pool *kp, const uint32_t *slots, const uint32_t *end,
			    uint32_t n)
{
	uint64_t want = 0, have = 0;	/* blocks the slots need; of those, already placed */
	uint8_t *check = NULL;
	fllm_status st = FLLM_OK;

	for (uint32_t i = 0; i < n; i++) {
		want += kv_pool_hold(kp, slots[i], end[i]);
		if (kp->seq[slots[i]].resident)
			have += kp->seq[slots[i]].n_blocks;
	}
	if (want > kp->pool_blocks)
		return FLLM_E_NO_MEMORY;
	while (kp->n_free < want - have) {
		struct kv_seq *v = kv_victim(kp, slots, n);

		if (!v)
			return FLLM_E_NO_MEMORY;
		if ((st = kv_swap_out(kp, v)))
			return st;
	}
	kp->clock++;
	for (uint32_t i = 0; !st && i < n; i++) {
		struct kv_seq *q = &kp->seq[slots[i]];
		uint32_t need = kv_pool_need(kp, end[i]);

		if (!q->resident) {
			if (!check && !(check = malloc(kp->block_bytes)))
				st = FLLM_E_NO_MEMORY;
			if (!st)
				st = kv_swap_in(kp, q, check);
		}
		for (; !st && q->n_blocks < need; q->n_blocks++) {
			q->table[q->n_blocks] = kp->free[--kp->n_free];
			q->table_dirty = 1;
		}
		q->last_use = kp->clock;
	}
	free(check);
	return st;
}
