/*
 * The engine thread: the only user of the fllm_context. Each round it admits
 * queued requests into free sequences (prefill with fllm_context_seq_eval),
 * samples every running sequence with its own sampler, hands the text to its
 * request, retires the finished, cancelled and disconnected ones (their KV
 * blocks go back at once), and advances the rest by one token as one
 * fllm_context_step batch.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "request.h"
#include "serve.h"

/* One running request. */
struct eng_slot {
	struct serve_request *r;	/* NULL: free */
	uint32_t seq;
	fllm_sampler *smp;
	int32_t prev;			/* last token (decode context) */
};

struct eng {
	struct serve_server *s;
	struct eng_slot *slot;		/* (max_batch) */
	uint32_t n_slots, running;
	int seq0_used;			/* sequence 0 cannot be removed, only reset */
	uint32_t *seqs;			/* (max_batch) the step's sequences */
	int32_t *toks;			/* (max_batch) and their tokens */
};

double serve_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Give slot's sequence back to the context and end its request (mu held). */
static void eng_retire(struct eng *e, struct eng_slot *sl, const char *finish)
{
	if (sl->seq == 0) {
		fllm_context_reset(e->s->ctx);
		e->seq0_used = 0;
	} else {
		fllm_context_seq_remove(e->s->ctx, sl->seq);
	}
	fllm_sampler_free(sl->smp);
	if (sl->r->gone && !sl->r->finish)
		e->s->m.cancelled++;
	serve_request_finish(sl->r, finish);
	serve_request_unref(sl->r);
	memset(sl, 0, sizeof(*sl));
	e->running--;
}

/* Start r in a free slot: a sequence, a sampler, the prompt's prefill. */
static void eng_admit(struct eng *e, struct serve_request *r)
{
	struct eng_slot *sl = NULL;
	fllm_status st;

	for (uint32_t i = 0; i < e->n_slots && !sl; i++)
		if (!e->slot[i].r)
			sl = &e->slot[i];
	if (e->seq0_used && fllm_context_seq_add(e->s->ctx, &sl->seq)) {
		/* cannot happen: the slots are the context's sequences */
		pthread_mutex_lock(&e->s->mu);
		serve_request_finish(r, "error");
		serve_request_unref(r);
		pthread_mutex_unlock(&e->s->mu);
		return;
	}
	if (!e->seq0_used) {
		sl->seq = 0;
		e->seq0_used = 1;
		fllm_context_reset(e->s->ctx);
	}
	sl->r = r;
	e->running++;
	sl->prev = r->ids[r->n_ids - 1];
	st = fllm_sampler_create(&r->sp, &sl->smp);
	if (!st)
		st = fllm_context_seq_eval(e->s->ctx, sl->seq, r->ids, r->n_ids);
	pthread_mutex_lock(&e->s->mu);
	e->s->m.prompt_tokens += r->n_ids;
	if (st)
		eng_retire(e, sl, "error");
	pthread_mutex_unlock(&e->s->mu);
}

/* Sample slot's next token and hand its text over (mu held); 1: it goes on. */
static int eng_sample(struct eng *e, struct eng_slot *sl, int32_t *next)
{
	struct serve_server *s = e->s;
	struct serve_request *r = sl->r;
	const char *piece;
	size_t len;

	if (r->gone || s->cancel_all) {
		eng_retire(e, sl, "cancelled");
		return 0;
	}
	if (fllm_sampler_sample(sl->smp, fllm_context_seq_logits(s->ctx, sl->seq), s->vocab,
				next)) {
		eng_retire(e, sl, "error");
		return 0;
	}
	if (*next == fllm_tokenizer_eos(s->tok) || *next == fllm_tokenizer_bos(s->tok)) {
		eng_retire(e, sl, "stop");
		return 0;
	}
	if (fllm_tokenizer_decode(s->tok, sl->prev, *next, &piece, &len) ||
	    serve_request_push(r, piece, len)) {
		eng_retire(e, sl, "error");
		return 0;
	}
	if (!r->t_first)
		r->t_first = serve_now();
	s->m.tokens_generated++;
	sl->prev = *next;
	if (r->finish) {		/* a stop string */
		eng_retire(e, sl, r->finish);
		return 0;
	}
	if (r->n_gen >= r->max_tokens ||
	    fllm_context_seq_pos(s->ctx, sl->seq) >= s->n_ctx) {
		eng_retire(e, sl, "length");
		return 0;
	}
	return 1;
}

