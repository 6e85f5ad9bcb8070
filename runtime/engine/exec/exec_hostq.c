/*
 * The CPU quantized executor ("cpu-q", docs/decoder.md): the card's
 * decoder arithmetic run on the host, so its logits are bit-identical to
 * the card's. It reuses the card executor's planning: the same matrices in
 * card form (card_weights_prepare), the same activation image with the
 * same parameter blocks (card_plan_layout / card_plan_fill with base
 * address 0), kept in host memory instead of a BO, with the layers' KV
 * pools at its end. A step runs the card's program (card_prog.c) on that
 * image through the card executor's step code (card_step.c): vector and
 * attention blocks through runtime/cpu's fast units (fllm_cpu_vector_run,
 * fllm_cpu_attention_run: byte for byte the golden functions' results,
 * tested against them), LUT-GEMM blocks through runtime/cpu's integer
 * LUT-GEMM on prepared packs of the row records. The pool holds every
 * sequence's whole context, so nothing is ever swapped. As the twin of a
 * mixed plan it runs only the units the card leaves to the host.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "card_exec.h"
#include "fllm_attention.h"
#include "../../cpu/fllm_cpu.h"

struct exec_hostq {
	struct fllm_exec base;
	struct exec_card card;		/* plan, matrices, host attention; no device */
	fllm_cpu_ctx *cpu;		/* integer LUT-GEMM variant, threads, scratch */
	fllm_cpu_lutgemm_pack **pack;	/* (n_layers * CARD_MATS + 1) as card.w */
	struct fllm_vector_onchip *oc;	/* the vector unit's on-chip memories */
	struct fllm_attention_onchip *aoc;	/* the attention unit's */
	uint8_t *img;			/* (img_bytes) the activation image, 64-aligned */
	void *xbuf;			/* a LUT-GEMM block's records, gathered */
	uint64_t img_bytes;		/* card.plan.bytes and the KV pools */
	uint64_t cmds_run;		/* blocks run */
};

static struct exec_hostq *hostq_of(struct exec_card *c)
{
	return (struct exec_hostq *)((char *)c - offsetof(struct exec_hostq, card));
}

/* Undo whatever creation reached: packs, context, image, matrices, host. */
static void hostq_free(struct fllm_exec *ex)
{
	struct exec_hostq *h = (struct exec_hostq *)ex;
	uint32_t n;

	if (!h)
		return;
	n = h->card.info->n_layers * CARD_MATS + 1;
	if (h->pack)
		for (uint32_t k = 0; k < n; k++)
			fllm_cpu_lutgemm_pack_free(h->pack[k]);
	free(h->pack);
	fllm_cpu_ctx_free(h->cpu);
	free(h->oc);
	free(h->aoc);
	free(h->xbuf);
	free(h->img);
	card_exec_release(&h->card);
	free(h);
}

/* The vector or attention block at offset at of the image, as the card's
 * unit runs it. */
static fllm_status hostq_unit(struct exec_hostq *h, uint8_t unit, uint64_t at)
{
	enum fllm_card_err err;
	uint64_t nonfinite;

	h->cmds_run++;
	/* runtime/cpu's host twins of the golden units: the same bytes, faster */
	if (unit == FLLM_CU_VECTOR)
		err = (enum fllm_card_err)fllm_cpu_vector_run(
			h->oc, h->img, h->img_bytes, at, sizeof(struct fllm_vector_params),
			&nonfinite);
	else
		err = (enum fllm_card_err)fllm_cpu_attention_run(
			h->aoc, h->img, h->img_bytes, at, sizeof(struct fllm_attention_params),
			&nonfinite);
	return err == FLLM_CARD_OK ? FLLM_OK : FLLM_E_CARD;
}

/* The LUT-GEMM block at offset at: its activation records and outputs live
 * in the image (addresses are offsets, base 0), its weights in pack pk; all
 * the block's tokens in one call (one pass over the weights). */
static fllm_status hostq_lg(struct exec_hostq *h, uint64_t at, const fllm_cpu_lutgemm_pack *pk)
{
	struct fllm_lutgemm_params g;
	fllm_cpu_lutgemm_acts x;

	memcpy(&g, h->img + at, sizeof(g));
	h->cmds_run++;
	fllm_cpu_lutgemm_acts_gather(h->img + g.act_addr, g.act_stride, g.n_tokens, g.k, g.group,
				     h->xbuf, &x);
	return fllm_cpu_lutgemm_packed(h->cpu, pk, &x, (float *)(h->img + g.out_addr),
				       g.out_stride / 4);
}

