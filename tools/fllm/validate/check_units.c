/*
 * Checks "unit_lutgemm", "unit_vector", "unit_attention": each compute unit
 * against the golden model on random shapes. A case is one image of card
 * memory built twice from the same seed, once with addresses from 0 for
 * the golden function on the host, once with the buffer object's card
 * address for the card; the card runs the command(s) on the buffer, and
 * its outputs must equal the golden outputs bit for bit. A mismatch names
 * the command, its shape and the first differing element.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fllm_attention.h"
#include "fllm_cardpack.h"
#include "fllm_lutgemm.h"
#include "fllm_vector.h"

#define UNIT_CASES 12
#define UNIT_CASES_QUICK 4
#define UNIT_IMG_MAX (1u << 20)

/* A random stream for one case (xorshift64). */
static uint64_t unit_rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static uint32_t unit_pick(uint64_t *s, uint32_t lo, uint32_t hi)
{
	return lo + (uint32_t)(unit_rng(s) % (hi - lo + 1));
}

static float unit_f32(uint64_t *s)
{
	return (float)((double)(unit_rng(s) >> 11) / 9007199254740992.0 * 4.0 - 2.0);
}

static uint64_t unit_align(uint64_t x)
{
	return (x + 63) & ~63ull;
}

/*
 * One case's image: `build` writes everything at addresses from base into
 * img (bytes long, zeroed) and names the commands (their parameter blocks'
 * offsets, units) and the output region to compare; `what` describes it.
 */
struct unit_case {
	uint64_t bytes;
	uint32_t n_cmds;
	uint8_t unit[2];		/* FLLM_CU_* of each command */
	uint64_t params[2], params_bytes[2];
	uint64_t out, out_bytes;	/* region compared, offsets */
	char what[160];
};

typedef void (*unit_build_fn)(uint8_t *img, uint64_t base, uint64_t seed,
			      struct unit_case *c);

/* A one-command case: its block (bytes long) at offset 0 of an image of end bytes. */
static void unit_one_cmd(uint8_t *img, struct unit_case *c, uint8_t unit, const void *block,
			 uint64_t bytes, uint64_t end)
{
	memcpy(img, block, bytes);
	c->bytes = end;
	c->n_cmds = 1;
	c->unit[0] = unit;
	c->params[0] = 0;
	c->params_bytes[0] = bytes;
}

/* ---- LUT-GEMM: random records, activations from random fp32 ---- */
static void unit_build_lutgemm(uint8_t *img, uint64_t base, uint64_t seed, struct unit_case *c)
{
	static const uint32_t gs[] = { 16, 32, 64, 128, 256 };
	uint64_t s = seed, at = 256;
	uint32_t g = gs[unit_pick(&s, 0, 4)], m = unit_pick(&s, 1, 96), k = unit_pick(&s, 1, 300);
	uint32_t q = unit_pick(&s, 1, 8), n = unit_pick(&s, 1, 4), slices = unit_pick(&s, 1, 4);
	uint32_t flags = unit_pick(&s, 0, 1) ? FLLM_LUTGEMM_F_OFFSET : 0;
	struct fllm_lutgemm_params p;

	if (slices > m)
		slices = m;
	memset(&p, 0, sizeof(p));
	fllm_lutgemm_params_init(&p, m, k, g, q, flags, n, slices);
	p.act_addr = base + at;
	for (uint32_t t = 0; t < n; t++) {
		float x[300];
		int32_t ex;
		uint16_t msx[300 / 16 + 1];
		int8_t xq[512];

		for (uint32_t i = 0; i < k; i++)
			x[i] = unit_f32(&s);
		fllm_lutgemm_act_quantize(k, g, x, &ex, msx, xq);
		fllm_lutgemm_act_write(img + at + t * p.act_stride, k, g, ex, msx, xq);
	}
	at = unit_align(at + n * p.act_stride);
	c->out = at;
	c->out_bytes = (uint64_t)(n - 1) * p.out_stride + 4ull * m;
	p.out_addr = base + at;
	at = unit_align(at + n * p.out_stride);
	for (uint32_t sl = 0; sl < slices; sl++) {
		uint64_t len = fllm_lutgemm_slice_bytes(&p, sl);

		p.slice_addr[sl] = base + at;
		for (uint64_t i = 0; i < len; i++)	/* every bit pattern is a record */
			img[at + i] = (uint8_t)unit_rng(&s);
		at = unit_align(at + len);
	}
	unit_one_cmd(img, c, FLLM_CU_LUTGEMM, &p, sizeof(p), at);
	snprintf(c->what, sizeof(c->what), "LUTGEMM M=%u K=%u g=%u q=%u N=%u slices=%u offset=%u",
		 m, k, g, q, n, slices, flags ? 1 : 0);
}