/* Wait for work and admit what fits; 0 when the engine should end. */
static int eng_admit_queued(struct eng *e)
{
	struct serve_server *s = e->s;
	struct serve_request *adm[FLLM_SEQS_MAX];
	uint32_t n = 0;

	pthread_mutex_lock(&s->mu);
	while (!e->running && !s->head && !s->draining)
		pthread_cond_wait(&s->wake, &s->mu);
	if (!e->running && !s->head) {
		pthread_mutex_unlock(&s->mu);
		return 0;
	}
	while (e->running + n < e->n_slots && s->head) {
		struct serve_request *r = serve_queue_pop(s);

		if (r->gone || s->cancel_all) {
			serve_request_finish(r, "cancelled");
			s->m.cancelled++;
			serve_request_unref(r);
			continue;
		}
		adm[n++] = r;
	}
	s->m.running = e->running + n;
	pthread_mutex_unlock(&s->mu);
	for (uint32_t i = 0; i < n; i++)
		eng_admit(e, adm[i]);
	return 1;
}

/* One round: admit, sample everyone, step those that go on. */
static int eng_round(struct eng *e)
{
	struct serve_server *s = e->s;
	uint32_t k = 0;
	fllm_status st = FLLM_OK;

	if (!eng_admit_queued(e))
		return 0;
	pthread_mutex_lock(&s->mu);
	for (uint32_t i = 0; i < e->n_slots; i++) {
		struct eng_slot *sl = &e->slot[i];

		if (sl->r && eng_sample(e, sl, &e->toks[k]))
			e->seqs[k++] = sl->seq;
	}
	pthread_mutex_unlock(&s->mu);
	if (k)
		st = fllm_context_step(s->ctx, k, e->seqs, e->toks);
	pthread_mutex_lock(&s->mu);
	if (st) {
		for (uint32_t i = 0; i < e->n_slots; i++)
			if (e->slot[i].r)
				eng_retire(e, &e->slot[i], "error");
	}
	if (k) {
		s->m.steps++;
		s->m.step_seqs += k;
		s->m.last_batch = k;
	}
	s->m.running = e->running;
	fllm_context_stats_get(s->ctx, &s->m.ctx);
	pthread_mutex_unlock(&s->mu);
	return 1;
}

static void *eng_main(void *arg)
{
	struct eng *e = arg;

	while (eng_round(e))
		;
	free(e->slot);
	free(e->seqs);
	free(e->toks);
	free(e);
	return NULL;
}

int serve_engine_start(struct serve_server *s)
{
	struct eng *e = calloc(1, sizeof(*e));
	uint32_t n = (uint32_t)s->cfg->max_batch;

	if (!e)
		return -1;
	fllm_context_stats_get(s->ctx, &s->m.ctx);	/* before the engine owns it */
	e->s = s;
	e->n_slots = n;
	e->slot = calloc(n, sizeof(*e->slot));
	e->seqs = calloc(n, sizeof(*e->seqs));
	e->toks = calloc(n, sizeof(*e->toks));
	if (!e->slot || !e->seqs || !e->toks ||
	    pthread_create(&s->engine, NULL, eng_main, e)) {
		free(e->slot);
		free(e->seqs);
		free(e->toks);
		free(e);
		return -1;
	}
	return 0;
}

void serve_engine_stop(struct serve_server *s, int cancel)
{
	pthread_mutex_lock(&s->mu);
	s->draining = 1;
	if (cancel)
		s->cancel_all = 1;
	pthread_cond_broadcast(&s->wake);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->engine, NULL);
}
