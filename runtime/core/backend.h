/*
 * The backend table: what a backend (emu, rtlsim, kmd; pci only lists
 * devices) must and may implement. Private to libfllm.
 *
 * Core code (runtime/core) validates every argument that comes from the
 * public API (handles, ranges, flags) before it calls a backend, builds card
 * command records (struct fllm_cmd) itself and interprets completions, so a
 * backend only moves bytes, records and registers. Core never asks which
 * backend it talks to; adding one means a new table in fllm_backends[]
 * (backends.c) and nothing else.
 *
 * Slots marked optional may be NULL; core then supplies the default stated.
 * All calls for one device come from the threads of its users; a backend
 * serialises its own state.
 */
#ifndef FLLM_CORE_BACKEND_H
#define FLLM_CORE_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "fllm/fllm.h"
#include "fllm_card.h"

struct fllm_backend_job;	/* a submission, backend private */

struct fllm_backend_ops {
	const char *name;	/* device name prefix: "emu" matches "emu", "emu:1" */

	/* Optional: append the devices this backend can see to out[*n..cap),
	 * always advancing *n by the number found. Default: none. */
	fllm_status (*enumerate)(fllm_device_desc *out, size_t cap, size_t *n);

	/* Open the device named by spec (the text after "name:", "" if none).
	 * On success *priv is the backend's device state. */
	fllm_status (*open)(const char *spec, void **priv);
	void (*close)(void *priv);

	/* BAR0 access (host side). */
	fllm_status (*reg_read)(void *priv, uint32_t off, uint32_t *val);
	fllm_status (*reg_write)(void *priv, uint32_t off, uint32_t val);

	/* Card memory. align is a power of two >= 64, channel is
	 * FLLM_BO_ANY_CHANNEL or < mem_channels (core checked both). */
	fllm_status (*bo_alloc)(void *priv, uint64_t size, uint64_t align, int32_t channel,
				uint64_t *card_addr, void **bo_priv);
	void (*bo_free)(void *priv, void *bo_priv);

	/* Blocking DMA; core checked the range lies inside the BO. */
	fllm_status (*bo_write)(void *priv, void *bo_priv, uint64_t card_addr, const void *src,
				uint64_t len);
	fllm_status (*bo_read)(void *priv, void *bo_priv, uint64_t card_addr, void *dst,
			       uint64_t len);

	/* Queue n records (1..FLLM_CMDLIST_MAX) as one job; the backend sets
	 * seq. FLLM_E_BUSY if the ring lacks room: nothing is queued then. */
	fllm_status (*submit)(void *priv, const struct fllm_cmd *cmds, uint32_t n,
			      struct fllm_backend_job **job);
	/* Wait until all n completions of job arrived (FLLM_OK, cpl[] filled
	 * in record order) or timeout_ns passed (FLLM_E_TIMEOUT). Other
	 * failures: FLLM_E_DEVICE_LOST, FLLM_E_IO. */
	fllm_status (*wait)(void *priv, struct fllm_backend_job *job, uint64_t timeout_ns,
			    struct fllm_cpl *cpl);
	/* Release a job, complete or not. */
	void (*job_free)(void *priv, struct fllm_backend_job *job);

	/* Optional: reset the card. Default: FLLM_E_UNSUPPORTED. */
	fllm_status (*reset)(void *priv);
	/* Optional: ring size in entries the backend uses. Default: 0. */
	uint32_t (*ring_entries)(void *priv);
	/* Optional: extra identity for fllm_device_info (name already set). */
	void (*describe)(void *priv, fllm_device_info *info);
	/* Optional: card memory allocated now and at most so far (bytes).
	 * Default: FLLM_E_UNSUPPORTED. */
	fllm_status (*mem_usage)(void *priv, uint64_t *used, uint64_t *peak);
};

/* The table of backends, NULL-terminated (runtime/core/backends.c). */
extern const struct fllm_backend_ops *const fllm_backends[];

#endif /* FLLM_CORE_BACKEND_H */
