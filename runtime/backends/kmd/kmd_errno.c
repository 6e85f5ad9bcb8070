/* errno from the driver to fllm_status, and the ioctl wrapper. */
#include <errno.h>
#include <stdlib.h>
#include <sys/ioctl.h>

#include "kmd.h"

/* One status per errno the driver documents; anything else is I/O. */
fllm_status kmd_status(int err)
{
	switch (err) {
	case 0:
		return FLLM_OK;
	case EINVAL:
	case EFAULT:
	case E2BIG:
	case ENOENT:
		return FLLM_E_INVALID_ARG;
	case ENOMEM:
		return FLLM_E_NO_MEMORY;
	case ENOSPC:
		return FLLM_E_NO_CARD_MEMORY;
	case ERANGE:
		return FLLM_E_OUT_OF_RANGE;
	case EAGAIN:
		return FLLM_E_BUSY;
	case ETIMEDOUT:
		return FLLM_E_TIMEOUT;
	case EPERM:
	case EACCES:
		return FLLM_E_PERMISSION;
	case ENODEV:
	case ENXIO:
		return FLLM_E_DEVICE_LOST;
	case ENOTTY:
		return FLLM_E_UNSUPPORTED;
	default:
		return FLLM_E_IO;
	}
}

/* ioctl retried on EINTR; returns 0 or the errno. */
int kmd_ioctl(int fd, unsigned long req, void *arg)
{
	int rc;

	do {
		rc = ioctl(fd, req, arg);
	} while (rc < 0 && errno == EINTR);
	return rc < 0 ? errno : 0;
}

/* The folder holding fllmN nodes. */
const char *kmd_dev_dir(void)
{
	const char *d = getenv(KMD_DEV_DIR_ENV);

	return d && *d ? d : KMD_DEV_DIR;
}
