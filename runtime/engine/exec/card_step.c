/*
 * One step on the card: one command list carries every layer and the head
 * for all the step's tokens (card_prog.c). The cpu-q executor runs the same
 * steps on its host image, through the hooks in struct exec_card (where
 * data goes, how the commands run). Per step the host makes the
 * sequences' KV blocks resident (kv_pool.c, swapping idle sequences out when
 * the pool is short), writes changed block tables, rewrites the parameter
 * blocks when the step's shape differs from the last one, uploads the ROPE
 * blocks, attention descriptors and embedding rows in one DMA, submits the
 * list recorded for the shape and reads the logits back. Steps whose
 * sequences cannot share the pool run as several smaller lists.
 */
#include <stdlib.h>
#include <string.h>

#include "card_exec.h"

#define CARD_WAIT_NS (60ull * 1000 * 1000 * 1000)

/* Index in c->lists of segment seg's command list for shape s. */
static uint32_t card_list_index(const struct exec_card *c, const struct card_shape *s,
				uint32_t seg)
{
	return ((card_shape_prefill(s) ? c->plan.rows_max + 1 : 0) + s->rows) * c->n_segs + seg;
}

/* The command list of segment seg for shape s, recorded on first use: the
 * commands of placement units seg_unit[seg] up to the next segment's, with
 * the unit of each command kept for the cycle counts. */
static fllm_status card_list(struct exec_card *c, const struct card_shape *s, uint32_t seg,
			     fllm_cmdlist **out)
{
	uint32_t idx = card_list_index(c, s, seg);
	uint32_t lo = c->seg_unit[seg];
	uint32_t hi = seg + 1 < c->n_segs ? c->seg_unit[seg + 1] : c->n_units;
	fllm_cmdlist *cl = c->lists[idx];
	fllm_status st = FLLM_OK;
	uint8_t *units;
	uint32_t n, m = 0;

	if (cl) {
		*out = cl;
		return FLLM_OK;
	}
	st = fllm_cmdlist_create(c->dev, &cl);
	if (st)
		return st;
	n = card_prog_build(c, c->prog);
	units = malloc(n ? n : 1);
	if (!units)
		st = FLLM_E_NO_MEMORY;
	for (uint32_t k = 0; !st && k < n; k++) {
		const struct card_cmd *cmd = &c->prog[k];

		if (cmd->place < lo || cmd->place >= hi)
			continue;
		if (cmd->unit == FLLM_CU_LUTGEMM) {
			units[m++] = CARD_UNIT_LUTGEMM;
			st = fllm_cmdlist_lutgemm(cl, c->act, cmd->at,
						  sizeof(struct fllm_lutgemm_params));
		} else if (cmd->unit == FLLM_CU_VECTOR) {
			units[m++] = CARD_UNIT_VECTOR;
			st = fllm_cmdlist_vector(cl, c->act, cmd->at,
						 sizeof(struct fllm_vector_params));
		} else {
			units[m++] = CARD_UNIT_ATTENTION;
			st = fllm_cmdlist_attention(cl, c->act, cmd->at);
		}
	}
	if (st) {
		free(units);
		fllm_cmdlist_free(cl);
		return st;
	}
	c->list_units[idx] = units;
	c->lists[idx] = *out = cl;
	return FLLM_OK;
}

/* Add each command's card cycles of a completed list (units: its n_units
 * commands' units) to the per-unit counts. */
static void card_count_cycles(struct exec_card *c, const fllm_event *ev, const uint8_t *units,
			      uint32_t n_units)
{
	uint32_t n = fllm_event_count(ev) < n_units ? fllm_event_count(ev) : n_units;
	fllm_cmd_result r;

	for (uint32_t k = 0; k < n; k++)
		if (!fllm_event_result(ev, k, &r))
			c->unit_cycles[units[k]] += r.cycles;
}

/* The residual stream's rows of shape s from side a to side b (the plans
 * match: same layout on both). */
static fllm_status card_x_move(struct exec_card *a, struct exec_card *b,
			       const struct card_shape *s)
{
	uint64_t bytes = (uint64_t)s->rows * a->plan.x_stride;
	fllm_status st = a->act_read(a, a->plan.x, a->tok_buf + a->plan.x, bytes);

	return st ? st : b->act_write(b, b->plan.x, a->tok_buf + a->plan.x, bytes);
}

/* Segment seg of shape s on the card; the next one's streamed unit goes
 * into its staging set while the card runs this one. */
static fllm_status card_run_seg(struct exec_card *c, const struct card_shape *s, uint32_t seg)
{
	uint32_t u = c->seg_unit[seg];
	fllm_cmdlist *cl;
	fllm_event *ev;
	fllm_status st;

	if ((st = card_list(c, s, seg, &cl)) || !fllm_cmdlist_count(cl))
		return st;
	if (c->streamed[u] && (st = card_stage_load(c, u)))
		return st;
	if ((st = fllm_cmdlist_submit(cl, &ev)))
		return st;
	if (seg + 1 < c->n_segs && !c->seg_host[seg + 1] && c->streamed[c->seg_unit[seg + 1]])
		st = card_stage_load(c, c->seg_unit[seg + 1]);
	if (!st)
		st = fllm_event_wait(ev, CARD_WAIT_NS);
	else
		fllm_event_wait(ev, CARD_WAIT_NS);
	if (!st)
		card_count_cycles(c, ev, c->list_units[card_list_index(c, s, seg)],
				  fllm_cmdlist_count(cl));
	fllm_event_free(ev);
	c->lists_run++;
	c->cmds_run += fllm_cmdlist_count(cl);
	return st;
}

