/*
 * The built-in kernels: one per compute-unit operation, each with the
 * argument list of docs/opencl.md. A launch checks the arguments, writes the
 * unit's parameter block (card/include/fllm_card_*.h) into the queue's
 * parameter buffer with the card addresses of the argument buffers, and runs
 * one unit command through the runtime's command list.
 */
#include <stdlib.h>
#include <string.h>

#include "fllm_card.h"
#include "fllm_cardpack.h"
#include "fllm_lutgemm.h"
#include "fllm_vector.h"
#include "ocl_internal.h"

#define IN_U8(nm, r) { nm, "uchar*", OCL_ARG_MEM_IN, r }
#define IN_F32(nm, r) { nm, "float*", OCL_ARG_MEM_IN, r }
#define OUT_U8(nm) { nm, "uchar*", OCL_ARG_MEM_OUT, OCL_R_OUT }
#define OUT_F32(nm) { nm, "float*", OCL_ARG_MEM_OUT, OCL_R_OUT }
#define UINT(nm, r) { nm, "uint", OCL_ARG_UINT, r }
#define SEQS { "seqs", "uchar*", OCL_ARG_MEM_IN, OCL_R_SEQS }
#define TABLES { "tables", "uint*", OCL_ARG_MEM_IN, OCL_R_TABLES }
/* the attention ops that read q and the cache */
#define ATTEND(nm, op) { nm, FLLM_CU_ATTENTION, op, 14, {			\
		IN_F32("q", OCL_R_IN), IN_U8("kv_pool", OCL_R_AUX), SEQS, TABLES,	\
		OUT_U8("out"), UINT("head_dim", OCL_R_HEAD_DIM),			\
		UINT("n_heads", OCL_R_N_HEADS), UINT("n_kv_heads", OCL_R_N_KV_HEADS),	\
		UINT("block_tokens", OCL_R_BLOCK_TOKENS), UINT("n_seqs", OCL_R_N_SEQS),	\
		UINT("rows", OCL_R_ROWS), UINT("pool_blocks", OCL_R_POOL_BLOCKS),	\
		UINT("flags", OCL_R_FLAGS), UINT("group", OCL_R_GROUP) } }

static const struct ocl_builtin ocl_builtins[] = {
	{ "fllm_lutgemm", FLLM_CU_LUTGEMM, 0, 9, {
		IN_U8("weights", OCL_R_AUX), IN_U8("act", OCL_R_IN), OUT_F32("out"),
		UINT("m", OCL_R_M), UINT("k", OCL_R_K), UINT("group", OCL_R_GROUP),
		UINT("planes", OCL_R_PLANES), UINT("flags", OCL_R_FLAGS),
		UINT("n_tokens", OCL_R_NTOK) } },
	{ "fllm_vector_copy", FLLM_CU_VECTOR, FLLM_VECTOR_OP_COPY, 6, {
		IN_F32("in", OCL_R_IN), OUT_U8("out"), UINT("n", OCL_R_N),
		UINT("rows", OCL_R_ROWS), UINT("flags", OCL_R_FLAGS),
		UINT("group", OCL_R_GROUP) } },
	{ "fllm_vector_dequant", FLLM_CU_VECTOR, FLLM_VECTOR_OP_DEQUANT, 5, {
		IN_U8("in", OCL_R_IN), OUT_F32("out"), UINT("n", OCL_R_N),
		UINT("rows", OCL_R_ROWS), UINT("group", OCL_R_GROUP) } },
	{ "fllm_vector_rmsnorm", FLLM_CU_VECTOR, FLLM_VECTOR_OP_RMSNORM, 8, {
		IN_F32("in", OCL_R_IN), IN_U8("weight", OCL_R_AUX), OUT_U8("out"),
		UINT("n", OCL_R_N), UINT("rows", OCL_R_ROWS), UINT("flags", OCL_R_FLAGS),
		UINT("group", OCL_R_GROUP),
		{ "eps", "float", OCL_ARG_FLOAT, OCL_R_EPS } } },
	{ "fllm_vector_rope", FLLM_CU_VECTOR, FLLM_VECTOR_OP_ROPE, 8, {
		IN_F32("in", OCL_R_IN), IN_U8("table", OCL_R_AUX), OUT_F32("out"),
		UINT("n", OCL_R_N), UINT("rows", OCL_R_ROWS),
		UINT("head_dim", OCL_R_HEAD_DIM), UINT("pos", OCL_R_POS),
		UINT("table_rows", OCL_R_TABLE_ROWS) } },
	{ "fllm_vector_silu_mul", FLLM_CU_VECTOR, FLLM_VECTOR_OP_SILU_MUL, 7, {
		IN_F32("gate", OCL_R_IN), IN_F32("up", OCL_R_IN2), OUT_U8("out"),
		UINT("n", OCL_R_N), UINT("rows", OCL_R_ROWS), UINT("flags", OCL_R_FLAGS),
		UINT("group", OCL_R_GROUP) } },
	{ "fllm_vector_add", FLLM_CU_VECTOR, FLLM_VECTOR_OP_ADD, 5, {
		IN_F32("in", OCL_R_IN), IN_F32("in2", OCL_R_IN2), OUT_F32("out"),
		UINT("n", OCL_R_N), UINT("rows", OCL_R_ROWS) } },
	{ "fllm_attention_append", FLLM_CU_ATTENTION, FLLM_ATTN_OP_APPEND, 11, {
		IN_F32("k", OCL_R_IN), IN_F32("v", OCL_R_IN2),
		{ "kv_pool", "uchar*", OCL_ARG_MEM_OUT, OCL_R_AUX }, SEQS, TABLES,
		UINT("head_dim", OCL_R_HEAD_DIM), UINT("n_kv_heads", OCL_R_N_KV_HEADS),
		UINT("block_tokens", OCL_R_BLOCK_TOKENS), UINT("n_seqs", OCL_R_N_SEQS),
		UINT("rows", OCL_R_ROWS), UINT("pool_blocks", OCL_R_POOL_BLOCKS) } },
	ATTEND("fllm_attention_decode", FLLM_ATTN_OP_DECODE),
	ATTEND("fllm_attention_prefill", FLLM_ATTN_OP_PREFILL),
};

