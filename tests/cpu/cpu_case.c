/* LUT-GEMM test problems: see cpu_case.h. */
#include "cpu_case.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fllm_cardpack.h"

/* Uniform integer in [lo, hi]. */
static int64_t rand_range(uint64_t *st, int64_t lo, int64_t hi)
{
	return lo + (int64_t)(fllm_rng_next(st) % (uint64_t)(hi - lo + 1));
}

/* A per-group shift: mostly small, sometimes up to 62, sometimes above (clamped). */
static uint8_t rand_shift(uint64_t *st)
{
	uint64_t r = fllm_rng_next(st) % 10;

	if (r < 7)
		return (uint8_t)rand_range(st, 0, 4);
	if (r < 9)
		return (uint8_t)rand_range(st, 5, 62);
	return (uint8_t)rand_range(st, 63, 255);
}

/* Card-form fields of one row for fill; rows of CPU_FILL_FP32 go through the packer. */
static void fill_row_fields(const struct cpu_case *c, enum cpu_fill fill, uint64_t *st,
			    int16_t *e_row, uint8_t *d /* (G) */, int16_t *zq /* (G) */,
			    int16_t *a /* (G, q) */, uint8_t *bits /* (q, k) */, int pattern)
{
	uint32_t q = c->s.q, k = c->s.k;

	if (fill == CPU_FILL_EXTREME || fill == CPU_FILL_PEAK) {
		*e_row = (int16_t)rand_range(st, 40, 60);
		for (uint32_t grp = 0; grp < c->groups; grp++) {
			d[grp] = 0;
			zq[grp] = pattern ? -32768 : (int16_t)(fllm_rng_next(st) & 1 ? 32767 : -32768);
			for (uint32_t i = 0; i < q; i++)
				a[grp * q + i] = pattern ? -32768 :
						 (int16_t)(fllm_rng_next(st) & 1 ? 32767 : -32768);
		}
		for (uint32_t i = 0; i < q * k; i++)
			bits[i] = pattern ? 1 : fllm_rng_next(st) & 1;
		return;
	}
	*e_row = fllm_rng_next(st) % 8 ? (int16_t)rand_range(st, -40, 40) :
		 (int16_t)rand_range(st, -32768, 32767);
	for (uint32_t grp = 0; grp < c->groups; grp++) {
		d[grp] = rand_shift(st);
		zq[grp] = (int16_t)fllm_rng_next(st);
		for (uint32_t i = 0; i < q; i++)
			a[grp * q + i] = (int16_t)fllm_rng_next(st);
	}
	for (uint32_t i = 0; i < q * k; i++)
		bits[i] = fllm_rng_next(st) & 1;
}

/* Garbage in the bytes and bits of a record that the unit ignores. */
static void spoil_row(const struct cpu_case *c, uint8_t *rec /* (row_bytes) */, uint64_t *st)
{
	uint32_t q = c->s.q, g = c->s.g, k = c->s.k;
	uint32_t h = fllm_lutgemm_row_scale_offset(q, c->groups);
	uint32_t pl = fllm_lutgemm_row_planes_offset(k, g, q);
	uint32_t end = pl + c->groups * q * (g / 8);

	rec[2] = (uint8_t)fllm_rng_next(st);
	rec[3] = (uint8_t)fllm_rng_next(st);
	for (uint32_t grp = 0; grp < c->groups; grp++)
		rec[fllm_lutgemm_row_scale_offset(q, grp) + 1] = (uint8_t)fllm_rng_next(st);
	for (uint32_t b = h; b < pl; b++)
		rec[b] = (uint8_t)fllm_rng_next(st);
	for (uint32_t b = end; b < c->row_bytes; b++)
		rec[b] = (uint8_t)fllm_rng_next(st);
	if (!(c->s.flags & FLLM_LUTGEMM_F_OFFSET))
		for (uint32_t grp = 0; grp < c->groups; grp++)
			memcpy(rec + fllm_lutgemm_row_scale_offset(q, grp) + 2, &(uint16_t){
				(uint16_t)fllm_rng_next(st) }, 2);
	for (uint32_t kk = k; kk < c->groups * g; kk++)	/* pad bits of the last group */
		for (uint32_t i = 0; i < q; i++)
			if (fllm_rng_next(st) & 1)
				rec[pl + ((c->groups - 1) * q + i) * (g / 8) + (kk % g) / 8] |=
					(uint8_t)(1u << (kk % 8));
}