/* The `run` hook: the step's program, command by command, on the image
 * (the commands of units run_lo .. run_hi - 1: all of them unless this is
 * the twin of a mixed plan). */
static fllm_status hostq_run(struct exec_card *c, const struct card_shape *s)
{
	struct exec_hostq *h = hostq_of(c);
	uint32_t n = card_prog_build(c, c->prog);
	fllm_status st = FLLM_OK;

	for (uint32_t k = 0; !st && k < n; k++) {
		const struct card_cmd *cmd = &c->prog[k];

		if (cmd->place < c->run_lo || cmd->place >= c->run_hi)
			continue;
		st = cmd->unit == FLLM_CU_LUTGEMM ? hostq_lg(h, cmd->at, h->pack[cmd->mat]) :
						    hostq_unit(h, cmd->unit, cmd->at);
	}
	return st;
}

/* The data hooks: the image is the card memory. */
static fllm_status hostq_write(struct exec_card *c, uint64_t off, const void *src, uint64_t len)
{
	memcpy(hostq_of(c)->img + off, src, len);
	return FLLM_OK;
}

static fllm_status hostq_read(struct exec_card *c, uint64_t off, void *dst, uint64_t len)
{
	memcpy(dst, hostq_of(c)->img + off, len);
	return FLLM_OK;
}

/* The KV pool's io: never called, as the pool never runs short; kept exact. */
static fllm_status hostq_kv_read(void *ctx, uint32_t layer, uint32_t block, void *dst)
{
	struct exec_card *c = ctx;

	memcpy(dst, hostq_of(c)->img + c->plan.kv_addr[layer] + block * c->block_bytes,
	       c->block_bytes);
	return FLLM_OK;
}

static fllm_status hostq_kv_write(void *ctx, uint32_t layer, uint32_t block, const void *src)
{
	struct exec_card *c = ctx;

	memcpy(hostq_of(c)->img + c->plan.kv_addr[layer] + block * c->block_bytes, src,
	       c->block_bytes);
	return FLLM_OK;
}

static fllm_status hostq_step(struct fllm_exec *ex, const struct exec_batch_entry *e,
			      uint32_t n)
{
	return card_step(&((struct exec_hostq *)ex)->card.base, e, n);
}

static void hostq_seq_drop(struct fllm_exec *ex, uint32_t slot)
{
	card_seq_drop(&((struct exec_hostq *)ex)->card.base, slot);
}

/* Quantization settings and times; nothing is on a card. */
static void hostq_stats(struct fllm_exec *ex, fllm_context_stats *out)
{
	struct exec_hostq *h = (struct exec_hostq *)ex;

	out->bits = h->card.bits_max;
	out->group = h->card.group;
	out->quantize_s = h->card.quantize_s;
	out->kv_blocks = h->card.pool_blocks;
	out->kv_blocks_used = h->card.pool_blocks - h->card.kv.n_free;
	out->kv_block_bytes = h->card.block_bytes * h->card.info->n_layers;
}

/* Whole steps only, as the card executor. */
static const struct fllm_exec_ops hostq_ops = {
	.name = "cpu-q",
	.free = hostq_free,
	.step = hostq_step,
	.seq_drop = hostq_seq_drop,
	.stats = hostq_stats,
};

/* A pack for the context's LUT-GEMM variant of every matrix (of the units
 * on_host marks, when it is not NULL). */
static fllm_status hostq_packs(struct exec_hostq *h, const uint8_t *on_host)
{
	struct exec_card *c = &h->card;
	uint32_t n = c->info->n_layers * CARD_MATS + 1;
	fllm_status st;

	h->pack = calloc(n, sizeof(*h->pack));
	if (!h->pack)
		return FLLM_E_NO_MEMORY;
	for (uint32_t k = 0; k < n; k++) {
		const struct card_matrix *cm = &c->w[k].cm;
		const uint8_t *slice[FLLM_LUTGEMM_SLICES_MAX];	/* slice s: row s first */
		fllm_cpu_lutgemm_weights w = { cm->m, cm->k, cm->group, cm->planes, cm->flags,
					       cm->slices, slice };

		c->w[k].slices = cm->slices;	/* so the plan's LUT-GEMM blocks are valid */
		if (on_host && !on_host[k / CARD_MATS])
			continue;	/* the card runs it */
		for (uint32_t s = 0; s < cm->slices; s++)
			slice[s] = card_matrix_row(cm, s);
		st = fllm_cpu_lutgemm_pack_create(h->cpu, &w, &h->pack[k]);
		if (st)
			return st;
		/* a package's pages back to the kernel: the pack holds what the
		 * kernels read (read again from the file if a pack refers to them) */
		if (!cm->owned)
			fllm_file_map_drop(&c->model->map, cm->data, card_matrix_bytes(cm));
	}
	return FLLM_OK;
}