#define OCL_N_BUILTINS (sizeof(ocl_builtins) / sizeof(ocl_builtins[0]))

const struct ocl_builtin *ocl_builtin_find(const char *name, size_t len)
{
	for (size_t i = 0; i < OCL_N_BUILTINS; i++)
		if (strlen(ocl_builtins[i].name) == len && !memcmp(ocl_builtins[i].name, name, len))
			return &ocl_builtins[i];
	return NULL;
}

int ocl_builtin_on_device(const struct ocl_builtin *bi, cl_device_id d)
{
	for (uint32_t i = 0; i < d->info.cu_count && i < FLLM_CU_INFO_MAX; i++)
		if (FLLM_CU_INFO_TYPE(d->info.cu_info[i]) == bi->cu_type)
			return 1;
	return 0;
}

void ocl_builtin_names(cl_device_id d, char *buf, size_t cap)
{
	size_t len = 0;

	buf[0] = 0;
	for (size_t i = 0; i < OCL_N_BUILTINS; i++) {
		size_t n = strlen(ocl_builtins[i].name);

		if (!ocl_builtin_on_device(&ocl_builtins[i], d) || len + n + 2 > cap)
			continue;
		if (len)
			buf[len++] = ';';
		memcpy(buf + len, ocl_builtins[i].name, n + 1);
		len += n;
	}
}

/* The buffer for role r holds at least need bytes. */
static int holds(const struct ocl_launch *l, enum ocl_role r, uint64_t need)
{
	return l->mem[r] && l->mem[r]->size >= need;
}

static uint64_t addr(const struct ocl_launch *l, enum ocl_role r)
{
	return l->mem[r] ? fllm_bo_card_addr(l->mem[r]->bo) : 0;
}

/* Upload the block and run one unit command (q->lock held). */
static cl_int run_block(cl_command_queue q, const void *block, uint32_t bytes, uint32_t cu)
{
	fllm_status st;

	st = fllm_bo_write(q->params, 0, block, bytes);
	if (st)
		return ocl_status_err(st);
	fllm_cmdlist_reset(q->cl);
	if (cu == FLLM_CU_LUTGEMM)
		st = fllm_cmdlist_lutgemm(q->cl, q->params, 0, bytes);
	else if (cu == FLLM_CU_VECTOR)
		st = fllm_cmdlist_vector(q->cl, q->params, 0, bytes);
	else
		st = fllm_cmdlist_attention(q->cl, q->params, 0);
	if (st)
		return ocl_status_err(st);
	return ocl_queue_run(q, NULL);
}

