/* Random vector-unit commands in a card-memory image (see vector_case.h). */
#include "vector_case.h"

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fllm_cardpack.h"
#include "vector_ref.h"

static float from_bits(uint32_t b)
{
	float v;

	memcpy(&v, &b, 4);
	return v;
}

/* One input value of distribution d; scale is the row's magnitude for VC_NORMAL. */
static float draw(uint64_t *rng, enum vcase_dist d, double scale)
{
	static const uint32_t special[] = {
		0x7f800000u, 0xff800000u, 0x7fc00000u, 0xffc00001u, 0x7f800001u, 0x7f7fffffu,
		0xff7fffffu, 0x00000000u, 0x80000000u, 0x00800000u, 0x00000001u, 0x807fffffu,
		0x3f800000u, 0xbf800000u,
	};
	double u = 0;

	switch (d) {
	case VC_WIDE:
		if (fllm_rng_next(rng) % 5 == 0)
			return fllm_rng_next(rng) & 1 ? -0.0f : 0.0f;
		return from_bits((uint32_t)(fllm_rng_next(rng) % 255) << 23 |
				 (uint32_t)(fllm_rng_next(rng) & 0x807fffffu));
	case VC_SPECIAL:
		if (fllm_rng_next(rng) & 1)
			return from_bits(special[fllm_rng_next(rng) % (sizeof(special) / 4)]);
		break;
	case VC_ZERO:
		return fllm_rng_next(rng) & 1 ? -0.0f : 0.0f;
	default:
		break;
	}
	for (int i = 0; i < 4; i++)
		u += test_rng_unit(rng);
	return (float)((u - 2.0) * 1.7 * scale);
}

/* Next free 64-aligned address after len bytes at *at, with a random gap. */
static uint64_t place(uint64_t *at, uint64_t len, uint64_t *rng)
{
	uint64_t a = *at;

	*at = fllm_lutgemm_align(a + len) + 64 * (fllm_rng_next(rng) % 3);
	return a;
}

/* fp32 rows of region (addr, stride) filled from distribution d. */
static void fill_rows(struct vcase *c, uint64_t addr, uint64_t stride, enum vcase_dist d,
		      double scale, uint64_t *rng)
{
	for (uint32_t r = 0; r < c->p.rows; r++)
		for (uint32_t i = 0; i < c->p.n; i++) {
			float v = draw(rng, d, scale);

			memcpy(c->mem + addr + r * stride + 4ull * i, &v, 4);
		}
}

/* Weight record: encoded from weights in +-[0.3, 3], or raw fields for VC_WIDE. */
static void fill_weight(struct vcase *c, enum vcase_dist d, uint64_t *rng)
{
	uint8_t *rec = c->mem + c->p.weight_addr;
	float *w;
	int32_t ew;

	if (d == VC_WIDE) {
		ew = (int32_t)(fllm_rng_next(rng) % 601) - 300;
		memcpy(rec, &ew, 4);
		for (uint32_t i = 0; i < c->p.n; i++) {
			uint16_t v = (uint16_t)fllm_rng_next(rng);

			memcpy(rec + 64 + 2 * i, &v, 2);
		}
		return;
	}
	w = malloc(c->p.n * sizeof(*w));
	if (!w)
		abort();
	for (uint32_t i = 0; i < c->p.n; i++)
		w[i] = (float)((0.3 + 2.7 * test_rng_unit(rng)) * (fllm_rng_next(rng) % 8 ? 1 : -1));
	if (fllm_vector_weight_write(rec, c->p.n, w) != FLLM_CARD_OK)
		abort();
	free(w);
}

/* RoPE table from the encoder (theta 10000), or raw int32 entries for VC_WIDE. */
static void fill_table(struct vcase *c, enum vcase_dist d, uint64_t *rng)
{
	uint64_t bytes = (uint64_t)c->p.table_rows * fllm_vector_rope_row_bytes(c->p.head_dim);

	if (d != VC_WIDE) {
		if (fllm_vector_rope_table_write(c->mem + c->p.table_addr, c->p.table_rows,
						 c->p.head_dim, 10000.0) != FLLM_CARD_OK)
			abort();
		return;
	}
	for (uint64_t i = 0; i < bytes; i++)
		c->mem[c->p.table_addr + i] = (uint8_t)fllm_rng_next(rng);
}

