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
#include "fllm_lutgemm.h"
#include "fllm_vector.h"

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
	uint64_t copy_att;		/* COPY att -> xa, quantized */
	uint64_t norm_ffn;		/* RMSNORM x -> xa (ffn_norm) */
	uint64_t silu;			/* SILU_MUL gate, up -> ha */
};

/* Offsets (bytes, 64-aligned) of everything in the activation BO. */
struct card_plan {
	uint64_t rope;			/* 1 or 2 ROPE blocks, rewritten per token */
	uint64_t x;			/* (dim) fp32 residual stream, after the ROPE blocks */
	uint64_t tok_bytes;		/* rope .. end of x: the per-token upload */
	uint64_t xa;			/* activation record of K = dim */
	uint64_t qkv;			/* q (dim), k (kv_dim), v (kv_dim) fp32 */
	uint64_t k_off, v_off;		/* of k and v from qkv */
	uint64_t qkv_bytes;		/* qkv .. end of v */
	uint64_t att;			/* (dim) fp32 attention output from the host */
	uint64_t tmp;			/* (dim) fp32 wo / w_down outputs */
	uint64_t gate, up;		/* (hidden_dim) fp32 each */
	uint64_t ha;			/* activation record of K = hidden_dim */
	uint64_t logits;		/* (vocab_size) fp32 */
	uint64_t norms;			/* (2 n_layers + 1) norm-weight records */
	uint64_t norm_bytes;		/* one record */
	uint64_t table;			/* RoPE table, n_ctx rows */
	uint64_t add;			/* ADD x + tmp -> x (shared by every layer) */
	uint64_t head_norm, head_lg;	/* output_norm and classifier blocks */
	struct card_layer_params *layer;	/* (n_layers) */
	uint32_t n_rope;		/* 1: q and k rotated by one command */
	uint64_t bytes;			/* size of the BO */
	uint64_t base;			/* address of offset 0 in the blocks: the BO's
					 * card address, or 0 for a host image */
};

struct exec_card {
	struct fllm_exec base;
	const fllm_model *model;
	const fllm_model_info *info;
	fllm_device *dev;
	struct fllm_exec *host;		/* CPU executor: attention and its KV cache */
	uint32_t n_ctx, group, bits_max, channels;
	struct card_weight *w;		/* (n_layers * CARD_MATS + 1), classifier last */
	fllm_bo **wbo;			/* (channels) weights of each channel, NULL if none */
	fllm_bo *act;			/* activations, records, tables, parameter blocks */
	struct card_plan plan;
	fllm_cmdlist **lists;		/* (n_layers + 1) recorded once, submitted per token */
	uint8_t *tok_buf;		/* (plan.tok_bytes) ROPE blocks and x, sent per token */
	float *qkv;			/* (plan.qkv_bytes / 4) q, k, v read back */
	float *att;			/* (dim) attention output */
	double quantize_s, upload_s;
	uint64_t card_bytes, lists_run, cmds_run;
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

/* card_weights.c: matrices in card form (quantizing unless a package) and
 * their slices in per-channel BOs. */
fllm_status card_weights_prepare(struct exec_card *c, const fllm_quant_params *qp);
fllm_status card_weights_upload(struct exec_card *c);

/* card_plan.c: lay out the activation BO, write norm records, the RoPE
 * table and every fixed parameter block. */
fllm_status card_plan_build(struct exec_card *c);
/* The two steps of card_plan_build, for executors that keep the image in
 * host memory (exec_hostq.c): the layout with tok_buf, qkv and att, then
 * the image's contents (img: plan.bytes, zeroed) with addresses from
 * plan.base. The ROPE blocks go to tok_buf, not img. */
fllm_status card_plan_layout(struct exec_card *c);
fllm_status card_plan_fill(struct exec_card *c, uint8_t *img);

/* card_token.c: record the per-token command lists once; run one token. */
fllm_status card_lists_record(struct exec_card *c);
fllm_status card_token_run(struct fllm_exec *ex, const float *x, uint32_t pos, float *logits);

#endif /* FLLM_ENGINE_CARD_EXEC_H */
