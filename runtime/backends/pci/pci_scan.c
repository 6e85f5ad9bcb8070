/*
 * The pci backend: finds fllm and Alveo cards on the PCI bus through libpci.
 * A card bound to fllm.ko is openable: pci_open.c opens it through its
 * /dev/fllmN node with the kmd backend; others are only listed.
 *
 * FLLM_PCI_ACCESS selects where libpci looks, for tests: "dump:FILE" (an
 * lspci -x style dump) or "sysfs:DIR" (a sysfs-like tree with DIR/devices);
 * unset or empty means libpci's default.
 *
 * libpci reports errors through a callback declared noreturn (its default
 * prints and exits). Returning from it is not allowed, so ours
 * longjmps back to the scan, which cleans up and fails with a status. The
 * access method's inputs are checked before libpci sees them, so that path
 * is only taken for broken input files (or no working default method,
 * which just means no PCI devices).
 */
#include <pci/pci.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pci_backend.h"

#define PCI_SCAN_MAX 64		/* cards kept per scan */

/* PCI IDs this backend recognises: the fllm shell and Alveo platforms. */
static const struct pci_id {
	uint16_t vendor, device;
} known_ids[] = {
	{ FLLM_PCI_VENDOR_ID, FLLM_PCI_DEVICE_ID },
	{ 0x10ee, 0x5000 },	/* Alveo U200 XDMA platform */
	{ 0x10ee, 0x5004 },	/* Alveo U250 XDMA platform */
	{ 0x10ee, 0x5005 },	/* Alveo U250 */
	{ 0x10ee, 0x500c },	/* Alveo U280 XDMA platform */
	{ 0x10ee, 0x5020 },	/* Alveo U50 XDMA platform */
	{ 0x10ee, 0x505c },	/* Alveo U55C */
};

/* Where a libpci error callback jumps back to, per scanning thread. */
static _Thread_local jmp_buf *scan_jump;

__attribute__((noreturn, format(printf, 1, 2)))
static void pci_error_cb(char *msg, ...)
{
	(void)msg;	/* no output on failure: the status says what happened */
	longjmp(*scan_jump, 1);
}

__attribute__((format(printf, 1, 2)))
static void pci_quiet_cb(char *msg, ...)
{
	(void)msg;
}

static int is_known(uint16_t vendor, uint16_t device)
{
	for (size_t i = 0; i < sizeof(known_ids) / sizeof(known_ids[0]); i++)
		if (known_ids[i].vendor == vendor && known_ids[i].device == device)
			return 1;
	return 0;
}

/*
 * Configure pacc from FLLM_PCI_ACCESS: FLLM_E_INVALID_ARG for a malformed
 * value, FLLM_E_IO when the named file or folder is not there.
 */
static fllm_status set_access(struct pci_access *pacc)
{
	const char *v = getenv(PCI_ACCESS_ENV);
	struct stat sb;
	char path[4096];

	if (!v || !*v)
		return FLLM_OK;
	if (!strncmp(v, "dump:", 5) && v[5]) {
		if (stat(v + 5, &sb) || !S_ISREG(sb.st_mode) || access(v + 5, R_OK))
			return FLLM_E_IO;
		pacc->method = PCI_ACCESS_DUMP;
		if (pci_set_param(pacc, "dump.name", (char *)(v + 5)))
			return FLLM_E_UNSUPPORTED;
		return FLLM_OK;
	}
	if (!strncmp(v, "sysfs:", 6) && v[6]) {
		if (snprintf(path, sizeof(path), "%s/devices", v + 6) >= (int)sizeof(path))
			return FLLM_E_INVALID_ARG;
		if (stat(path, &sb) || !S_ISDIR(sb.st_mode))
			return FLLM_E_IO;
		pacc->method = PCI_ACCESS_SYS_BUS_PCI;
		if (pci_set_param(pacc, "sysfs.path", (char *)(v + 6)))
			return FLLM_E_UNSUPPORTED;
		return FLLM_OK;
	}
	return FLLM_E_INVALID_ARG;
}

/* Link speed and width from the PCI Express capability, if the device has one. */
static void read_link(struct pci_dev *d, fllm_pci_info *p)
{
	struct pci_cap *cap = pci_find_cap(d, PCI_CAP_ID_EXP, PCI_CAP_NORMAL);
	uint32_t lnkcap;
	uint16_t lnksta;

	if (!cap)
		return;
	lnkcap = pci_read_long(d, cap->addr + PCI_EXP_LNKCAP);
	lnksta = pci_read_word(d, cap->addr + PCI_EXP_LNKSTA);
	p->link_speed_max = lnkcap & 0xf;
	p->link_width_max = (lnkcap >> 4) & 0x3f;
	p->link_speed_cur = lnksta & 0xf;
	p->link_width_cur = (lnksta >> 4) & 0x3f;
}

