/*
 * The card executor's state, shared by its files: exec_card.c (creation,
 * the executor table), card_weights.c (matrices to card memory),
 * card_plan.c (activation buffers and parameter blocks), card_token.c (one
 * token as command lists). docs/decoder.md describes the design.
 */
#ifndef FLLM_ENGINE_CARD_EXEC_H
#define FLLM_ENGINE_CARD_EXEC_H

#include <stdint.h>

#include "card_matrix.h"
#include "executor.h"
#include "fllm/fllm.h"
#include "fllm_card_attention.h"
#include "fllm_lutgemm.h"
#include "fllm_vector.h"
#include "kv_pool.h"

/* The linear layers of a decoder layer, in card_layer.mat order. */
enum card_mat {
	CARD_WQ, CARD_WK, CARD_WV, CARD_WO, CARD_WGATE, CARD_WDOWN, CARD_WUP, CARD_MATS
};

/* One matrix on the card. */
struct card_weight {
	struct card_matrix cm;		/* its records (owned, or in the package) */
	uint32_t slices;		/* on the card: min(channels, m, 32) */
	uint32_t channel0;		/* slice s lives in channel (channel0 + s) % channels */
	uint64_t offset[FLLM_LUTGEMM_SLICES_MAX];	/* slice s at this offset of its BO */
	uint64_t slice_addr[FLLM_LUTGEMM_SLICES_MAX];	/* card addresses */
};

/* Byte offsets in the activation BO of one layer's parameter blocks. */
struct card_layer_params {
	uint64_t norm_att;		/* RMSNORM x -> xa (attn_norm) */
	uint64_t lg[CARD_MATS];		/* LUT-GEMM of each matrix */
	uint64_t append;		/* ATTENTION APPEND k, v -> KV cache */
	uint64_t attend;		/* ATTENTION DECODE / PREFILL q -> xa, quantized */
	uint64_t norm_ffn;		/* RMSNORM x -> xa (ffn_norm) */
	uint64_t silu;			/* SILU_MUL gate, up -> ha */
};

/*
 * The shape of one step: `seqs` sequences of one new token each (decode,
 * rows = seqs), or one sequence's chunk of `rows` tokens (prefill, seqs =
 * 1). One token is a decode step.
 */
struct card_shape {
	uint32_t rows;
	uint32_t seqs;
};

static inline int card_shape_prefill(const struct card_shape *s)
{
	return s->rows > 1 && s->seqs == 1;
}

/* One command of a step's program: its unit, parameter block and matrix. */
struct card_cmd {
	uint8_t unit;			/* FLLM_CU_LUTGEMM, _VECTOR or _ATTENTION */
	uint32_t mat;			/* LUT-GEMM: index into exec_card.w */
	uint32_t place;			/* placement unit: its layer, n_layers for the head */
	uint64_t at;			/* offset of the block in the activation BO */
};

/*
 * Offsets (bytes, 64-aligned) of everything in the activation BO. Every
 * buffer has rows_max rows (tokens); row strides are the units' smallest
 * legal ones, except qkv, whose rows hold q, k and v of one token.
 */
struct card_plan {
	uint32_t rows_max;		/* tokens per step */
	uint32_t n_rope;		/* 1: q and k of a token rotated by one command */
	/* the per-step upload: the last rows of rope, desc, the rows of x */
	uint64_t rope, rope_row;	/* (rows_max) RoPE table rows, one per token */
	uint64_t desc;			/* (rows_max) attention sequence descriptors */
	uint64_t x, x_stride;		/* (rows_max, dim) fp32 residual stream, last */
	/* activations */
	uint64_t xa, xa_stride;		/* activation records of K = dim */
	uint64_t qkv, qkv_stride;	/* rows of q (dim), k, v (kv_dim) fp32 */
	uint64_t k_off, v_off;		/* of k and v in a qkv row */
	uint64_t tmp;			/* (rows_max, dim) wo / w_down outputs, x_stride */
	uint64_t gate, up, h_stride;	/* (rows_max, hidden_dim) fp32 each */
	uint64_t ha, ha_stride;		/* activation records of K = hidden_dim */
	uint64_t logits, logits_stride;	/* (rows_max, vocab_size) fp32 */
	uint64_t norms;			/* (2 n_layers + 1) norm-weight records */
	uint64_t norm_bytes;		/* one record */
	uint64_t tables, table_stride;	/* (slots) KV block tables, uint32 each */
	/* parameter blocks, rewritten when the step's shape changes */
	uint64_t params, params_bytes;
	uint64_t add;			/* ADD x + tmp -> x (shared by every layer) */
	uint64_t rope_blk;		/* (n_rope) ROPE q, k of every row (ditto) */
	uint64_t head_norm, head_lg;	/* output_norm and classifier blocks */
	struct card_layer_params *layer;	/* (n_layers) */
	uint64_t bytes;			/* size of the BO */
	uint64_t base;			/* address of offset 0 in the blocks: the BO's
					 * card address, or 0 for a host image */
	uint64_t *kv_addr;		/* (n_layers) address of each layer's KV pool */
};

