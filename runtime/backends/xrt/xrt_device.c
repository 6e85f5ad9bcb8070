/*
 * The xrt backend's table: "xrt:N,image=FILE" opens XRT device N, loads the
 * card image FILE (written by `fllm image create`) and opens its kernels.
 * Buffer objects are XRT buffers in the memory bank of their channel, as
 * the image's MEM_TOPOLOGY numbers them (docs/xrt.md).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xrt_dev.h"

/* "N" or "N,image=PATH" (PATH is the rest of the text). */
static fllm_status parse_spec(const char *spec, unsigned int *index, const char **image)
{
	char *end;
	unsigned long n;

	*image = NULL;
	if (*spec < '0' || *spec > '9')
		return *spec ? FLLM_E_INVALID_ARG : (*index = 0, FLLM_OK);
	errno = 0;
	n = strtoul(spec, &end, 10);
	if (errno || n > 255)
		return FLLM_E_INVALID_ARG;
	*index = (unsigned int)n;
	if (!*end)
		return FLLM_OK;
	if (strncmp(end, ",image=", 7) || !end[7])
		return FLLM_E_INVALID_ARG;
	*image = end + 7;
	return FLLM_OK;
}

static void xrt_close(void *priv)
{
	struct xrt_dev *x = priv;

	if (x->lg)
		xrtKernelClose(x->lg);
	if (x->dev)
		xrtDeviceClose(x->dev);
	pthread_mutex_destroy(&x->lock);
	free(x->image_buf);
	free(x);
}

/* Read and check the image, load it, open the LUT-GEMM kernel if it has one. */
static fllm_status xrt_load(struct xrt_dev *x, const char *path)
{
	size_t len;
	xuid_t uuid;

	if (fllm_image_read_file(path, &x->image_buf, &len, NULL, 0))
		return FLLM_E_IO;
	if (fllm_image_parse(x->image_buf, len, &x->img, NULL, 0))
		return FLLM_E_FORMAT;
	if (fllm_image_check_versions(&x->img.meta, NULL, 0))
		return FLLM_E_VERSION;
	if (xrtDeviceLoadXclbin(x->dev, (const struct axlf *)x->image_buf))
		return FLLM_E_IO;
	if (xrtDeviceGetXclbinUUID(x->dev, uuid))
		return FLLM_E_IO;
	for (uint32_t k = 0; k < x->img.n_kernels; k++) {
		const char *want = fllm_image_kernel_for(FLLM_CU_LUTGEMM);

		if (!strncmp(x->img.kernel[k].name, want, strlen(want)) &&
		    x->img.kernel[k].name[strlen(want)] == ':') {
			x->lg = xrtPLKernelOpen(x->dev, uuid, want);
			if (!x->lg)
				return FLLM_E_IO;
		}
	}
	return FLLM_OK;
}

static fllm_status xrt_open(const char *spec, void **priv)
{
	const char *image;
	unsigned int index;
	struct xrt_dev *x;
	fllm_status st;

	st = parse_spec(spec, &index, &image);
	if (st)
		return st;
	st = xrt_env_prepare();
	if (st)
		return st;
	x = calloc(1, sizeof(*x));
	if (!x)
		return FLLM_E_NO_MEMORY;
	pthread_mutex_init(&x->lock, NULL);
	x->emulated = getenv("XCL_EMULATION_MODE") != NULL;
	x->dev = xrtDeviceOpen(index);
	if (!x->dev) {
		xrt_close(x);
		return FLLM_E_NO_DEVICE;
	}
	/* a card that exists runs only with an image (absent cards: no device) */
	st = image ? xrt_load(x, image) : FLLM_E_INVALID_ARG;
	if (st) {
		xrt_close(x);
		return st;
	}
	for (uint32_t b = 0; b < x->img.n_banks; b++)
		x->next_addr[b] = x->img.bank_base[b];
	xrt_regs_init(x);
	*priv = x;
	return FLLM_OK;
}

/*
 * Cards XRT's PCIe driver (xocl) has bound, counted from sysfs so that
 * listing never starts XRT; under XCL_EMULATION_MODE, the one emulated card.
 */
static fllm_status xrt_enumerate(fllm_device_desc *out, size_t cap, size_t *n)
{
	const char *emu = getenv("XCL_EMULATION_MODE");
	DIR *d = emu ? NULL : opendir("/sys/bus/pci/drivers/xocl");
	struct dirent *e;
	unsigned int i = 0;

	while (d && (e = readdir(d))) {
		if (strlen(e->d_name) != 12 || e->d_name[4] != ':' || e->d_name[7] != ':')
			continue;
		if (*n < cap) {
			fllm_device_desc *o = &out[*n];

			memset(o, 0, sizeof(*o));
			snprintf(o->name, sizeof(o->name), "xrt:%u", i);
			snprintf(o->backend, sizeof(o->backend), "xrt");
			snprintf(o->description, sizeof(o->description),
				 "Alveo card %.12s (XRT xocl); open as xrt:%u,image=FILE", e->d_name,
				 i);
			o->openable = 1;
		}
		(*n)++;
		i++;
	}
	if (d)
		closedir(d);
	if (emu) {
		if (*n < cap) {
			fllm_device_desc *o = &out[*n];

			memset(o, 0, sizeof(*o));
			snprintf(o->name, sizeof(o->name), "xrt:0");
			snprintf(o->backend, sizeof(o->backend), "xrt");
			snprintf(o->description, sizeof(o->description),
				 "XRT emulation (XCL_EMULATION_MODE=%.40s); noop computes nothing",
				 emu);
			o->openable = 1;
		}
		(*n)++;
	}
	return FLLM_OK;
}

