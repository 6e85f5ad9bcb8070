/* Test command layout in a private card memory (see lutgemm_case.h). */
#include "lutgemm_case.h"

#include <stdlib.h>
#include <string.h>

/* Reserve len bytes (64-aligned) after a random gap of 0..3 bursts. */
static uint64_t take(uint64_t *top, uint64_t len, uint64_t *rng)
{
	uint64_t at = *top + 64 * (fllm_rng_next(rng) % 4);

	*top = fllm_lutgemm_align(at + len);
	return at;
}

int lg_case_init(struct lg_case *c, const struct lg_shape *s, uint64_t seed)
{
	struct fllm_lutgemm_params *p = &c->p;
	uint64_t rng = seed, top = sizeof(*p);
	uint32_t act_bytes = fllm_lutgemm_act_bytes(s->k, s->g);

	memset(c, 0, sizeof(*c));
	c->shape = *s;
	c->seed = seed;
	p->magic = FLLM_LUTGEMM_MAGIC;
	p->version = FLLM_LUTGEMM_VERSION;
	p->m = s->m;
	p->k = s->k;
	p->group = (uint16_t)s->g;
	p->planes = (uint8_t)s->q;
	p->flags = s->offset ? FLLM_LUTGEMM_F_OFFSET : 0;
	p->n_tokens = (uint16_t)s->n;
	p->slices = (uint16_t)s->slices;
	p->row_bytes = fllm_lutgemm_row_bytes(s->k, s->g, s->q);
	p->act_stride = act_bytes + 64 * (fllm_rng_next(&rng) % 2);
	p->act_addr = take(&top, (uint64_t)s->n * p->act_stride, &rng);
	p->out_stride = fllm_lutgemm_align(4ull * s->m) + 64 * (fllm_rng_next(&rng) % 2);
	p->out_addr = take(&top, (uint64_t)s->n * p->out_stride, &rng);
	for (uint32_t i = 0; i < s->slices; i++)
		p->slice_addr[i] = take(&top, (uint64_t)p->row_bytes *
					fllm_lutgemm_slice_rows(s->m, s->slices, i), &rng);
	c->mem_bytes = top + 64 * (fllm_rng_next(&rng) % 3);
	c->mem = malloc(c->mem_bytes);
	if (!c->mem)
		return -1;
	for (uint64_t i = 0; i < c->mem_bytes; i += 8) {
		uint64_t v = fllm_rng_next(&rng);

		memcpy(c->mem + i, &v, c->mem_bytes - i < 8 ? c->mem_bytes - i : 8);
	}
	lg_case_store_params(c);
	return 0;
}

void lg_case_store_params(struct lg_case *c)
{
	memcpy(c->mem, &c->p, sizeof(c->p));
}

uint64_t lg_case_row(const struct lg_case *c, uint32_t r)
{
	return c->p.slice_addr[r % c->p.slices] + (uint64_t)(r / c->p.slices) * c->p.row_bytes;
}

uint64_t lg_case_act(const struct lg_case *c, uint32_t n)
{
	return c->p.act_addr + n * c->p.act_stride;
}

/* Little-endian 16-bit store. */
static void put16(uint8_t *b, int v)
{
	b[0] = (uint8_t)v;
	b[1] = (uint8_t)((unsigned)v >> 8);
}

/*
 * Keep the random record bytes (xq = -128, mantissas -32768, random msx and
 * reserved bytes included), then draw d mostly small, sometimes up to 62 and
 * sometimes above it (clamped), and E_r and ex small so most outputs are
 * normal numbers.
 */
void lg_case_randomize(struct lg_case *c, uint64_t *rng)
{
	const struct fllm_lutgemm_params *p = &c->p;
	uint32_t groups = fllm_lutgemm_groups(p->k, p->group);

	for (uint32_t r = 0; r < p->m; r++) {
		uint8_t *rec = c->mem + lg_case_row(c, r);

		put16(rec, (int)(fllm_rng_next(rng) % 41) - 20);
		for (uint32_t grp = 0; grp < groups; grp++) {
			uint64_t u = fllm_rng_next(rng);
			uint8_t *d = rec + fllm_lutgemm_row_scale_offset(p->planes, grp);

			*d = (uint8_t)(u % 10 < 7 ? u / 16 % 9 : u % 10 < 9 ? u / 16 % 63 : u / 16);
		}
	}
	for (uint32_t n = 0; n < p->n_tokens; n++) {
		int32_t ex = (int32_t)(fllm_rng_next(rng) % 41) - 20;

		memcpy(c->mem + lg_case_act(c, n), &ex, 4);
	}
}