/* Fill one list entry from a matching device. */
static void describe(struct pci_access *pacc, struct pci_dev *d, fllm_device_desc *out)
{
	int known = pci_fill_info(d, PCI_FILL_IDENT | PCI_FILL_CLASS | PCI_FILL_SIZES |
				     PCI_FILL_CAPS | PCI_FILL_NUMA_NODE | PCI_FILL_DRIVER |
				     PCI_FILL_SUBSYS);
	fllm_pci_info *p = &out->pci;
	const char *drv;
	char name[FLLM_TEXT_MAX];

	memset(out, 0, sizeof(*out));
	p->vendor_id = d->vendor_id;
	p->device_id = d->device_id;
	if (known & PCI_FILL_SUBSYS) {
		p->subsys_vendor_id = d->subsys_vendor_id;
		p->subsys_device_id = d->subsys_id;
	}
	p->domain = (uint32_t)d->domain;
	p->bus = d->bus;
	p->dev = d->dev;
	p->func = d->func;
	p->numa_node = (known & PCI_FILL_NUMA_NODE) ? d->numa_node : -1;
	if (known & PCI_FILL_SIZES)
		for (int i = 0; i < 6; i++)
			p->bar_size[i] = d->size[i];
	read_link(d, p);
	drv = (known & PCI_FILL_DRIVER) ? pci_get_string_property(d, PCI_FILL_DRIVER) : NULL;
	if (drv)
		snprintf(p->driver, sizeof(p->driver), "%s", drv);
	if (pci_lookup_name(pacc, name, sizeof(name), PCI_LOOKUP_DEVICE | PCI_LOOKUP_NO_NUMBERS,
			    d->vendor_id, d->device_id))
		snprintf(p->product, sizeof(p->product), "%s", name);
	snprintf(out->name, sizeof(out->name), "pci:%04x:%02x:%02x.%x", p->domain, p->bus, p->dev,
		 p->func);
	snprintf(out->backend, sizeof(out->backend), "pci");
	out->openable = !strcmp(p->driver, "fllm");
	snprintf(out->description, sizeof(out->description), "%.60s [%04x:%04x], %s",
		 p->product[0] ? p->product : "FPGA card", p->vendor_id, p->device_id,
		 out->openable ? "bound to fllm.ko" :
		 !strcmp(p->driver, "xocl") ? "bound to XRT: open as xrt:N,image=FILE" :
		 p->driver[0] ? "bound to another driver" : "no driver: modprobe fllm");
	out->is_pci = 1;
}

/* Order by domain, bus, device, function (libpci lists in reverse). */
static int cmp_bdf(const void *a, const void *b)
{
	const fllm_pci_info *x = &((const fllm_device_desc *)a)->pci;
	const fllm_pci_info *y = &((const fllm_device_desc *)b)->pci;
	uint64_t kx = (uint64_t)x->domain << 24 | (uint32_t)x->bus << 16 | x->dev << 8 | x->func;
	uint64_t ky = (uint64_t)y->domain << 24 | (uint32_t)y->bus << 16 | y->dev << 8 | y->func;

	return (kx > ky) - (kx < ky);
}

/* Scan the bus into found[0..*n) (called under the error jump). */
static void scan(struct pci_access *pacc, fllm_device_desc *found, size_t *n)
{
	pci_init(pacc);
	pci_scan_bus(pacc);
	for (struct pci_dev *d = pacc->devices; d && *n < PCI_SCAN_MAX; d = d->next) {
		pci_fill_info(d, PCI_FILL_IDENT);
		if (is_known(d->vendor_id, d->device_id))
			describe(pacc, d, &found[(*n)++]);
	}
}

/*
 * Run scan() with libpci's error callback able to jump back here. Returns
 * nonzero when libpci gave up midway. Nothing this function changes after
 * setjmp lives across the jump, so no local can be clobbered.
 */
static int scan_guarded(struct pci_access *pacc, fllm_device_desc *found, size_t *count)
{
	jmp_buf jb;

	scan_jump = &jb;
	if (setjmp(jb)) {
		scan_jump = NULL;
		return -1;
	}
	scan(pacc, found, count);
	scan_jump = NULL;
	return 0;
}

/* Append every recognised card, in bus order, to out[*n..cap). */
fllm_status pci_enumerate(fllm_device_desc *out, size_t cap, size_t *n)
{
	fllm_device_desc *found;
	struct pci_access *pacc;
	size_t count = 0;
	fllm_status st;

	found = calloc(PCI_SCAN_MAX, sizeof(*found));
	if (!found)
		return FLLM_E_NO_MEMORY;
	pacc = pci_alloc();
	if (!pacc) {
		free(found);
		return FLLM_E_NO_MEMORY;
	}
	pacc->error = pci_error_cb;
	pacc->warning = pci_quiet_cb;
	pacc->debug = pci_quiet_cb;
	st = set_access(pacc);
	if (st)
		goto out_cleanup;
	if (scan_guarded(pacc, found, &count)) {
		/* libpci gave up midway; its cleanup copes with a half-built scan */
		const char *env = getenv(PCI_ACCESS_ENV);

		st = env && *env ? FLLM_E_FORMAT : FLLM_OK;
		goto out_cleanup;
	}
	qsort(found, count, sizeof(*found), cmp_bdf);
	for (size_t i = 0; i < count; i++, (*n)++)
		if (*n < cap)
			out[*n] = found[i];
out_cleanup:
	pci_cleanup(pacc);
	free(found);
	return st;
}