/* ---- vector: ADD, SILU_MUL, RMSNORM and COPY with quantized records ---- */
static void unit_build_vector(uint8_t *img, uint64_t base, uint64_t seed, struct unit_case *c)
{
	static const uint32_t ops[] = { FLLM_VECTOR_OP_ADD, FLLM_VECTOR_OP_SILU_MUL,
					FLLM_VECTOR_OP_RMSNORM, FLLM_VECTOR_OP_COPY };
	static const char *const names[] = { "ADD", "SILU_MUL", "RMSNORM", "COPY" };
	uint64_t s = seed, at = 256;
	uint32_t o = unit_pick(&s, 0, 3), op = ops[o], n = unit_pick(&s, 1, 300);
	uint32_t rows = unit_pick(&s, 1, 3), quant = o >= 1 ? FLLM_VECTOR_F_QUANT : 0;
	uint32_t group = quant ? 32 : 0;
	struct fllm_vector_params p;
	float w[300];

	memset(&p, 0, sizeof(p));
	fllm_vector_params_init(&p, op, quant, n, rows, group);
	p.in_addr = base + at;
	for (uint64_t i = 0; i < rows * p.in_stride / 4; i++) {
		float x = unit_f32(&s);

		memcpy(img + at + 4 * i, &x, 4);
	}
	at = unit_align(at + rows * p.in_stride);
	if (op == FLLM_VECTOR_OP_ADD || op == FLLM_VECTOR_OP_SILU_MUL) {
		p.in2_addr = base + at;
		for (uint64_t i = 0; i < rows * p.in2_stride / 4; i++) {
			float x = unit_f32(&s);

			memcpy(img + at + 4 * i, &x, 4);
		}
		at = unit_align(at + rows * p.in2_stride);
	}
	if (op == FLLM_VECTOR_OP_RMSNORM) {
		float eps = 1e-5f;

		for (uint32_t i = 0; i < n; i++)
			w[i] = 1.0f + unit_f32(&s) * 0.1f;
		p.weight_addr = base + at;
		fllm_vector_weight_write(img + at, n, w);
		at = unit_align(at + fllm_vector_weight_bytes(n));
		memcpy(&p.eps, &eps, 4);
	}
	c->out = at;
	c->out_bytes = (uint64_t)(rows - 1) * p.out_stride + fllm_vector_out_row_bytes(&p);
	p.out_addr = base + at;
	at = unit_align(at + rows * p.out_stride);
	unit_one_cmd(img, c, FLLM_CU_VECTOR, &p, sizeof(p), at);
	snprintf(c->what, sizeof(c->what), "VECTOR %s n=%u rows=%u%s", names[o], n, rows,
		 quant ? " quantized" : "");
}

/* ---- attention: APPEND of one token per sequence, then DECODE ---- */
static void unit_build_attention(uint8_t *img, uint64_t base, uint64_t seed,
				 struct unit_case *c)
{
	static const uint32_t hds[] = { 8, 64, 128 }, ratios[] = { 1, 2, 4 };
	uint64_t s = seed, at = 1024, nf;
	uint32_t d = hds[unit_pick(&s, 0, 2)], kh = unit_pick(&s, 1, 2);
	uint32_t nh = kh * ratios[unit_pick(&s, 0, 2)], seqs = unit_pick(&s, 1, 3), bt = 16;
	uint32_t row = nh * d, kvrow = kh * d, blocks = 0;
	uint64_t qst = unit_align(4ull * row), kst = unit_align(4ull * kvrow);
	uint64_t bb = fllm_attention_block_bytes(kh, bt, d), q, k, v, desc, pool, tabs;
	struct fllm_attention_params a, pre;
	uint32_t pos[3];

