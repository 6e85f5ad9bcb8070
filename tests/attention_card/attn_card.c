/* An attention case placed in a card buffer (see attn_card.h). */
#include "attn_card.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

struct fllm_attention_params acard_params(const struct acase *c, uint64_t base)
{
	struct fllm_attention_params p = c->p;

	p.seq_addr += base;
	p.kv_base += base;
	if (fllm_attention_op_attends(p.op)) {
		p.q_addr += base;
		p.out_addr += base;
	} else {
		p.k_addr += base;
		p.v_addr += base;
	}
	return p;
}

struct fllm_attention_seq acard_seq(const struct acase *c, uint32_t s, uint64_t base)
{
	struct fllm_attention_seq d = c->seq[s];

	d.table_addr += base;
	return d;
}

void acard_relocate(const struct acase *c, uint64_t base, uint8_t *img /* (mem_bytes) */)
{
	struct fllm_attention_params p = acard_params(c, base);

	memcpy(img + c->p_addr, &p, sizeof(p));
	for (uint32_t s = 0; s < c->n_seqs; s++) {
		struct fllm_attention_seq d = acard_seq(c, s, base);

		memcpy(img + c->p.seq_addr + sizeof(d) * s, &d, sizeof(d));
	}
}

/* 1 for a byte of the block or the descriptors. */
static int relocated_byte(const struct acase *c, uint64_t i)
{
	return (i >= c->p_addr && i < c->p_addr + sizeof(c->p)) ||
	       (i >= c->p.seq_addr &&
		i < c->p.seq_addr + sizeof(struct fllm_attention_seq) * c->n_seqs);
}

uint64_t acard_diff(const struct acase *c, const uint8_t *got /* (mem_bytes) */,
		    const uint8_t *ref /* (mem_bytes) */)
{
	for (uint64_t i = 0; i < c->mem_bytes; i++) {
		if (!relocated_byte(c, i) && got[i] != ref[i]) {
			printf("\n  byte %" PRIu64 ": card 0x%02x, golden model 0x%02x\n", i,
			       got[i], ref[i]);
			return i;
		}
	}
	return UINT64_MAX;
}