/*
 * See card_exec.h: the segments of shape s in order, each waited for; any
 * card error fails the step. Host segments run on the twin, the residual
 * stream crossing over where the side changes.
 */
fllm_status card_run_list(struct exec_card *c, const struct card_shape *s)
{
	fllm_status st = FLLM_OK;

	for (uint32_t seg = 0; !st && seg < c->n_segs; seg++) {
		int cross = seg && c->seg_host[seg] != c->seg_host[seg - 1];
		struct exec_card *t = c->twin;

		if (!c->seg_host[seg]) {
			if (cross)
				st = card_x_move(t, c, s);
			if (!st)
				st = card_run_seg(c, s, seg);
			continue;
		}
		if (cross)
			st = card_x_move(c, t, s);
		t->run_lo = c->seg_unit[seg];
		t->run_hi = seg + 1 < c->n_segs ? c->seg_unit[seg + 1] : c->n_units;
		if (!st)
			st = t->run(t, s);
	}
	return st;
}

/* Blocks for e[0..n), their tables on the card. */
static fllm_status card_kv_ready(struct exec_card *c, const struct exec_batch_entry *e,
				 uint32_t n)
{
	uint32_t slots[FLLM_LUTGEMM_N_MAX] = { 0 }, end[FLLM_LUTGEMM_N_MAX] = { 0 };
	fllm_status st;

	for (uint32_t k = 0; k < n; k++) {
		slots[k] = e[k].slot;
		end[k] = e[k].pos + e[k].n;
	}
	st = kv_pool_reserve(&c->kv, slots, end, n);
	for (uint32_t k = 0; !st && k < n; k++) {
		struct kv_seq *q = &c->kv.seq[e[k].slot];

		if (!q->table_dirty)
			continue;
		if (q->n_blocks)
			st = c->act_write(c, c->plan.tables + e[k].slot * c->plan.table_stride,
					  q->table, 4ull * q->n_blocks);
		if (!st)
			q->table_dirty = 0;
	}
	return st;
}

/* One side's share of a step over e[0..n) of shape s: KV blocks and
 * tables, parameter blocks when the shape changed, the per-step upload. */
static fllm_status card_prepare(struct exec_card *c, const struct exec_batch_entry *e,
				uint32_t n, const struct card_shape *s)
{
	const struct card_plan *p = &c->plan;
	fllm_status st = card_kv_ready(c, e, n);
	uint64_t from, end;

	if (st)
		return st;
	if (s->rows != c->shape.rows || s->seqs != c->shape.seqs) {
		card_plan_params(c, s);
		st = c->act_write(c, p->params, c->param_img, p->params_bytes);
		if (st)
			return st;
	}
	end = card_plan_tokens(c, e, n, &from);
	return c->act_write(c, from, c->tok_buf + from, end - from);
}

/* One list over e[0..n), which fit the pool together (with a twin: both
 * sides set up, the logits from the side that ran the head). */
static fllm_status card_run(struct exec_card *c, const struct exec_batch_entry *e, uint32_t n)
{
	struct exec_card *h = c;
	const struct card_plan *p = &c->plan;
	struct card_shape s;
	uint32_t v = c->info->vocab_size, out_rows;
	fllm_status st;

	if ((st = card_step_shape(c, e, n, &s)) || (st = card_prepare(c, e, n, &s)) ||
	    (c->twin && (st = card_prepare(c->twin, e, n, &s))) || (st = c->run(c, &s)))
		return st;
	if (c->twin && c->seg_host[c->n_segs - 1])
		h = c->twin;
	out_rows = card_shape_prefill(&s) ? 1 : n;
	st = h->act_read(h, p->logits, c->logit_buf, (out_rows - 1) * p->logits_stride + 4ull * v);
	for (uint32_t k = 0; !st && k < n; k++)
		memcpy(e[k].logits, c->logit_buf + k * p->logits_stride, 4ull * v);
	return st;
}

/* See card_exec.h: groups of entries that fit the KV pool together. */
fllm_status card_step(struct fllm_exec *ex, const struct exec_batch_entry *e, uint32_t n)
{
	struct exec_card *c = (struct exec_card *)ex;
	struct card_shape s;
	fllm_status st = card_step_shape(c, e, n, &s);

	for (uint32_t at = 0; !st && at < n;) {
		uint64_t blocks = 0;
		uint32_t k = 0;

		while (at + k < n) {
			blocks += kv_pool_hold(&c->kv, e[at + k].slot, e[at + k].pos + e[at + k].n);
			if (blocks > c->pool_blocks)
				break;
			k++;
		}
		if (!k)
			return FLLM_E_NO_MEMORY;
		st = card_run(c, e + at, k);
		at += k;
	}
	return st;
}

/* See card_exec.h. */
void card_seq_drop(struct fllm_exec *ex, uint32_t slot)
{
	struct exec_card *c = (struct exec_card *)ex;

	if (slot < c->n_slots)
		kv_pool_drop(&c->kv, slot);
	if (c->twin && slot < c->twin->n_slots)
		kv_pool_drop(&c->twin->kv, slot);
}