/* LUT-GEMM: one slice, records packed at the smallest strides. */
static cl_int run_lutgemm(cl_command_queue q, const struct ocl_launch *l)
{
	struct fllm_lutgemm_params p;
	const uint32_t *v = l->v;

	if (fllm_lutgemm_params_init(&p, v[OCL_R_M], v[OCL_R_K], v[OCL_R_GROUP],
				     v[OCL_R_PLANES], v[OCL_R_FLAGS], v[OCL_R_NTOK], 1))
		return CL_INVALID_KERNEL_ARGS;
	if (!holds(l, OCL_R_AUX, (uint64_t)p.m * p.row_bytes) ||
	    !holds(l, OCL_R_IN, (p.n_tokens - 1) * p.act_stride +
				    fllm_lutgemm_act_bytes(p.k, p.group)) ||
	    !holds(l, OCL_R_OUT, (p.n_tokens - 1) * p.out_stride + 4ull * p.m))
		return CL_INVALID_KERNEL_ARGS;
	p.slice_addr[0] = addr(l, OCL_R_AUX);
	p.act_addr = addr(l, OCL_R_IN);
	p.out_addr = addr(l, OCL_R_OUT);
	if (fllm_lutgemm_params_check(&p, q->device->info.mem_size))
		return CL_INVALID_KERNEL_ARGS;
	return run_block(q, &p, sizeof(p), FLLM_CU_LUTGEMM);
}

/* Vector ops: rows at the smallest strides; checked as the unit checks. */
static cl_int run_vector(cl_command_queue q, const struct ocl_builtin *bi,
			 const struct ocl_launch *l)
{
	struct fllm_vector_params p;
	const uint32_t *v = l->v;
	uint32_t group = (bi->op == FLLM_VECTOR_OP_DEQUANT ||
			  (v[OCL_R_FLAGS] & FLLM_VECTOR_F_QUANT)) ? v[OCL_R_GROUP] : 0;

	if (fllm_vector_params_init(&p, bi->op, v[OCL_R_FLAGS], v[OCL_R_N], v[OCL_R_ROWS], group))
		return CL_INVALID_KERNEL_ARGS;
	if (!holds(l, OCL_R_IN, (p.rows - 1) * p.in_stride + fllm_vector_in_row_bytes(&p)) ||
	    !holds(l, OCL_R_OUT, (p.rows - 1) * p.out_stride + fllm_vector_out_row_bytes(&p)))
		return CL_INVALID_KERNEL_ARGS;
	p.in_addr = addr(l, OCL_R_IN);
	p.out_addr = addr(l, OCL_R_OUT);
	if (fllm_vector_uses_in2(p.op)) {
		if (!holds(l, OCL_R_IN2, (p.rows - 1) * p.in2_stride + 4ull * p.n))
			return CL_INVALID_KERNEL_ARGS;
		p.in2_addr = addr(l, OCL_R_IN2);
	}
	if (p.op == FLLM_VECTOR_OP_RMSNORM) {
		if (!holds(l, OCL_R_AUX, fllm_vector_weight_bytes(p.n)))
			return CL_INVALID_KERNEL_ARGS;
		p.weight_addr = addr(l, OCL_R_AUX);
		p.eps = v[OCL_R_EPS];
	}
	if (p.op == FLLM_VECTOR_OP_ROPE) {
		if (v[OCL_R_HEAD_DIM] > FLLM_VECTOR_HEAD_DIM_MAX ||
		    !holds(l, OCL_R_AUX, (uint64_t)v[OCL_R_TABLE_ROWS] *
						 fllm_vector_rope_row_bytes(v[OCL_R_HEAD_DIM])))
			return CL_INVALID_KERNEL_ARGS;
		p.head_dim = (uint16_t)v[OCL_R_HEAD_DIM];
		p.pos = v[OCL_R_POS];
		p.table_rows = v[OCL_R_TABLE_ROWS];
		p.table_addr = addr(l, OCL_R_AUX);
	}
	if (fllm_vector_params_check(&p, q->device->info.mem_size))
		return CL_INVALID_KERNEL_ARGS;
	return run_block(q, &p, sizeof(p), FLLM_CU_VECTOR);
}

/*
 * The caller's sequence descriptors name their block tables by byte offset
 * into the tables buffer; the card's name them by card address. Copy them
 * next to the parameter block with the addresses filled in.
 */