	for (uint32_t i = 0; i < seqs; i++) {
		pos[i] = unit_pick(&s, 0, 70);
		blocks += fllm_attention_table_need(0, pos[i] + 1, bt);
	}
	q = at;
	at += seqs * qst;
	k = at;
	at += 80 * kst;
	v = at;
	at += 80 * kst;
	for (uint64_t i = q; i < at; i += 4) {
		float x = unit_f32(&s);

		memcpy(img + i, &x, 4);
	}
	desc = at;
	at = unit_align(at + 32ull * seqs);
	tabs = at;
	at = unit_align(at + 4ull * blocks);
	pool = at;
	at = unit_align(at + blocks * bb);
	c->out = at;
	c->out_bytes = (seqs - 1) * qst + 4ull * row;
	at += seqs * qst;
	/* the sequences' earlier positions, cached by a golden APPEND on the host
	 * (k and v rows 0.. of each), then the command descriptors */
	for (uint32_t i = 0, b0 = 0; i < seqs; i++) {
		/* d0 runs on this image by offsets, d1 on the card by addresses */
		struct fllm_attention_seq d0 = { 0, pos[i], 0, 0, tabs + 4ull * b0, 0 };
		struct fllm_attention_seq d1 = { pos[i], 1, i, 0, base + tabs + 4ull * b0, 0 };
		uint32_t need = fllm_attention_table_need(0, pos[i] + 1, bt);

		for (uint32_t b = 0; b < need; b++) {
			uint32_t e = blocks - 1 - (b0 + b);	/* a table running backwards */

			memcpy(img + tabs + 4ull * (b0 + b), &e, 4);
		}
		d0.table_len = d1.table_len = need;
		if (pos[i]) {
			memset(&pre, 0, sizeof(pre));
			fllm_attention_params_init(&pre, FLLM_ATTN_OP_APPEND, 0, 0, d, nh, kh, bt, 1,
						   80, blocks);
			pre.k_addr = k;
			pre.v_addr = v;
			pre.k_stride = pre.v_stride = kst;
			pre.kv_base = pool;
			pre.seq_addr = 768;	/* its own descriptor, below the commands' */
			memcpy(img + 768, &d0, sizeof(d0));
			memcpy(img + 256, &pre, sizeof(pre));
			/* base 0 here: the host image is addressed by offsets */
			fllm_hls_attention_unit(img, at, 256, sizeof(pre), &nf);
		}
		memcpy(img + desc + 32ull * i, &d1, sizeof(d1));
		b0 += need;
	}
	memset(&a, 0, sizeof(a));
	fllm_attention_params_init(&a, FLLM_ATTN_OP_APPEND, 0, 0, d, nh, kh, bt, seqs, 80,
				   blocks);
	a.k_addr = base + k + 75 * kst;	/* rows 75.. as the new tokens */
	a.v_addr = base + v + 75 * kst;
	a.k_stride = a.v_stride = kst;
	a.kv_base = base + pool;
	a.seq_addr = base + desc;
	a.rows = seqs;
	memcpy(img + 256, &a, sizeof(a));
	memset(&a, 0, sizeof(a));
	fllm_attention_params_init(&a, FLLM_ATTN_OP_DECODE, 0, 0, d, nh, kh, bt, seqs, seqs,
				   blocks);
	a.q_addr = base + q;
	a.out_addr = base + c->out;
	a.q_stride = a.out_stride = qst;
	a.kv_base = base + pool;
	a.seq_addr = base + desc;
	memcpy(img + 512, &a, sizeof(a));
	c->bytes = at;
	c->n_cmds = 2;
	c->unit[0] = c->unit[1] = FLLM_CU_ATTENTION;
	c->params[0] = 256;
	c->params[1] = 512;
	c->params_bytes[0] = c->params_bytes[1] = sizeof(a);
	snprintf(c->what, sizeof(c->what), "ATTENTION APPEND+DECODE head_dim=%u heads=%u "
		 "kv_heads=%u sequences=%u positions=%u,%u,%u", d, nh, kh, seqs, pos[0],
		 seqs > 1 ? pos[1] : 0, seqs > 2 ? pos[2] : 0);
}

/* The golden function of unit on host image img. */
static enum fllm_card_err unit_golden(uint8_t unit, uint8_t *img, uint64_t bytes,
				      uint64_t params, uint64_t params_bytes)
{
	uint64_t nf;

	if (unit == FLLM_CU_LUTGEMM)
		return fllm_hls_lutgemm_unit(img, bytes, params, params_bytes);
	if (unit == FLLM_CU_VECTOR)
		return fllm_hls_vector_unit(img, bytes, params, params_bytes, &nf);
	return fllm_hls_attention_unit(img, bytes, params, params_bytes, &nf);
}

/* Record unit's command on the list. */
static fllm_status unit_record(fllm_cmdlist *cl, uint8_t unit, fllm_bo *bo, uint64_t params,
			       uint64_t bytes)
{
	if (unit == FLLM_CU_LUTGEMM)
		return fllm_cmdlist_lutgemm(cl, bo, params, (uint32_t)bytes);
	if (unit == FLLM_CU_VECTOR)
		return fllm_cmdlist_vector(cl, bo, params, (uint32_t)bytes);
	return fllm_cmdlist_attention(cl, bo, params);
}

/* One case: build twice, golden on the host, commands on the card, compare.
 * Returns 0, or -1 after failing res. */
