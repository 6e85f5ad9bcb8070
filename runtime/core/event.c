/* Events: waiting for a submission and reading its per-command results. */
#include <assert.h>
#include <stdlib.h>

#include "internal.h"

/* Wrap a backend job; on failure the caller still owns job. */
fllm_status fllm_event_create(fllm_device *dev, struct fllm_backend_job *job, uint32_t n,
			      fllm_event **out)
{
	fllm_event *ev = calloc(1, sizeof(*ev) + (size_t)n * sizeof(ev->cpl[0]));

	if (!ev)
		return FLLM_E_NO_MEMORY;
	ev->dev = dev;
	ev->job = job;
	ev->n = n;
	fllm_device_child_add(dev, FLLM_HANDLE_EVENT);
	*out = ev;
	return FLLM_OK;
}

/* One status for the submission: watchdog beats other card errors. */
static fllm_status map_results(const fllm_event *ev)
{
	fllm_status st = FLLM_OK;

	for (uint32_t i = 0; i < ev->n; i++) {
		if (ev->cpl[i].status == FLLM_CARD_ERR_WATCHDOG)
			return FLLM_E_WATCHDOG;
		if (ev->cpl[i].status != FLLM_CARD_OK)
			st = FLLM_E_CARD;
	}
	return st;
}

/* Wait for the job; once complete the backend job is released. */
fllm_status fllm_event_wait(fllm_event *ev, uint64_t timeout_ns)
{
	fllm_status st;

	assert(ev);
	if (ev->complete)
		return ev->result;
	st = ev->dev->ops->wait(ev->dev->priv, ev->job, timeout_ns, ev->cpl);
	if (st)
		return st;
	ev->dev->ops->job_free(ev->dev->priv, ev->job);
	ev->job = NULL;
	ev->complete = 1;
	ev->result = map_results(ev);
	return ev->result;
}

/* Free the event; an unfinished job is left to the backend to drain. */
void fllm_event_free(fllm_event *ev)
{
	if (!ev)
		return;
	if (ev->job)
		ev->dev->ops->job_free(ev->dev->priv, ev->job);
	fllm_device_child_del(ev->dev, FLLM_HANDLE_EVENT);
	free(ev);
}

uint32_t fllm_event_count(const fllm_event *ev)
{
	assert(ev);
	return ev->n;
}

/* Result of record index of a completed submission. */
fllm_status fllm_event_result(const fllm_event *ev, uint32_t index, fllm_cmd_result *out)
{
	const struct fllm_cpl *c;

	assert(ev && out);
	if (!ev->complete)
		return FLLM_E_STATE;
	if (index >= ev->n)
		return FLLM_E_INVALID_ARG;
	c = &ev->cpl[index];
	out->card_status = c->status;
	out->start_cycle = c->start_cycle;
	out->cycles = c->cycles;
	out->result = c->result;
	return FLLM_OK;
}
