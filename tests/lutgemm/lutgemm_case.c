/* Test command layout in a private card memory (see lutgemm_case.h). */
#include "lutgemm_case.h"

#include <stdlib.h>
#include <string.h>

uint64_t lg_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Reserve len bytes (64-aligned) after a random gap of 0..3 bursts. */
static uint64_t take(uint64_t *top, uint64_t len, uint64_t *rng)
{
	uint64_t at = *top + 64 * (lg_rand(rng) % 4);

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
	p->act_stride = act_bytes + 64 * (lg_rand(&rng) % 2);
	p->act_addr = take(&top, (uint64_t)s->n * p->act_stride, &rng);
	p->out_stride = fllm_lutgemm_align(4ull * s->m) + 64 * (lg_rand(&rng) % 2);
	p->out_addr = take(&top, (uint64_t)s->n * p->out_stride, &rng);
	for (uint32_t i = 0; i < s->slices; i++)
		p->slice_addr[i] = take(&top, (uint64_t)p->row_bytes *
					fllm_lutgemm_slice_rows(s->m, s->slices, i), &rng);
	c->mem_bytes = top + 64 * (lg_rand(&rng) % 3);
	c->mem = malloc(c->mem_bytes);
	if (!c->mem)
		return -1;
	for (uint64_t i = 0; i < c->mem_bytes; i += 8) {
		uint64_t v = lg_rand(&rng);

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

		put16(rec, (int)(lg_rand(rng) % 41) - 20);
		for (uint32_t grp = 0; grp < groups; grp++) {
			uint64_t u = lg_rand(rng);
			uint8_t *d = rec + fllm_lutgemm_row_scale_offset(p->planes, grp);

			*d = (uint8_t)(u % 10 < 7 ? u / 16 % 9 : u % 10 < 9 ? u / 16 % 63 : u / 16);
		}
	}
	for (uint32_t n = 0; n < p->n_tokens; n++) {
		int32_t ex = (int32_t)(lg_rand(rng) % 41) - 20;

		memcpy(c->mem + lg_case_act(c, n), &ex, 4);
	}
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
