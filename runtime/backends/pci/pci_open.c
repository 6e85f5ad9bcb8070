/*
 * Opening "pci:DDDD:BB:DD.F": a card bound to fllm.ko is opened through
 * the /dev/fllmN node the driver made for it, by the kmd backend, whose
 * slots this table uses (its private ones reached through its table). A card with no driver or another one is
 * refused as not supported (the CLI says which driver to load). The driver
 * is read from sysfs: /sys/bus/pci/devices/BDF/driver and BDF/fllm/fllmN,
 * or the tree of FLLM_PCI_ACCESS=sysfs:DIR for tests.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../kmd/kmd.h"
#include "pci_backend.h"

extern const struct fllm_backend_ops fllm_backend_kmd;

/* "DDDD:BB:DD.F" in lower-case hex, nothing else. */
static int bdf_valid(const char *s)
{
	static const char form[] = "xxxx:xx:xx.x";

	if (strlen(s) != sizeof(form) - 1)
		return 0;
	for (size_t i = 0; form[i]; i++) {
		int hex = (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f');

		if (form[i] == 'x' ? !hex : s[i] != form[i])
			return 0;
	}
	return s[11] <= '7';
}

/* The kmd index of the card at dir bound to fllm.ko, or a status. */
static fllm_status pci_kmd_index(const char *dir, unsigned int *index)
{
	char path[PATH_MAX], target[PATH_MAX], *base;
	struct dirent *e;
	ssize_t n;
	DIR *d;

	if (snprintf(path, sizeof(path), "%s/driver", dir) >= (int)sizeof(path))
		return FLLM_E_INVALID_ARG;
	if (access(dir, F_OK))
		return FLLM_E_NO_DEVICE;
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return FLLM_E_UNSUPPORTED;	/* no driver bound */
	target[n] = '\0';
	base = strrchr(target, '/');
	if (strcmp(base ? base + 1 : target, "fllm"))
		return FLLM_E_UNSUPPORTED;	/* another driver (xocl, xdma...) */
	if (snprintf(path, sizeof(path), "%s/fllm", dir) >= (int)sizeof(path))
		return FLLM_E_INVALID_ARG;
	d = opendir(path);
	if (!d)
		return FLLM_E_NO_DEVICE;	/* bound, but no node (probe failed) */
	while ((e = readdir(d))) {
		char *end;
		unsigned long v;

		if (strncmp(e->d_name, "fllm", 4) || e->d_name[4] < '0' || e->d_name[4] > '9')
			continue;
		v = strtoul(e->d_name + 4, &end, 10);
		if (*end || v > 255)
			continue;
		*index = (unsigned int)v;
		closedir(d);
		return FLLM_OK;
	}
	closedir(d);
	return FLLM_E_NO_DEVICE;
}

static fllm_status pci_open(const char *spec, void **priv)
{
	const char *acc = getenv(PCI_ACCESS_ENV);
	char dir[PATH_MAX], index_text[16];
	unsigned int index;
	fllm_status st;

	if (!bdf_valid(spec))
		return FLLM_E_NO_DEVICE;
	if (acc && *acc && strncmp(acc, "sysfs:", 6))
		return FLLM_E_UNSUPPORTED;	/* a dump names no driver */
	if (snprintf(dir, sizeof(dir), "%s/devices/%s",
		     acc && *acc ? acc + 6 : "/sys/bus/pci", spec) >= (int)sizeof(dir))
		return FLLM_E_INVALID_ARG;
	st = pci_kmd_index(dir, &index);
	if (st)
		return st;
	snprintf(index_text, sizeof(index_text), "%u", index);
	return fllm_backend_kmd.open(index_text, priv);
}

static void pci_close(void *priv)
{
	fllm_backend_kmd.close(priv);
}

static fllm_status pci_reg_read(void *priv, uint32_t off, uint32_t *val)
{
	return fllm_backend_kmd.reg_read(priv, off, val);
}

static fllm_status pci_reg_write(void *priv, uint32_t off, uint32_t val)
{
	return fllm_backend_kmd.reg_write(priv, off, val);
}

static fllm_status pci_reset(void *priv)
{
	return fllm_backend_kmd.reset(priv);
}

static uint32_t pci_ring_entries(void *priv)
{
	return fllm_backend_kmd.ring_entries(priv);
}

const struct fllm_backend_ops fllm_backend_pci = {
	.name = "pci",
	.enumerate = pci_enumerate,
	.open = pci_open,
	.close = pci_close,
	.reg_read = pci_reg_read,
	.reg_write = pci_reg_write,
	.bo_alloc = kmd_bo_alloc,
	.bo_free = kmd_bo_free,
	.bo_write = kmd_bo_write,
	.bo_read = kmd_bo_read,
	.submit = kmd_submit,
	.wait = kmd_wait,
	.job_free = kmd_job_free,
	.reset = pci_reset,
	.ring_entries = pci_ring_entries,
};