static cl_int attention_seqs(cl_command_queue q, const struct ocl_launch *l, uint32_t n_seqs,
			     uint64_t *seq_addr)
{
	struct fllm_attention_seq *s = calloc(n_seqs, sizeof(*s));	/* (n_seqs) */
	uint64_t tables = addr(l, OCL_R_TABLES);
	cl_int err = CL_SUCCESS;
	fllm_status st;

	if (!s)
		return CL_OUT_OF_HOST_MEMORY;
	st = fllm_bo_read(l->mem[OCL_R_SEQS]->bo, 0, s, (uint64_t)n_seqs * sizeof(*s));
	if (st)
		err = ocl_status_err(st);
	for (uint32_t i = 0; !err && i < n_seqs; i++) {
		uint64_t off = s[i].table_addr, len = 4ull * s[i].table_len;

		if (!l->mem[OCL_R_TABLES] || (off & 3) || off > l->mem[OCL_R_TABLES]->size ||
		    len > l->mem[OCL_R_TABLES]->size - off)
			err = CL_INVALID_KERNEL_ARGS;
		s[i].table_addr = tables + off;
	}
	if (!err)
		err = ocl_status_err(fllm_bo_write(q->params, OCL_PARAMS_SEQS, s,
						   (uint64_t)n_seqs * sizeof(*s)));
	*seq_addr = fllm_bo_card_addr(q->params) + OCL_PARAMS_SEQS;
	free(s);
	return err;
}

/* Attention: APPEND fills the pool from k, v; DECODE and PREFILL read it for q. */
static cl_int run_attention(cl_command_queue q, const struct ocl_builtin *bi,
			    const struct ocl_launch *l)
{
	struct fllm_attention_params p;
	const uint32_t *v = l->v;
	int attends = fllm_attention_op_attends(bi->op);
	uint32_t n_heads = attends ? v[OCL_R_N_HEADS] : v[OCL_R_N_KV_HEADS];
	uint32_t flags = attends ? v[OCL_R_FLAGS] : 0;
	uint32_t group = (flags & FLLM_ATTN_F_QUANT) ? v[OCL_R_GROUP] : 0;
	uint64_t hrow, krow;
	cl_int err;

	if (v[OCL_R_N_SEQS] > FLLM_ATTN_SEQS_MAX ||
	    fllm_attention_params_init(&p, bi->op, flags, group, v[OCL_R_HEAD_DIM], n_heads,
				       v[OCL_R_N_KV_HEADS], v[OCL_R_BLOCK_TOKENS],
				       v[OCL_R_N_SEQS], v[OCL_R_ROWS], v[OCL_R_POOL_BLOCKS]))
		return CL_INVALID_KERNEL_ARGS;
	hrow = 4ull * p.n_heads * p.head_dim;
	krow = 4ull * p.n_kv_heads * p.head_dim;
	if (!holds(l, OCL_R_AUX, (uint64_t)p.pool_blocks * p.block_bytes) ||
	    !holds(l, OCL_R_SEQS, (uint64_t)p.n_seqs * sizeof(struct fllm_attention_seq)))
		return CL_INVALID_KERNEL_ARGS;
	if (attends && (!holds(l, OCL_R_IN, (p.rows - 1) * p.q_stride + hrow) ||
			!holds(l, OCL_R_OUT, (p.rows - 1) * p.out_stride +
						     fllm_attention_out_row_bytes(&p))))
		return CL_INVALID_KERNEL_ARGS;
	if (!attends && (!holds(l, OCL_R_IN, (p.rows - 1) * p.k_stride + krow) ||
			 !holds(l, OCL_R_IN2, (p.rows - 1) * p.v_stride + krow)))
		return CL_INVALID_KERNEL_ARGS;
	p.kv_base = addr(l, OCL_R_AUX);
	if (attends) {
		p.q_addr = addr(l, OCL_R_IN);
		p.out_addr = addr(l, OCL_R_OUT);
	} else {
		p.k_addr = addr(l, OCL_R_IN);
		p.v_addr = addr(l, OCL_R_IN2);
	}
	err = attention_seqs(q, l, p.n_seqs, &p.seq_addr);
	if (err)
		return err;
	return run_block(q, &p, sizeof(p), FLLM_CU_ATTENTION);
}

cl_int ocl_builtin_run(cl_command_queue q, const struct ocl_builtin *bi,
		       const struct ocl_launch *l)
{
	if (!ocl_builtin_on_device(bi, q->device))
		return CL_INVALID_KERNEL;
	if (bi->cu_type == FLLM_CU_LUTGEMM)
		return run_lutgemm(q, l);
	if (bi->cu_type == FLLM_CU_ATTENTION)
		return run_attention(q, bi, l);
	return run_vector(q, bi, l);
}