static fllm_status xrt_reg_read(void *priv, uint32_t off, uint32_t *val)
{
	struct xrt_dev *x = priv;

	pthread_mutex_lock(&x->lock);
	*val = x->regs[off / 4];
	pthread_mutex_unlock(&x->lock);
	return FLLM_OK;
}

static fllm_status xrt_reg_write(void *priv, uint32_t off, uint32_t val)
{
	struct xrt_dev *x = priv;

	pthread_mutex_lock(&x->lock);
	x->regs[off / 4] = val;	/* core allows only SCRATCH and WATCHDOG_US */
	pthread_mutex_unlock(&x->lock);
	return FLLM_OK;
}

static fllm_status xrt_bo_alloc(void *priv, uint64_t size, uint64_t align, int32_t channel,
				uint64_t *card_addr, void **bo_priv)
{
	struct xrt_dev *x = priv;
	uint32_t bank = channel == FLLM_BO_ANY_CHANNEL ? 0 : (uint32_t)channel;
	struct xrt_bo *b = calloc(1, sizeof(*b));

	if (!b)
		return FLLM_E_NO_MEMORY;
	b->h = xrtBOAlloc(x->dev, size, 0, bank);
	if (!b->h) {
		free(b);
		return FLLM_E_NO_MEMORY;
	}
	b->size = size;
	pthread_mutex_lock(&x->lock);
	if (x->emulated) {
		/* emulation gives every buffer one dummy address: number them */
		uint64_t a = (x->next_addr[bank] + align - 1) & ~(align - 1);

		b->addr = a;
		x->next_addr[bank] = a + ((size + 4095) & ~4095ull);
	} else {
		b->addr = xrtBOAddress(b->h);
	}
	b->next = x->bos;
	x->bos = b;
	pthread_mutex_unlock(&x->lock);
	if (!x->emulated && b->addr % align) {
		pthread_mutex_lock(&x->lock);
		x->bos = b->next;
		pthread_mutex_unlock(&x->lock);
		xrtBOFree(b->h);
		free(b);
		return FLLM_E_NO_MEMORY;
	}
	*card_addr = b->addr;
	*bo_priv = b;
	return FLLM_OK;
}

static void xrt_bo_free(void *priv, void *bo_priv)
{
	struct xrt_dev *x = priv;
	struct xrt_bo *b = bo_priv, **p;

	pthread_mutex_lock(&x->lock);
	for (p = &x->bos; *p && *p != b; p = &(*p)->next)
		;
	if (*p)
		*p = b->next;
	pthread_mutex_unlock(&x->lock);
	xrtBOFree(b->h);
	free(b);
}

static fllm_status xrt_bo_write(void *priv, void *bo_priv, uint64_t card_addr, const void *src,
				uint64_t len)
{
	struct xrt_bo *b = bo_priv;
	size_t off = (size_t)(card_addr - b->addr);

	if (xrtBOWrite(b->h, src, len, off) ||
	    xrtBOSync(b->h, XCL_BO_SYNC_BO_TO_DEVICE, len, off))
		return FLLM_E_IO;
	return FLLM_OK;
}

static fllm_status xrt_bo_read(void *priv, void *bo_priv, uint64_t card_addr, void *dst,
			       uint64_t len)
{
	struct xrt_bo *b = bo_priv;
	size_t off = (size_t)(card_addr - b->addr);

	if (xrtBOSync(b->h, XCL_BO_SYNC_BO_FROM_DEVICE, len, off) ||
	    xrtBORead(b->h, dst, len, off))
		return FLLM_E_IO;
	return FLLM_OK;
}

static fllm_status xrt_submit(void *priv, const struct fllm_cmd *cmds, uint32_t n,
			      struct fllm_backend_job **job)
{
	struct xrt_dev *x = priv;
	struct fllm_backend_job *j = calloc(1, sizeof(*j));

	if (!j)
		return FLLM_E_NO_MEMORY;
	j->cpl = calloc(n, sizeof(*j->cpl));
	if (!j->cpl) {
		free(j);
		return FLLM_E_NO_MEMORY;
	}
	j->n = n;
	for (uint32_t i = 0; i < n; i++) {
		struct fllm_cmd c = cmds[i];

		pthread_mutex_lock(&x->lock);
		c.seq = x->seq++;
		pthread_mutex_unlock(&x->lock);
		xrt_queue_run(x, &c, &j->cpl[i]);
	}
	*job = j;
	return FLLM_OK;
}

static fllm_status xrt_wait(void *priv, struct fllm_backend_job *job, uint64_t timeout_ns,
			    struct fllm_cpl *cpl)
{
	memcpy(cpl, job->cpl, job->n * sizeof(*cpl));
	return FLLM_OK;
}

static void xrt_job_free(void *priv, struct fllm_backend_job *job)
{
	free(job->cpl);
	free(job);
}

static void xrt_describe(void *priv, fllm_device_info *info)
{
	snprintf(info->backend, sizeof(info->backend), "xrt");
}

const struct fllm_backend_ops fllm_backend_xrt = {
	.name = "xrt",
	.enumerate = xrt_enumerate,
	.open = xrt_open,
	.close = xrt_close,
	.reg_read = xrt_reg_read,
	.reg_write = xrt_reg_write,
	.bo_alloc = xrt_bo_alloc,
	.bo_free = xrt_bo_free,
	.bo_write = xrt_bo_write,
	.bo_read = xrt_bo_read,
	.submit = xrt_submit,
	.wait = xrt_wait,
	.job_free = xrt_job_free,
	.describe = xrt_describe,
};