/* Write every row record (through the packer for CPU_FILL_FP32). */
static int fill_weights(struct cpu_case *c, enum cpu_fill fill, uint64_t *st)
{
	uint32_t m = c->s.m, k = c->s.k, q = c->s.q, G = c->groups;
	uint8_t *d = malloc(G), *bits = malloc((size_t)q * k);
	int16_t *zq = malloc(G * sizeof(*zq)), *a = malloc((size_t)G * q * sizeof(*a));
	int pattern = fill == CPU_FILL_PEAK || (fllm_rng_next(st) & 1), rc = -1;

	if (!d || !bits || !zq || !a)
		goto out_free;
	for (uint32_t r = 0; r < m; r++) {
		uint8_t *rec = c->mem + c->p.slice_addr[r % c->s.slices] +
			       (uint64_t)(r / c->s.slices) * c->row_bytes;
		int16_t e_row;

		if (fill == CPU_FILL_FP32) {
			static float alpha[FLLM_LUTGEMM_GROUPS_MAX * FLLM_LUTGEMM_Q_MAX];
			static float z[FLLM_LUTGEMM_GROUPS_MAX];
			uint8_t *one[1] = { rec };

			for (uint32_t i = 0; i < G * q; i++)
				alpha[i] = (0.5f + 0.5f * test_rng_f32_signed(st)) / (float)(1u << (i % q)) *
					   0.02f;
			for (uint32_t grp = 0; grp < G; grp++)
				z[grp] = 0.01f * test_rng_f32_signed(st);
			for (uint32_t i = 0; i < q * k; i++)
				bits[i] = fllm_rng_next(st) & 1;
			if (fllm_lutgemm_pack(1, k, c->s.g, q, alpha, c->s.flags ? z : NULL, bits,
					      1, one))
				goto out_free;
		} else {
			fill_row_fields(c, fill, st, &e_row, d, zq, a, bits, pattern);
			fllm_lutgemm_row_write(rec, k, c->s.g, q, e_row, d, zq, a, bits);
		}
		spoil_row(c, rec, st);
	}
	rc = 0;
out_free:
	free(d);
	free(bits);
	free(zq);
	free(a);
	return rc;
}

/* Activations of every token: host arrays and card records. */
static int fill_acts(struct cpu_case *c, enum cpu_fill fill, uint64_t *st)
{
	uint32_t k = c->s.k, g = c->s.g, G = c->groups, xo = fllm_lutgemm_act_xq_offset(k, g);

	for (uint32_t n = 0; n < c->s.n; n++) {
		int8_t *xq = c->xq + (size_t)n * G * g;	/* (G * g) */
		uint16_t *msx = c->msx + (size_t)n * G;	/* (G) */
		uint8_t *rec = c->mem + c->p.act_addr + n * c->p.act_stride;

		if (fill == CPU_FILL_FP32) {
			float *xf = c->xf + (size_t)n * k;

			for (uint32_t i = 0; i < k; i++)
				xf[i] = test_rng_f32_signed(st) * (i % 7 == 0 ? 8.0f : 1.0f);
			if (fllm_lutgemm_act_quantize(k, g, xf, &c->ex[n], msx, xq))
				return -1;
		} else if (fill == CPU_FILL_EXTREME || fill == CPU_FILL_PEAK) {
			c->ex[n] = (int32_t)rand_range(st, 0, 20);
			for (uint32_t grp = 0; grp < G; grp++)
				msx[grp] = 65535;
			for (uint32_t i = 0; i < k; i++)
				xq[i] = fill == CPU_FILL_PEAK || fllm_rng_next(st) % 4 ? -128 : 127;
		} else {
			c->ex[n] = fllm_rng_next(st) % 8 ? (int32_t)rand_range(st, -40, 40) :
				   (int32_t)rand_range(st, -200, 200);
			for (uint32_t grp = 0; grp < G; grp++)
				msx[grp] = (uint16_t)fllm_rng_next(st);
			for (uint32_t i = 0; i < k; i++)
				xq[i] = (int8_t)fllm_rng_next(st);
		}
		fllm_lutgemm_act_write(rec, k, g, c->ex[n], msx, xq);
		memcpy(rec + 4, &(uint32_t){ (uint32_t)fllm_rng_next(st) }, 4);	/* reserved */
		for (uint32_t i = k; i < G * g; i++) {		/* ignored on both sides */
			xq[i] = (int8_t)(fllm_rng_next(st) | 1);
			rec[xo + i] = (uint8_t)(fllm_rng_next(st) | 1);
		}
	}
	return 0;
}

