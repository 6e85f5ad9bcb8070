/* The LUT-GEMM card harness (see lg_card.h). */
#include "lg_card.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_main.h"
#include "test_unit_cmd.h"

/* A BO of off + len bytes on channel ch (or any), with its region at off. */
static fllm_status alloc_region(fllm_device *dev, uint64_t off, uint64_t len, int32_t ch,
				fllm_bo **bo)
{
	fllm_bo_params bp = { .align = 0, .channel = ch, .flags = 0 };

	return fllm_bo_alloc(dev, off + len, &bp, bo);
}

/* Allocate and fill every region; k->p gets the card addresses. */
static fllm_status upload(struct lg_card *k, const fllm_device_info *info, uint64_t *rng)
{
	const struct lg_case *c = k->c;
	const struct fllm_lutgemm_params *hp = &c->p;
	uint64_t act_len = (uint64_t)(hp->n_tokens - 1) * hp->act_stride +
			   fllm_lutgemm_act_bytes(hp->k, hp->group);
	fllm_status st;

#define OFF() (k->offsets ? 64 * (1 + fllm_rng_next(rng) % 3) : 0)
	k->params_off = OFF();
	k->act_off = OFF();
	k->out_off = OFF();
	st = alloc_region(k->dev, k->params_off, sizeof(k->p), FLLM_BO_ANY_CHANNEL, &k->params);
	if (!st)
		st = alloc_region(k->dev, k->act_off, act_len, FLLM_BO_ANY_CHANNEL, &k->act);
	if (!st)
		st = alloc_region(k->dev, k->out_off, k->out_len, FLLM_BO_ANY_CHANNEL, &k->out);
	if (st)
		return st;
	st = fllm_bo_write(k->act, k->act_off, c->mem + hp->act_addr, act_len);
	if (st)
		return st;
	k->p.act_addr = fllm_bo_card_addr(k->act) + k->act_off;
	k->p.out_addr = fllm_bo_card_addr(k->out) + k->out_off;
	for (uint32_t s = 0; s < hp->slices; s++) {
		uint64_t len = fllm_lutgemm_slice_bytes(hp, s);

		k->slice_off[s] = OFF();
		st = alloc_region(k->dev, k->slice_off[s], len,
				  (int32_t)(s % info->mem_channels), &k->slice[s]);
		if (!st)
			st = fllm_bo_write(k->slice[s], k->slice_off[s], c->mem + hp->slice_addr[s],
					   len);
		if (st)
			return st;
		k->p.slice_addr[s] = fllm_bo_card_addr(k->slice[s]) + k->slice_off[s];
	}
#undef OFF
	st = lg_card_fill_out(k);
	if (st)
		return st;
	return lg_card_store_params(k);
}

fllm_status lg_card_fill_out(struct lg_card *k)
{
	uint8_t *fill = malloc(k->out_len);	/* (out_len) LG_SENTINEL */
	fllm_status st;

	if (!fill)
		return FLLM_E_NO_MEMORY;
	memset(fill, LG_SENTINEL, k->out_len);
	st = fllm_bo_write(k->out, k->out_off, fill, k->out_len);
	free(fill);
	return st;
}

fllm_status lg_card_init(struct lg_card *k, fllm_device *dev, const struct lg_case *c,
			 uint32_t offsets)
{
	fllm_device_info info;
	uint64_t rng = c->seed ^ 0x0ff5e7;
	fllm_status st;

	memset(k, 0, sizeof(*k));
	k->dev = dev;
	k->c = c;
	k->offsets = offsets;
	k->p = c->p;
	k->out_len = (uint64_t)(c->p.n_tokens - 1) * c->p.out_stride + 4ull * c->p.m;
	st = fllm_device_info_get(dev, &info);
	if (!st)
		st = upload(k, &info, &rng);
	if (st)
		lg_card_free(k);
	return st;
}

fllm_status lg_card_store_params(struct lg_card *k)
{
	return fllm_bo_write(k->params, k->params_off, &k->p, sizeof(k->p));
}

fllm_status lg_card_run(struct lg_card *k, uint32_t bytes, fllm_cmd_result *res)
{
	return fllm_test_unit_cmd_run(k->dev, fllm_cmdlist_lutgemm, k->params, k->params_off,
				      bytes, res);
}

void lg_card_raw_expect(const struct fllm_cmd *cmd, fllm_status want, fllm_cmd_result *res)
{
	fllm_cmdlist *cl;
	fllm_event *ev;

	FLLM_ASSERT_STATUS(fllm_cmdlist_create(lg_dev, &cl), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_raw(cl, cmd), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_submit(cl, &ev), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_event_wait(ev, 10 * LG_SEC), want);
	FLLM_ASSERT_STATUS(fllm_event_result(ev, 0, res), FLLM_OK);
	fllm_event_free(ev);
	fllm_cmdlist_free(cl);
}

fllm_status lg_card_read_out(struct lg_card *k, uint8_t *out /* (out_len) */)
{
	return fllm_bo_read(k->out, k->out_off, out, k->out_len);
}

void lg_card_free(struct lg_card *k)
{
	for (uint32_t s = 0; s < FLLM_LUTGEMM_SLICES_MAX; s++)
		fllm_bo_free(k->slice[s]);
	fllm_bo_free(k->out);
	fllm_bo_free(k->act);
	fllm_bo_free(k->params);
	memset(k, 0, sizeof(*k));
}

uint64_t lg_card_compare(const struct fllm_lutgemm_params *p, const uint8_t *out,
			 const float *want, int sentinel_gaps, const char *what)
{
	uint64_t bad = 0;

	for (uint32_t n = 0; n < p->n_tokens; n++) {
		const uint8_t *row = out + (uint64_t)n * p->out_stride;	/* (m) fp32 */

		for (uint32_t r = 0; r < p->m; r++) {
			uint32_t got, exp;

			memcpy(&got, row + 4ull * r, 4);
			memcpy(&exp, &want[(uint64_t)n * p->m + r], 4);
			if (got != exp && !bad++)
				fprintf(stderr, "  %s: first difference y[n=%u][r=%u]: got 0x%08x,"
					" want 0x%08x\n", what, n, r, got, exp);
		}
		if (!sentinel_gaps || n + 1 == p->n_tokens)
			continue;
		for (uint64_t i = 4ull * p->m; i < p->out_stride; i++) {
			if (row[i] != LG_SENTINEL && !bad++)
				fprintf(stderr, "  %s: byte %" PRIu64 " after token %u's outputs"
					" is 0x%02x, want 0x%02x\n", what, i, n, row[i],
					LG_SENTINEL);
		}
	}
	return bad;
}

fllm_device *lg_dev;

int lg_suite_open(void)
{
	return fllm_test_card_open(LG_CARD_SPEC, &lg_dev);
}

int lg_suite_close(void)
{
	return fllm_test_card_close(&lg_dev);
}
