/*
 * The kmd backend: cards driven by the fllm.ko kernel driver through the
 * ioctls of /dev/fllmN (driver/include/uapi/fllm_uapi.h). The driver owns
 * the rings, DMA and card memory; this backend only translates the backend
 * table into ioctls. Private to this folder.
 */
#ifndef FLLM_KMD_H
#define FLLM_KMD_H

#include <stdint.h>

#include "backend.h"
#include "uapi/fllm_uapi.h"

/* Where the device nodes are; FLLM_KMD_DEV_DIR overrides it (tests). */
#define KMD_DEV_DIR_ENV "FLLM_KMD_DEV_DIR"
#define KMD_DEV_DIR "/dev"
#define KMD_MAX_CARDS 64

struct kmd_dev {
	int fd;				/* /dev/fllmN, O_RDWR */
	uint32_t index;			/* N */
	struct fllm_uapi_query q;	/* identity as the driver reports it */
};

struct kmd_bo {
	uint32_t handle;		/* valid in kmd_dev.fd only */
	uint64_t card_addr;
};

struct fllm_backend_job {
	uint64_t id;			/* from SUBMIT */
	uint32_t n;
	int collected;			/* WAIT returned its completions */
};

/* kmd_errno.c */
fllm_status kmd_status(int err);
int kmd_ioctl(int fd, unsigned long req, void *arg);
const char *kmd_dev_dir(void);

/* kmd_bo.c */
fllm_status kmd_bo_alloc(void *priv, uint64_t size, uint64_t align, int32_t channel,
			 uint64_t *card_addr, void **bo_priv);
void kmd_bo_free(void *priv, void *bo_priv);
fllm_status kmd_bo_write(void *priv, void *bo_priv, uint64_t card_addr, const void *src,
			 uint64_t len);
fllm_status kmd_bo_read(void *priv, void *bo_priv, uint64_t card_addr, void *dst,
			uint64_t len);

/* kmd_queue.c */
fllm_status kmd_submit(void *priv, const struct fllm_cmd *cmds, uint32_t n,
		       struct fllm_backend_job **job);
fllm_status kmd_wait(void *priv, struct fllm_backend_job *job, uint64_t timeout_ns,
		     struct fllm_cpl *cpl);
void kmd_job_free(void *priv, struct fllm_backend_job *job);

#endif /* FLLM_KMD_H */