/* The compute units a step's commands go to, for the per-unit cycle counts. */
enum card_unit { CARD_UNIT_LUTGEMM, CARD_UNIT_ATTENTION, CARD_UNIT_VECTOR, CARD_UNITS };

struct exec_card {
	struct fllm_exec base;
	const fllm_model *model;
	const fllm_model_info *info;
	fllm_device *dev;
	uint32_t n_ctx, group, bits_max, channels;
	uint64_t chan_bytes;		/* card memory per channel: the largest BO */
	uint32_t n_slots;		/* sequences */
	uint32_t block_tokens;		/* KV block positions */
	uint64_t block_bytes;		/* one KV block of one layer */
	uint32_t pool_blocks;		/* KV blocks in each layer's pool */
	struct card_weight *w;		/* (n_layers * CARD_MATS + 1), classifier last */
	fllm_bo **wbo;			/* (channels) weights of each channel, NULL if none */
	fllm_bo *act;			/* activations, records, tables, parameter blocks */
	fllm_bo **kvbo;			/* (n_layers) KV pools */
	struct card_plan plan;
	struct kv_pool kv;
	struct card_shape shape;	/* of the parameter blocks now in place */
	fllm_cmdlist **lists;		/* (2 * (rows_max + 1)) by shape, made on first use */
	uint8_t **list_units;		/* as lists: each list's (count) units */
	struct card_cmd *prog;		/* (card_prog_max) a step's commands */
	/*
	 * Placement (card_weights.c): units are the layers and the head
	 * (n_layers + 1). A streamed unit's matrices live in host memory and
	 * are written to staging set stage_set[u] before the segment of the
	 * step that starts with it runs (card_step.c); a unit on the host runs
	 * on the twin, a cpu-q executor (exec_hostq.c) with the same plan.
	 * Segments are the step's runs of units between boundaries: a streamed
	 * unit starts one, so does every change of side; segment j starts with
	 * unit seg_unit[j] and runs on the host when seg_host[j].
	 */
	uint64_t card_mem;		/* budget for the whole context (0: the card's) */
	uint32_t n_units, n_segs;
	uint8_t *place;			/* (n_units) fllm_place asked, AUTO for none */
	uint8_t *streamed;		/* (n_units) */
	uint8_t *on_host;		/* (n_units) runs on the twin */
	uint8_t *stage_set;		/* (n_units) */
	uint32_t *seg_unit;		/* (n_segs) first unit of each segment */
	uint8_t *seg_host;		/* (n_segs) 1: the segment runs on the twin */
	struct exec_card *twin;		/* the host side of a mixed plan, or NULL */
	struct fllm_exec *twin_ex;	/* its executor (owned) */
	uint32_t run_lo, run_hi;	/* the units `run` runs (cpu-q: all by default) */
	int32_t stage_holds[2];		/* unit whose weights each set holds, -1 none */
	fllm_bo **stage[2];		/* (channels) staging BOs of each set */
	uint64_t *stage_chan;		/* (channels) one set's bytes per channel */
	uint8_t *stage_buf;		/* host gather buffer of the largest stage_chan */
	uint64_t stream_bytes, resident_bytes;
	uint8_t *tok_buf;		/* (plan.x + rows_max * x_stride) per-step upload */
	uint8_t *rope_host;		/* the RoPE table of n_ctx positions, on the host */
	uint8_t *param_img;		/* (plan.params_bytes) parameter blocks */
	uint8_t *logit_buf;		/* (rows_max, plan.logits_stride) read back */
	double quantize_s, upload_s;
	uint64_t card_bytes, lists_run, cmds_run;
	fllm_telemetry tel0;		/* the card's counters when creation ended */
	uint64_t dma_bytes;		/* over PCIe since creation ended */
	uint64_t unit_cycles[CARD_UNITS];	/* card cycles of each unit's commands
						 * (completion records) */
	uint8_t cu_type[FLLM_CU_INFO_MAX];	/* FLLM_CU_* of each inventory unit */
	uint32_t clock_khz, sensors;	/* kernel clock; real sensors (not a card model) */
	/* where a step's data goes and how its commands run: the card's BO and
	 * command lists (exec_card.c), or cpu-q's host image (exec_hostq.c) */
	fllm_status (*act_write)(struct exec_card *c, uint64_t off, const void *src, uint64_t len);
	fllm_status (*act_read)(struct exec_card *c, uint64_t off, void *dst, uint64_t len);
	fllm_status (*run)(struct exec_card *c, const struct card_shape *s);
};

