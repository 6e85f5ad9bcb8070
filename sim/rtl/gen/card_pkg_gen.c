/*
 * Writes the SystemVerilog package fllm_card_pkg to stdout: the parameter
 * blocks' sizes and field offsets (offsetof, sizeof), magics, versions,
 * limits, flags, ops and the card error codes, taken from the card
 * contract (card/include) so that the RTL units carry no copy of their own.
 * Run by sim/rtl/CMakeLists.txt at configure time; the output goes to the
 * build tree and is the first source of every verilate() call.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>

#include "fllm_card.h"
#include "fllm_card_attention.h"
#include "fllm_card_lutgemm.h"
#include "fllm_card_vector.h"

/* localparam int unsigned <name> = <v>; */
static void param(const char *name, unsigned long v)
{
	printf("  localparam int unsigned %s = %lu;\n", name, v);
}

/* A field's byte offset and size as <pfx>_OFF_<FIELD> and <pfx>_SZ_<FIELD>. */
static void field(const char *pfx, const char *name, size_t off, size_t size)
{
	char up[64];
	size_t i;

	for (i = 0; name[i] && i + 1 < sizeof(up); i++)
		up[i] = (char)toupper((unsigned char)name[i]);
	up[i] = 0;
	printf("  localparam int unsigned %s_OFF_%s = %zu;\n", pfx, up, off);
	printf("  localparam int unsigned %s_SZ_%s = %zu;\n", pfx, up, size);
}

#define LG_FIELD(f) field("LG", #f, offsetof(struct fllm_lutgemm_params, f), \
			  sizeof(((struct fllm_lutgemm_params *)0)->f))
#define ATTN_FIELD(f) field("ATTN", #f, offsetof(struct fllm_attention_params, f), \
			    sizeof(((struct fllm_attention_params *)0)->f))
#define ATTN_SEQ_FIELD(f) field("ATTN_SEQ", #f, offsetof(struct fllm_attention_seq, f), \
				sizeof(((struct fllm_attention_seq *)0)->f))
#define VEC_FIELD(f) field("VEC", #f, offsetof(struct fllm_vector_params, f), \
			   sizeof(((struct fllm_vector_params *)0)->f))