/* DEQUANT input records: random bytes, ex limited unless VC_WIDE. */
static void fill_records(struct vcase *c, enum vcase_dist d, uint64_t *rng)
{
	uint64_t bytes = fllm_lutgemm_act_bytes(c->p.n, c->p.group);

	for (uint32_t r = 0; r < c->p.rows; r++) {
		uint8_t *rec = c->mem + c->p.in_addr + r * c->p.in_stride;
		int32_t ex = (int32_t)(fllm_rng_next(rng) % 301) - 150;

		for (uint64_t i = 0; i < bytes; i++)
			rec[i] = d == VC_ZERO ? 0 : (uint8_t)fllm_rng_next(rng);
		if (d != VC_WIDE)
			memcpy(rec, &ex, 4);
	}
}

void vcase_store_params(struct vcase *c)
{
	memcpy(c->mem + c->p_addr, &c->p, sizeof(c->p));
}

int vcase_make(struct vcase *c, uint32_t op, uint32_t flags, uint32_t n, uint32_t rows,
	       uint32_t group, uint32_t head_dim, enum vcase_dist d, int in_place,
	       uint64_t seed)
{
	uint64_t rng = seed, at = 256, in_len, out_len;
	double scale = ldexp(1.0, (int)(fllm_rng_next(&rng) % 25) - 12);
	struct fllm_vector_params *p = &c->p;
	uint32_t use_group = op == FLLM_VECTOR_OP_DEQUANT || (flags & FLLM_VECTOR_F_QUANT);

	memset(c, 0, sizeof(*c));
	if (fllm_vector_params_init(p, op, flags, n, rows, use_group ? group : 0) != FLLM_CARD_OK)
		return -1;
	p->in_stride += 64 * (fllm_rng_next(&rng) % 2);
	p->out_stride += 64 * (fllm_rng_next(&rng) % 2);
	if (p->in2_stride)
		p->in2_stride += 64 * (fllm_rng_next(&rng) % 2);
	if (op == FLLM_VECTOR_OP_ROPE) {
		p->head_dim = (uint16_t)head_dim;
		p->pos = (uint32_t)(fllm_rng_next(&rng) % 600);
		p->table_rows = p->pos + rows + (uint32_t)(fllm_rng_next(&rng) % 3);
	}
	if (op == FLLM_VECTOR_OP_RMSNORM) {
		float eps = d == VC_WIDE ? fabsf(draw(&rng, VC_WIDE, 1)) :
			fllm_rng_next(&rng) % 4 ? 1e-5f : 0.0f;

		memcpy(&p->eps, &eps, 4);
	}
	in_len = (uint64_t)(rows - 1) * p->in_stride + p->in_stride;
	out_len = (uint64_t)(rows - 1) * p->out_stride + p->out_stride;
	p->in_addr = place(&at, in_len, &rng);
	if (p->in2_stride)
		p->in2_addr = place(&at, (uint64_t)rows * p->in2_stride, &rng);
	if (in_place && op != FLLM_VECTOR_OP_DEQUANT && !(flags & FLLM_VECTOR_F_QUANT)) {
		p->out_stride = p->in_stride;
		p->out_addr = p->in_addr;
	} else {
		p->out_addr = place(&at, out_len, &rng);
	}
	if (op == FLLM_VECTOR_OP_RMSNORM)
		p->weight_addr = place(&at, fllm_vector_weight_bytes(n), &rng);
	if (op == FLLM_VECTOR_OP_ROPE)
		p->table_addr = place(&at, (uint64_t)p->table_rows *
					   fllm_vector_rope_row_bytes(head_dim), &rng);
	c->mem_bytes = at + 256;
	c->mem = malloc(c->mem_bytes);
	if (!c->mem)
		abort();
	for (uint64_t i = 0; i < c->mem_bytes; i++)
		c->mem[i] = (uint8_t)fllm_rng_next(&rng);
	if (op == FLLM_VECTOR_OP_DEQUANT)
		fill_records(c, d, &rng);
	else
		fill_rows(c, p->in_addr, p->in_stride, d,
			  op == FLLM_VECTOR_OP_SILU_MUL ? ldexp(1.0, (int)(fllm_rng_next(&rng) % 7) - 2) :
			  scale, &rng);
	if (p->in2_stride)
		fill_rows(c, p->in2_addr, p->in2_stride, d, scale, &rng);
	if (op == FLLM_VECTOR_OP_RMSNORM)
		fill_weight(c, d, &rng);
	if (op == FLLM_VECTOR_OP_ROPE)
		fill_table(c, d, &rng);
	vcase_store_params(c);
	return fllm_vector_params_check(p, c->mem_bytes) == FLLM_CARD_OK ? 0 : -1;
}