/* The image: the plan's buffers and blocks, then every layer's KV pool. */
static fllm_status hostq_image(struct exec_hostq *h)
{
	struct exec_card *c = &h->card;
	const struct kv_pool_io io = { c, hostq_kv_read, hostq_kv_write };
	uint64_t pool = (uint64_t)c->pool_blocks * c->block_bytes;
	fllm_status st;

	for (uint32_t l = 0; l < c->info->n_layers; l++)
		c->plan.kv_addr[l] = c->plan.bytes + l * pool;
	h->img_bytes = c->plan.bytes + c->info->n_layers * pool;
	st = kv_pool_init(&c->kv, c->info->n_layers, c->block_tokens, c->n_ctx, c->n_slots,
			  c->pool_blocks, c->block_bytes, &io);
	if (st)
		return st;
	h->oc = malloc(sizeof(*h->oc));
	h->aoc = malloc(sizeof(*h->aoc));
	h->xbuf = malloc(fllm_cpu_lutgemm_acts_bytes(c->plan.rows_max,
						     c->info->dim > c->info->hidden_dim ?
							     c->info->dim : c->info->hidden_dim,
						     c->group));
	h->img = aligned_alloc(FLLM_LUTGEMM_ALIGN, fllm_lutgemm_align(h->img_bytes));
	if (!h->oc || !h->aoc || !h->img || !h->xbuf)
		return FLLM_E_NO_MEMORY;
	memset(h->img, 0, h->img_bytes);
	return card_plan_fill(c, h->img);
}

/* A cpu-q executor; on_host: see card_twin_create (NULL: every unit). */
static fllm_status hostq_create(const fllm_model *m, const fllm_context_params *p,
				uint32_t n_ctx, const uint8_t *on_host, struct exec_hostq **out)
{
	fllm_cpu_config cfg = { p->n_threads ? p->n_threads : 1, FLLM_CPU_ISA_AUTO };
	fllm_context_params lp = *p;
	fllm_quant_params qp;
	struct exec_hostq *h;
	struct exec_card *c;
	fllm_status st;

	*out = NULL;
	h = calloc(1, sizeof(*h));
	if (!h)
		return FLLM_E_NO_MEMORY;
	c = &h->card;
	st = card_exec_init(c, m, p, n_ctx, &qp);
	if (st) {
		free(h);
		return st;
	}
	h->base.ops = &hostq_ops;
	c->act_write = hostq_write;
	c->act_read = hostq_read;
	c->run = hostq_run;
	lp.kv_mem = 0;		/* host memory: every sequence's whole context */
	if ((st = fllm_cpu_ctx_create(&cfg, &h->cpu)) || (st = card_weights_prepare(c, &qp)) ||
	    (st = hostq_packs(h, on_host)) || (st = card_plan_layout(c, &lp)) ||
	    (st = hostq_image(h)))
		goto err_free;
	h->base.rows_max = c->plan.rows_max;
	*out = h;
	return FLLM_OK;

err_free:
	hostq_free(&h->base);
	return st;
}

/* See executor.h. */
fllm_status fllm_exec_hostq_create(const fllm_model *m, const fllm_context_params *p,
				   uint32_t n_ctx, struct fllm_exec **out)
{
	struct exec_hostq *h;
	fllm_status st = hostq_create(m, p, n_ctx, NULL, &h);

	*out = st ? NULL : &h->base;
	return st;
}

/* See card_exec.h. */
fllm_status card_twin_create(const fllm_model *m, const fllm_context_params *p, uint32_t n_ctx,
			     const uint8_t *on_host, struct fllm_exec **ex,
			     struct exec_card **twin)
{
	struct exec_hostq *h;
	fllm_status st = hostq_create(m, p, n_ctx, on_host, &h);

	*ex = st ? NULL : &h->base;
	*twin = st ? NULL : &h->card;
	return st;
}