int main(void)
{
#define E(x) [FLLM_CARD_##x] = #x
	static const char *const errs[FLLM_CARD_ERR_COUNT] = {
		E(OK), E(ERR_OPCODE), E(ERR_FLAGS), E(ERR_ADDR), E(ERR_ALIGN), E(ERR_SIZE),
		E(ERR_NO_CU), E(ERR_WATCHDOG), E(ERR_HOST_DMA), E(ERR_PARAM), E(ERR_ABORTED),
		E(ERR_RING), E(ERR_INTERNAL),
	};
#undef E
#define OP(x) [FLLM_VECTOR_OP_##x] = #x
	static const char *const ops[FLLM_VECTOR_OP_COUNT] = {
		OP(COPY), OP(DEQUANT), OP(RMSNORM), OP(ROPE), OP(SILU_MUL), OP(ADD),
	};
#undef OP

	printf("// Generated from card/include by sim/rtl/gen/card_pkg_gen.c: do not edit.\n"
	       "// The card contract's numbers for the RTL units (docs/rtl.md).\n"
	       "package fllm_card_pkg;\n"
	       "  /* verilator lint_off UNUSEDPARAM */\n\n");

	printf("  // enum fllm_card_err\n");
	for (unsigned e = 0; e < FLLM_CARD_ERR_COUNT; e++)
		if (errs[e])
			printf("  localparam logic [7:0] CARD_%s = 8'd%u;\n", errs[e], e);

	printf("\n  // struct fllm_lutgemm_params (card/include/fllm_card_lutgemm.h)\n");
	printf("  localparam logic [31:0] LG_MAGIC = 32'h%08x;\n", FLLM_LUTGEMM_MAGIC);
	param("LG_VERSION", FLLM_LUTGEMM_VERSION);
	param("LG_PARAMS_BYTES", sizeof(struct fllm_lutgemm_params));
	LG_FIELD(magic);
	LG_FIELD(version);
	LG_FIELD(m);
	LG_FIELD(k);
	LG_FIELD(group);
	LG_FIELD(planes);
	LG_FIELD(flags);
	LG_FIELD(n_tokens);
	LG_FIELD(slices);
	LG_FIELD(row_bytes);
	LG_FIELD(reserved0);
	LG_FIELD(act_addr);
	LG_FIELD(act_stride);
	LG_FIELD(out_addr);
	LG_FIELD(out_stride);
	LG_FIELD(slice_addr);
	LG_FIELD(reserved);
	param("LG_M_MAX", FLLM_LUTGEMM_M_MAX);
	param("LG_K_MAX", FLLM_LUTGEMM_K_MAX);
	param("LG_N_MAX", FLLM_LUTGEMM_N_MAX);
	param("LG_Q_MAX", FLLM_LUTGEMM_Q_MAX);
	param("LG_G_MIN", FLLM_LUTGEMM_G_MIN);
	param("LG_G_MAX", FLLM_LUTGEMM_G_MAX);
	param("LG_SLICES_MAX", FLLM_LUTGEMM_SLICES_MAX);
	param("LG_F_OFFSET", FLLM_LUTGEMM_F_OFFSET);
	param("LG_F_MASK", FLLM_LUTGEMM_F_MASK);
	param("LG_ALIGN", FLLM_LUTGEMM_ALIGN);
	param("LG_ROW_HDR", FLLM_LUTGEMM_ROW_HDR);
	param("LG_ACT_MSX", FLLM_LUTGEMM_ACT_MSX);

	printf("\n  // struct fllm_vector_params (card/include/fllm_card_vector.h)\n");
	printf("  localparam logic [31:0] VEC_MAGIC = 32'h%08x;\n", FLLM_VECTOR_MAGIC);
	param("VEC_VERSION", FLLM_VECTOR_VERSION);
	param("VEC_PARAMS_BYTES", sizeof(struct fllm_vector_params));
	VEC_FIELD(magic);
	VEC_FIELD(version);
	VEC_FIELD(op);
	VEC_FIELD(flags);
	VEC_FIELD(group);
	VEC_FIELD(n);
	VEC_FIELD(rows);
	VEC_FIELD(head_dim);
	VEC_FIELD(reserved0);
	VEC_FIELD(pos);
	VEC_FIELD(eps);
	VEC_FIELD(in_addr);
	VEC_FIELD(in_stride);
	VEC_FIELD(in2_addr);
	VEC_FIELD(in2_stride);
	VEC_FIELD(out_addr);
	VEC_FIELD(out_stride);
	VEC_FIELD(weight_addr);
	VEC_FIELD(table_addr);
	VEC_FIELD(table_rows);
	VEC_FIELD(reserved1);
	VEC_FIELD(reserved);
	for (unsigned o = 0; o < FLLM_VECTOR_OP_COUNT; o++)
		if (ops[o])
			printf("  localparam logic [7:0] VEC_OP_%s = 8'd%u;\n", ops[o], o);
	param("VEC_N_MAX", FLLM_VECTOR_N_MAX);
	param("VEC_ROWS_MAX", FLLM_VECTOR_ROWS_MAX);
	param("VEC_HEAD_DIM_MAX", FLLM_VECTOR_HEAD_DIM_MAX);
	param("VEC_F_QUANT", FLLM_VECTOR_F_QUANT);
	param("VEC_F_MASK", FLLM_VECTOR_F_MASK);
	param("VEC_ALIGN", FLLM_VECTOR_ALIGN);
	param("VEC_WEIGHT_HDR", FLLM_VECTOR_WEIGHT_HDR);

	printf("\n  // struct fllm_attention_params (card/include/fllm_card_attention.h)\n");
	printf("  localparam logic [31:0] ATTN_MAGIC = 32'h%08x;\n", FLLM_ATTN_MAGIC);
	param("ATTN_VERSION", FLLM_ATTN_VERSION);
	param("ATTN_PARAMS_BYTES", sizeof(struct fllm_attention_params));
	ATTN_FIELD(magic);
	ATTN_FIELD(version);
	ATTN_FIELD(op);
	ATTN_FIELD(flags);
	ATTN_FIELD(head_dim);
	ATTN_FIELD(n_heads);
	ATTN_FIELD(n_kv_heads);
	ATTN_FIELD(block_tokens);
	ATTN_FIELD(group);
	ATTN_FIELD(n_seqs);
	ATTN_FIELD(scale_m);
	ATTN_FIELD(scale_e);
	ATTN_FIELD(q_addr);
	ATTN_FIELD(q_stride);
	ATTN_FIELD(k_addr);
	ATTN_FIELD(k_stride);
	ATTN_FIELD(v_addr);
	ATTN_FIELD(v_stride);
	ATTN_FIELD(out_addr);
	ATTN_FIELD(out_stride);
	ATTN_FIELD(kv_base);
	ATTN_FIELD(block_bytes);
	ATTN_FIELD(pool_blocks);
	ATTN_FIELD(seq_addr);
	ATTN_FIELD(rows);
	ATTN_FIELD(reserved1);
	ATTN_FIELD(reserved);
	param("ATTN_SEQ_BYTES", sizeof(struct fllm_attention_seq));
	ATTN_SEQ_FIELD(pos);
	ATTN_SEQ_FIELD(n_tokens);
	ATTN_SEQ_FIELD(row);
	ATTN_SEQ_FIELD(table_len);
	ATTN_SEQ_FIELD(table_addr);
	ATTN_SEQ_FIELD(reserved);
	printf("  localparam logic [7:0] ATTN_OP_APPEND = 8'd%u;\n", FLLM_ATTN_OP_APPEND);
	printf("  localparam logic [7:0] ATTN_OP_DECODE = 8'd%u;\n", FLLM_ATTN_OP_DECODE);
	printf("  localparam logic [7:0] ATTN_OP_PREFILL = 8'd%u;\n", FLLM_ATTN_OP_PREFILL);
	param("ATTN_HEAD_DIM_MAX", FLLM_ATTN_HEAD_DIM_MAX);
	param("ATTN_HEAD_DIM_STEP", FLLM_ATTN_HEAD_DIM_STEP);
	param("ATTN_HEADS_MAX", FLLM_ATTN_HEADS_MAX);
	param("ATTN_SEQS_MAX", FLLM_ATTN_SEQS_MAX);
	param("ATTN_CHUNK_MAX", FLLM_ATTN_CHUNK_MAX);
	param("ATTN_ROWS_MAX", FLLM_ATTN_ROWS_MAX);
	param("ATTN_CTX_MAX", FLLM_ATTN_CTX_MAX);
	param("ATTN_TILE", FLLM_ATTN_TILE);
	param("ATTN_BLOCK_MIN", FLLM_ATTN_BLOCK_MIN);
	param("ATTN_BLOCK_MAX", FLLM_ATTN_BLOCK_MAX);
	param("ATTN_TABLE_MAX", FLLM_ATTN_TABLE_MAX);
	param("ATTN_ALIGN", FLLM_ATTN_ALIGN);
	param("ATTN_SCALE_E_MAX", FLLM_ATTN_SCALE_E_MAX);
	param("ATTN_SCALE_BYTES", FLLM_ATTN_SCALE_BYTES);
	param("ATTN_F_QUANT", FLLM_ATTN_F_QUANT);
	param("ATTN_F_MASK", FLLM_ATTN_F_MASK);

	printf("\n  /* verilator lint_on UNUSEDPARAM */\nendpackage\n");
	return ferror(stdout) ? 1 : 0;
}