int lg_case_init_random(struct lg_case *c, const struct lg_shape *s, uint64_t seed,
			uint64_t rng_seed)
{
	if (lg_case_init(c, s, seed))
		return -1;
	lg_case_randomize(c, &rng_seed);
	return 0;
}

void lg_case_free(struct lg_case *c)
{
	free(c->mem);
	c->mem = NULL;
}

/* See lutgemm_case.h. */
int lg_case_init_extreme(struct lg_case *c, uint32_t g, uint32_t shrink)
{
	struct lg_shape s = { 3, FLLM_LUTGEMM_K_MAX, g, 8, 1, 3, 2 };
	uint32_t groups = fllm_lutgemm_groups(s.k, g);
	uint32_t xo = fllm_lutgemm_act_xq_offset(s.k, g);
	uint32_t pl = fllm_lutgemm_row_planes_offset(s.k, g, s.q);
	static const int mant[3] = { 32767, -32767, -32768 };

	if (lg_case_init(c, &s, 9000 + g + shrink))
		return -1;
	for (uint32_t n = 0; n < s.n; n++) {
		uint8_t *act = c->mem + lg_case_act(c, n);
		int32_t ex = shrink ? 0 : 80;

		memcpy(act, &ex, 4);
		for (uint32_t grp = 0; grp < groups; grp++)
			put16(act + 8 + 2 * grp, 65535);
		memset(act + xo, n == 0 ? 127 : n == 1 ? 0x81 : 0x80, s.k);
	}
	for (uint32_t r = 0; r < s.m; r++) {
		uint8_t *rec = c->mem + lg_case_row(c, r);

		put16(rec, 0);
		for (uint32_t grp = 0; grp < groups; grp++) {
			uint8_t *se = rec + fllm_lutgemm_row_scale_offset(s.q, grp);

			se[0] = (uint8_t)(shrink ? 42 - grp % 3 : 0);
			put16(se + 2, mant[r]);
			for (uint32_t i = 0; i < s.q; i++)
				put16(se + 4 + 2 * i, mant[r]);
		}
		memset(rec + pl, mant[r] > 0 ? 0xff : 0x00, (uint64_t)groups * s.q * g / 8);
	}
	return 0;
}

/* See lutgemm_case.h. */
int lg_case_init_out_of_range(struct lg_case *c)
{
	static const struct lg_shape s = { 40, 172, 32, 4, 1, 4, 3 };
	static const int16_t es[] = { -32768, 32767, -150, 140, 100, -100, 0, -20 };
	static const int32_t exs[] = { -2147483647 - 1, 2147483647, -60, 60 };

	if (lg_case_init_random(c, &s, 4242, 5))
		return -1;
	for (uint32_t r = 0; r < s.m; r++)
		put16(c->mem + lg_case_row(c, r), es[r % 8]);
	for (uint32_t n = 0; n < s.n; n++)
		memcpy(c->mem + lg_case_act(c, n), &exs[n], 4);
	return 0;
}

/* See lutgemm_case.h. */
void lg_golden_shape(struct lg_shape *s, uint32_t i, uint64_t *rng, uint32_t max_m,
		     uint32_t max_slices)
{
	static const uint32_t gs[] = { 16, 32, 64, 128, 256 };
	uint32_t g = gs[i / 8];
	uint32_t ks[] = { 172, 3 * g + 8, 2 * g, 1, 2 * g - 1 };

	s->g = g;
	s->q = i % 8 + 1;
	s->k = ks[i % 5];
	s->m = 1 + (uint32_t)(fllm_rng_next(rng) % max_m);
	s->n = i % 2 ? 16 : 1;
	s->offset = (i / 2) % 2;
	s->slices = 1 + (uint32_t)(fllm_rng_next(rng) % (s->m < max_slices ? s->m : max_slices));
}

const struct lg_shape lg_edge_shapes[LG_EDGE_SHAPES] = {
	{ .m = 1, .k = 172, .g = 32, .q = 4, .offset = 1, .n = 1, .slices = 1 },
	{ .m = 1, .k = 172, .g = 16, .q = 8, .offset = 0, .n = 16, .slices = 1 },
	{ .m = 130, .k = 172, .g = 32, .q = 3, .offset = 1, .n = 32, .slices = 32 },
	{ .m = 600, .k = 172, .g = 16, .q = 2, .offset = 1, .n = 4, .slices = 5 },
	{ .m = 65, .k = 300, .g = 64, .q = 2, .offset = 0, .n = 16, .slices = 7 },
	{ .m = 64, .k = 172, .g = 256, .q = 5, .offset = 1, .n = 2, .slices = 3 },
	{ .m = 3, .k = 172, .g = 128, .q = 1, .offset = 1, .n = 16, .slices = 3 },
};