int vcase_sweep_make(struct vcase *c, uint32_t op, uint32_t flags, uint64_t seed, uint32_t s,
		     uint32_t d, uint64_t *case_seed)
{
	/* 1 and the stories260K sizes among them */
	static const uint32_t sizes[VCASE_SWEEP_SIZES] = { 1, 2, 7, 16, 63, 64, 65, 172, 256,
							   1000, 4096 };
	static const uint32_t groups[] = { 16, 32, 64, 128, 256 };
	uint64_t sd = seed * 1000003 + s * 101 + d;
	uint32_t n = sizes[s % VCASE_SWEEP_SIZES], rows = 1 + (uint32_t)(sd % 3);
	uint32_t g = groups[sd % 5], hd = 0;

	if (op == FLLM_VECTOR_OP_ROPE) {
		hd = n == 1 ? 2 : n % 8 == 0 ? 8 : 2;
		if (n % 128 == 0 && sd % 2)
			hd = 128;
		n = n % 2 ? n + 1 : n;
	}
	*case_seed = sd;
	return vcase_make(c, op, flags, n, rows, g, hd, (enum vcase_dist)d, (int)(sd % 4 == 1),
			  sd);
}

void vcase_free(struct vcase *c)
{
	free(c->mem);
	c->mem = NULL;
}

/* Print the first differing fp32 word around byte i of the images. */
static void report(const struct vcase *c, const uint8_t *got, const uint8_t *want, uint64_t i,
		   const char *what)
{
	uint64_t w = i & ~3ull;
	uint32_t a, b;

	memcpy(&a, got + w, 4);
	memcpy(&b, want + w, 4);
	printf("\n  %s: op %u flags %u n %u rows %u: first difference at byte %" PRIu64
	       " (out at %" PRIu64 "): kernel 0x%08x (%g) reference 0x%08x (%g)\n",
	       what, c->p.op, c->p.flags, c->p.n, c->p.rows, i, c->p.out_addr, a,
	       (double)from_bits(a), b, (double)from_bits(b));
}

int vcase_compare(const struct vcase *c, const char *what)
{
	uint8_t *a = malloc(c->mem_bytes), *b = malloc(c->mem_bytes);
	uint64_t nf_k = ~0ull, nf_r;
	enum fllm_card_err err;
	int bad = 0;

	if (!a || !b)
		abort();
	memcpy(a, c->mem, c->mem_bytes);
	memcpy(b, c->mem, c->mem_bytes);
	err = fllm_hls_vector_unit(a, c->mem_bytes, c->p_addr, sizeof(c->p), &nf_k);
	nf_r = vref_run(&c->p, b);
	if (err != FLLM_CARD_OK) {
		printf("\n  %s: kernel rejected the block: %d\n", what, err);
		bad = 1;
	} else if (nf_k != nf_r) {
		printf("\n  %s: non-finite count kernel %" PRIu64 " reference %" PRIu64 "\n", what,
		       nf_k, nf_r);
		bad = 1;
	}
	for (uint64_t i = 0; i < c->mem_bytes && !bad; i++)
		if (a[i] != b[i]) {
			report(c, a, b, i, what);
			bad = 1;
		}
	free(a);
	free(b);
	return bad;
}
