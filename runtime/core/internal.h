/*
 * Private state of the runtime core: the handle structs behind the opaque
 * types of fllm.h and the live-handle counters. Backends do not include this.
 */
#ifndef FLLM_CORE_INTERNAL_H
#define FLLM_CORE_INTERNAL_H

#include <stdatomic.h>
#include <stdint.h>

#include "backend.h"
#include "fllm/fllm.h"

enum fllm_handle_kind {
	FLLM_HANDLE_DEVICE,
	FLLM_HANDLE_BO,
	FLLM_HANDLE_CMDLIST,
	FLLM_HANDLE_EVENT,
	FLLM_HANDLE_MODEL,
	FLLM_HANDLE_TOKENIZER,
	FLLM_HANDLE_CONTEXT,
	FLLM_HANDLE_SAMPLER,
	FLLM_HANDLE_CPU_CTX,
	FLLM_HANDLE_KINDS
};

/* Count a handle of kind as created / destroyed (handles.c). */
void fllm_handle_add(enum fllm_handle_kind kind);
void fllm_handle_del(enum fllm_handle_kind kind);

struct fllm_device {
	const struct fllm_backend_ops *ops;
	void *priv;			/* backend device state */
	fllm_device_info info;		/* read from the card at open */
	atomic_uint children;		/* BOs, command lists and events alive */
};

struct fllm_bo {
	fllm_device *dev;
	void *priv;			/* backend BO state */
	uint64_t size;			/* bytes, as asked */
	uint64_t card_addr;		/* first byte in card memory */
	int32_t channel;		/* channel holding card_addr */
};

struct fllm_cmdlist {
	fllm_device *dev;
	uint32_t n;			/* records in use */
	struct fllm_cmd *cmds;		/* (FLLM_CMDLIST_MAX) records */
};

struct fllm_event {
	fllm_device *dev;
	struct fllm_backend_job *job;	/* NULL once completed and released */
	uint32_t n;			/* records in the submission */
	int complete;
	fllm_status result;		/* valid when complete */
	struct fllm_cpl cpl[];		/* (n) completions in record order */
};

/* Event creation for a submitted job (event.c); takes ownership of job. */
fllm_status fllm_event_create(fllm_device *dev, struct fllm_backend_job *job, uint32_t n,
			      fllm_event **out);

/*
 * A BO, command list or event of dev is created / destroyed: counted on
 * the device (which must have none left when it closes) and as a handle of
 * kind (device.c).
 */
void fllm_device_child_add(fllm_device *dev, enum fllm_handle_kind kind);
void fllm_device_child_del(fllm_device *dev, enum fllm_handle_kind kind);

/* Register access through the backend, offsets already valid (device.c). */
uint32_t fllm_device_rd(fllm_device *dev, uint32_t off, fllm_status *st);

#endif /* FLLM_CORE_INTERNAL_H */