static int unit_case_run(struct val_ctx *ctx, struct val_result *res, unit_build_fn build,
			 uint64_t seed, uint8_t *host, uint8_t *card, uint8_t *back)
{
	struct unit_case c, cc;
	fllm_cmd_result r[2];
	fllm_cmdlist *cl;
	fllm_bo *bo = NULL;
	fllm_status st;
	uint64_t base;

	memset(host, 0, UNIT_IMG_MAX);
	memset(&c, 0, sizeof(c));
	build(host, 0, seed, &c);
	for (uint32_t i = 0; i < c.n_cmds; i++) {
		enum fllm_card_err e = unit_golden(c.unit[i], host, c.bytes, c.params[i],
						   c.params_bytes[i]);

		if (e != FLLM_CARD_OK) {
			val_fail(res, "%s: the golden model refused command %u: card error %d "
				 "(seed %llu)", c.what, i, (int)e, (unsigned long long)seed);
			return -1;
		}
	}
	st = fllm_bo_alloc(ctx->dev, c.bytes, NULL, &bo);
	if (st) {
		val_fail(res, "allocating %llu bytes of card memory: %s",
			 (unsigned long long)c.bytes, fllm_status_str(st));
		return -1;
	}
	base = fllm_bo_card_addr(bo);
	memset(card, 0, UNIT_IMG_MAX);
	memset(&cc, 0, sizeof(cc));
	build(card, base, seed, &cc);
	cl = val_cmdlist_create(ctx, res);
	st = cl ? fllm_bo_write(bo, 0, card, c.bytes) : FLLM_E_NO_MEMORY;
	for (uint32_t i = 0; !st && i < c.n_cmds; i++)
		st = unit_record(cl, c.unit[i], bo, c.params[i], c.params_bytes[i]);
	if (!st)
		st = val_submit_wait(cl, r, c.n_cmds);
	if (!st)
		st = fllm_bo_read(bo, c.out, back, c.out_bytes);
	fllm_cmdlist_free(cl);
	fllm_bo_free(bo);
	if (st) {
		if (cl)
			val_fail(res, "%s: the card failed it: %s", c.what, fllm_status_str(st));
		return -1;
	}
	for (uint64_t i = 0; i + 4 <= c.out_bytes; i += 4) {
		uint32_t a, b;

		memcpy(&a, back + i, 4);
		memcpy(&b, host + c.out + i, 4);
		if (a != b) {
			val_fail(res, "%s (seed %llu): output word %llu (byte %llu): card 0x%08x, "
				 "golden model 0x%08x", c.what, (unsigned long long)seed,
				 (unsigned long long)(i / 4), (unsigned long long)i, a, b);
			return -1;
		}
	}
	return 0;
}

/* Every case of one unit; skipped when the card lists no such unit. */
static void unit_check(struct val_ctx *ctx, struct val_result *res, uint32_t type,
		       unit_build_fn build, uint64_t seed0, const char *name)
{
	uint32_t cases = ctx->quick ? UNIT_CASES_QUICK : UNIT_CASES, have = 0;
	uint8_t *host, *card, *back;

	for (uint32_t i = 0; i < ctx->info.cu_count && i < FLLM_CU_INFO_MAX; i++)
		have |= FLLM_CU_INFO_TYPE(ctx->info.cu_info[i]) == type;
	if (!have) {
		val_skip(res, "the card has no %s unit", name);
		return;
	}
	host = malloc(UNIT_IMG_MAX);
	card = malloc(UNIT_IMG_MAX);
	back = malloc(UNIT_IMG_MAX);
	if (!host || !card || !back) {
		val_fail(res, "out of host memory");
	} else {
		uint32_t i;

		for (i = 0; i < cases; i++)
			if (unit_case_run(ctx, res, build, seed0 + i, host, card, back))
				break;
		if (i == cases)
			val_pass(res, "%u random cases equal the golden model bit for bit",
				 cases);
	}
	free(host);
	free(card);
	free(back);
}

void val_check_unit_lutgemm(struct val_ctx *ctx, struct val_result *res)
{
	unit_check(ctx, res, FLLM_CU_LUTGEMM, unit_build_lutgemm, 0x1000, "LUT-GEMM");
}

void val_check_unit_vector(struct val_ctx *ctx, struct val_result *res)
{
	unit_check(ctx, res, FLLM_CU_VECTOR, unit_build_vector, 0x2000, "vector");
}

void val_check_unit_attention(struct val_ctx *ctx, struct val_result *res)
{
	unit_check(ctx, res, FLLM_CU_ATTENTION, unit_build_attention, 0x3000, "attention");
}