/* Matrix mat of layer l (CARD_MATS for the classifier, l ignored). */
static inline struct card_weight *card_w(struct exec_card *c, uint32_t l, enum card_mat mat)
{
	return mat == CARD_MATS ? &c->w[c->info->n_layers * CARD_MATS] :
				  &c->w[l * CARD_MATS + mat];
}

/*
 * exec_card.c, shared with exec_hostq.c. card_exec_init fills the zeroed c's
 * model fields and qp, the quantization settings: the caller's (p->bits,
 * p->group, defaults filled) or a package's (which p must not contradict:
 * FLLM_E_INVALID_ARG); FLLM_E_UNSUPPORTED when the model does not fit the
 * LUT-GEMM and vector units. card_exec_release frees what both executors
 * hold in c besides the device side: matrices, plan, host buffers and the
 * host CPU executor.
 */
fllm_status card_exec_init(struct exec_card *c, const fllm_model *m,
			   const fllm_context_params *p, uint32_t n_ctx, fllm_quant_params *qp);
void card_exec_release(struct exec_card *c);

/* card_weights.c: matrices in card form (quantizing unless a package);
 * their placement within the card memory left after the plan's BOs
 * (resident layers in per-channel BOs, the rest streamed through two
 * staging sets) and the resident ones' upload; card_stage_load writes
 * streamed unit u into its staging set (nothing when it is there already);
 * card_weights_free releases the device side. */
fllm_status card_weights_prepare(struct exec_card *c, const fllm_quant_params *qp);
fllm_status card_weights_upload(struct exec_card *c);
fllm_status card_stage_load(struct exec_card *c, uint32_t u);
void card_weights_free(struct exec_card *c);

/*
 * card_plan.c: lay out the activation BO (card_plan_layout: also the host
 * buffers and the KV settings, in c from p), and fill an image of it
 * (card_plan_fill; img: plan.bytes, zeroed; addresses from plan.base):
 * norm records, the RoPE table and the parameter blocks for c->shape.
 * card_plan_params writes the parameter blocks alone for shape s into
 * c->param_img; card_plan_tokens the per-step upload of entries e[0..n)
 * into c->tok_buf: it returns the end of the upload and sets *from to its
 * start (the bytes between are one DMA to the same offsets).
 * card_plan_build lays out and allocates the card's KV pools and
 * activation BO, card_plan_upload fills and writes the activation BO once
 * the weights have their card addresses.
 */
fllm_status card_plan_layout(struct exec_card *c, const fllm_context_params *p);
fllm_status card_plan_fill(struct exec_card *c, uint8_t *img);
void card_plan_params(struct exec_card *c, const struct card_shape *s);
uint64_t card_plan_tokens(struct exec_card *c, const struct exec_batch_entry *e, uint32_t n,
			  uint64_t *from);
fllm_status card_plan_build(struct exec_card *c, const fllm_context_params *p);
fllm_status card_plan_upload(struct exec_card *c);

/* card_prog.c: the commands of a step (the same for every shape: the
 * parameter blocks say it); returns their count
 * (at most card_prog_max). */
uint32_t card_prog_max(const struct exec_card *c);
uint32_t card_prog_build(const struct exec_card *c, struct card_cmd *out);
/* The shape of entries e[0..n) (the executor's step rules, executor.h). */
fllm_status card_step_shape(const struct exec_card *c, const struct exec_batch_entry *e,
			    uint32_t n, struct card_shape *s);

/*
 * exec_hostq.c: the twin of a mixed plan, a cpu-q executor over the same
 * model and parameters whose LUT-GEMM packs cover only the units with
 * on_host[u] set (n_layers + 1 entries).
 */
fllm_status card_twin_create(const fllm_model *m, const fllm_context_params *p, uint32_t n_ctx,
			     const uint8_t *on_host, struct fllm_exec **ex,
			     struct exec_card **twin);

/* card_step.c: the step and sequence operations of both executors, and the
 * card's `run` hook (the list of shape s, recorded on first use). */
fllm_status card_step(struct fllm_exec *ex, const struct exec_batch_entry *e, uint32_t n);
void card_seq_drop(struct fllm_exec *ex, uint32_t slot);
fllm_status card_run_list(struct exec_card *c, const struct card_shape *s);

#endif /* FLLM_ENGINE_CARD_EXEC_H */