/* Lay out the card memory, fill records and activations (see cpu_case.h). */
int cpu_case_init(struct cpu_case *c, const struct cpu_shape *s, enum cpu_fill fill,
		  uint64_t seed)
{
	uint64_t st = seed, addr;
	uint32_t act_bytes;

	memset(c, 0, sizeof(*c));
	c->s = *s;
	if (fllm_lutgemm_params_init(&c->p, s->m, s->k, s->g, s->q, s->flags, s->n, s->slices))
		return -1;
	c->groups = fllm_lutgemm_groups(s->k, s->g);
	c->row_bytes = c->p.row_bytes;
	act_bytes = fllm_lutgemm_act_bytes(s->k, s->g);
	/* block at 0, then acts, outputs, slices, each after a random gap */
	addr = 512 + 64 * (fllm_rng_next(&st) % 4);
	c->p.act_addr = addr;
	c->p.act_stride = act_bytes + 64 * (fllm_rng_next(&st) % 2);
	addr += s->n * c->p.act_stride + 64;
	c->p.out_addr = addr;
	addr += s->n * c->p.out_stride + 64;
	for (uint32_t i = 0; i < s->slices; i++) {
		c->p.slice_addr[i] = addr;
		addr += fllm_lutgemm_slice_rows(s->m, s->slices, i) * (uint64_t)c->row_bytes +
			64 * (fllm_rng_next(&st) % 3);
	}
	c->mem_bytes = addr + 64;
	c->mem = malloc(c->mem_bytes);
	c->ex = malloc(s->n * sizeof(*c->ex));
	c->msx = malloc((size_t)s->n * c->groups * sizeof(*c->msx));
	c->xq = malloc((size_t)s->n * c->groups * s->g);
	c->gold = malloc((size_t)s->n * s->m * sizeof(*c->gold));
	if (fill == CPU_FILL_FP32)
		c->xf = malloc((size_t)s->n * s->k * sizeof(*c->xf));
	if (!c->mem || !c->ex || !c->msx || !c->xq || !c->gold ||
	    (fill == CPU_FILL_FP32 && !c->xf))
		goto err_free;
	for (uint64_t i = 0; i < c->mem_bytes; i++)
		c->mem[i] = (uint8_t)fllm_rng_next(&st);
	memcpy(c->mem, &c->p, sizeof(c->p));
	for (uint32_t i = 0; i < s->slices; i++)
		c->slice[i] = c->mem + c->p.slice_addr[i];
	if (fill_weights(c, fill, &st) || fill_acts(c, fill, &st))
		goto err_free;
	return 0;

err_free:
	cpu_case_free(c);
	return -1;
}

/* Run the golden model on the card memory and copy its outputs out. */
int cpu_case_golden(struct cpu_case *c)
{
	int err = fllm_hls_lutgemm_unit(c->mem, c->mem_bytes, 0, sizeof(c->p));

	if (err)
		return err;
	for (uint32_t n = 0; n < c->s.n; n++)
		memcpy(c->gold + (size_t)n * c->s.m, c->mem + c->p.out_addr + n * c->p.out_stride,
		       (size_t)c->s.m * sizeof(float));
	return 0;
}

/* Host view of the slices. */
void cpu_case_weights(const struct cpu_case *c, fllm_cpu_lutgemm_weights *w)
{
	*w = (fllm_cpu_lutgemm_weights){ c->s.m, c->s.k, c->s.g, c->s.q, c->s.flags,
					 c->s.slices, c->slice };
}

/* Host view of the tokens. */
void cpu_case_acts(const struct cpu_case *c, fllm_cpu_lutgemm_acts *a)
{
	*a = (fllm_cpu_lutgemm_acts){ c->s.n, c->ex, c->msx, c->xq };
}

/* Free every buffer of c. */
void cpu_case_free(struct cpu_case *c)
{
	free(c->mem);
	free(c->ex);
	free(c->msx);
	free(c->xq);
	free(c->xf);
	free(c->gold);
	memset(c, 0, sizeof(*c));
}

/* Bit-for-bit comparison with the first mismatch printed. */
int cpu_compare_bits(const char *what, const float *got, size_t got_stride, const float *want,
		     uint32_t n, uint32_t m)
{
	for (uint32_t t = 0; t < n; t++) {
		for (uint32_t r = 0; r < m; r++) {
			uint32_t a, b;

			memcpy(&a, &got[t * got_stride + r], 4);
			memcpy(&b, &want[(size_t)t * m + r], 4);
			if (a != b) {
				fprintf(stderr, "\n  %s: token %u row %u: got 0x%08x (%g), "
					"golden 0x%08x (%g)\n", what, t, r, a,
					(double)got[t * got_stride + r], b,
					(double)want[(size_t)t * m + r]);
				return 1;
			}
		}
	}
	return 0;
}
