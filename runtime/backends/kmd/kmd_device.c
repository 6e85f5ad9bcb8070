/*
 * The kmd backend's table: "kmd:N" opens /dev/fllmN; enumeration lists every
 * fllmN node; registers, reset and identity go through the driver's ioctls.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kmd.h"
#include "options.h"

/* N of a node named fllmN, or -1. */
static int kmd_node_index(const char *name)
{
	char *end;
	long n;

	if (strncmp(name, "fllm", 4) || name[4] < '0' || name[4] > '9')
		return -1;
	n = strtol(name + 4, &end, 10);
	return *end || n < 0 || n >= KMD_MAX_CARDS ? -1 : (int)n;
}

/* Open /dev/fllmN and ask the driver who it is. */
static fllm_status kmd_open_index(uint32_t index, struct kmd_dev *k)
{
	char path[PATH_MAX];
	int err;

	snprintf(path, sizeof(path), "%s/fllm%u", kmd_dev_dir(), index);
	k->index = index;
	k->fd = open(path, O_RDWR | O_CLOEXEC);
	if (k->fd < 0)
		return errno == EACCES || errno == EPERM ? FLLM_E_PERMISSION : FLLM_E_NO_DEVICE;
	memset(&k->q, 0, sizeof(k->q));
	err = kmd_ioctl(k->fd, FLLM_IOCTL_QUERY, &k->q);
	if (err) {
		close(k->fd);
		/* not our driver behind the node (ENOTTY), or a removed card */
		return err == ENOTTY || err == ENODEV ? FLLM_E_NO_DEVICE : kmd_status(err);
	}
	if (k->q.uapi_version >> 16 != FLLM_UAPI_MAJOR) {
		close(k->fd);
		return FLLM_E_VERSION;
	}
	return FLLM_OK;
}

/* "kmd:N" or "kmd": open /dev/fllmN (N defaults to 0); no options. */
static fllm_status kmd_open(const char *spec, void **priv)
{
	uint64_t index = 0;
	struct kmd_dev *k;
	fllm_status st;

	st = fllm_options_parse(spec, NULL, 0, &index);
	if (st)
		return st;
	if (index >= KMD_MAX_CARDS)
		return FLLM_E_NO_DEVICE;
	k = calloc(1, sizeof(*k));
	if (!k)
		return FLLM_E_NO_MEMORY;
	st = kmd_open_index((uint32_t)index, k);
	if (st) {
		free(k);
		return st;
	}
	*priv = k;
	return FLLM_OK;
}

/* Closing the file frees whatever BOs and jobs are left in the driver. */
static void kmd_close(void *priv)
{
	struct kmd_dev *k = priv;

	close(k->fd);
	free(k);
}

/* REG_READ. */
static fllm_status kmd_reg_read(void *priv, uint32_t off, uint32_t *val)
{
	struct kmd_dev *k = priv;
	struct fllm_uapi_reg r = { .offset = off, .value = 0 };
	int err = kmd_ioctl(k->fd, FLLM_IOCTL_REG_READ, &r);

	*val = r.value;
	return kmd_status(err);
}

/* REG_WRITE (the driver allows SCRATCH and WATCHDOG_US only). */
static fllm_status kmd_reg_write(void *priv, uint32_t off, uint32_t val)
{
	struct kmd_dev *k = priv;
	struct fllm_uapi_reg r = { .offset = off, .value = val };

	return kmd_status(kmd_ioctl(k->fd, FLLM_IOCTL_REG_WRITE, &r));
}

/* RESET: jobs in flight of every process complete aborted. */
static fllm_status kmd_reset(void *priv)
{
	struct kmd_dev *k = priv;
	struct fllm_uapi_reset r = { 0 };

	return kmd_status(kmd_ioctl(k->fd, FLLM_IOCTL_RESET, &r));
}

/* Command ring size the driver uses. */
static uint32_t kmd_ring_entries(void *priv)
{
	return ((struct kmd_dev *)priv)->q.ring_entries;
}

/* Describe node N in d; openable only when open and QUERY work. */
static void kmd_describe_node(uint32_t n, fllm_device_desc *d)
{
	struct kmd_dev k;
	fllm_status st;

	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "kmd:%u", n);
	snprintf(d->backend, sizeof(d->backend), "kmd");
	d->pci.numa_node = -1;
	st = kmd_open_index(n, &k);
	if (st) {
		snprintf(d->description, sizeof(d->description), "%s/fllm%u: %s", kmd_dev_dir(),
			 n, fllm_status_str(st));
		return;
	}
	snprintf(d->description, sizeof(d->description),
		 "fllm card through fllm.ko, %llu MiB in %u channels%s",
		 (unsigned long long)(k.q.mem_size >> 20), k.q.mem_channels,
		 k.q.caps & FLLM_UAPI_CAP_SIMULATED ? " (card model in a VM)" : "");
	d->openable = 1;
	close(k.fd);
}

/* Every fllmN node, in index order. */
static fllm_status kmd_enumerate(fllm_device_desc *out, size_t cap, size_t *n)
{
	uint64_t seen = 0;	/* bit N: fllmN exists */
	struct dirent *e;
	DIR *dir = opendir(kmd_dev_dir());

	if (!dir)
		return FLLM_OK;	/* no /dev: no cards */
	while ((e = readdir(dir))) {
		int i = kmd_node_index(e->d_name);

		if (i >= 0)
			seen |= 1ull << i;
	}
	closedir(dir);
	for (uint32_t i = 0; i < KMD_MAX_CARDS; i++) {
		if (!(seen & (1ull << i)))
			continue;
		if (*n < cap)
			kmd_describe_node(i, &out[*n]);
		(*n)++;
	}
	return FLLM_OK;
}

const struct fllm_backend_ops fllm_backend_kmd = {
	.name = "kmd",
	.enumerate = kmd_enumerate,
	.open = kmd_open,
	.close = kmd_close,
	.reg_read = kmd_reg_read,
	.reg_write = kmd_reg_write,
	.bo_alloc = kmd_bo_alloc,
	.bo_free = kmd_bo_free,
	.bo_write = kmd_bo_write,
	.bo_read = kmd_bo_read,
	.submit = kmd_submit,
	.wait = kmd_wait,
	.job_free = kmd_job_free,
	.reset = kmd_reset,
	.ring_entries = kmd_ring_entries,
};
