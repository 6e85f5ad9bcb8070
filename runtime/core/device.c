/* Devices: listing, opening by name, identity checks, register access, reset. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Ask every backend for its devices; the first failure is returned. */
fllm_status fllm_device_list(fllm_device_desc *out, size_t cap, size_t *count)
{
	size_t n = 0;

	assert(count);
	assert(out || !cap);
	for (const struct fllm_backend_ops *const *b = fllm_backends; *b; b++) {
		fllm_status st;

		if (!(*b)->enumerate)
			continue;
		st = (*b)->enumerate(out, cap, &n);
		if (st)
			return st;
	}
	*count = n;
	return FLLM_OK;
}

/* Backend whose name equals the prefix of name before ':' or ','. */
static const struct fllm_backend_ops *find_backend(const char *name, const char **spec)
{
	size_t len = strcspn(name, ":,");

	for (const struct fllm_backend_ops *const *b = fllm_backends; *b; b++) {
		if (strlen((*b)->name) == len && !memcmp((*b)->name, name, len)) {
			*spec = name[len] ? name + len + 1 : name + len;
			return *b;
		}
	}
	return NULL;
}

/* Register read through the backend, offset already validated. */
uint32_t fllm_device_rd(fllm_device *dev, uint32_t off, fllm_status *st)
{
	uint32_t v = 0;
	fllm_status s = dev->ops->reg_read(dev->priv, off, &v);

	if (s && !*st)
		*st = s;
	return v;
}

/* Read identity and sizes from the card's registers into dev->info. */
static fllm_status read_identity(fllm_device *dev)
{
	fllm_device_info *info = &dev->info;
	fllm_status st = FLLM_OK;
	uint32_t magic, ver;

	magic = fllm_device_rd(dev, FLLM_REG_MAGIC, &st);
	ver = fllm_device_rd(dev, FLLM_REG_IF_VERSION, &st);
	if (st)
		return st;
	if (magic != FLLM_CARD_MAGIC)
		return FLLM_E_NO_DEVICE;
	if (FLLM_CARD_IF_VERSION_MAJOR(ver) != FLLM_CARD_IF_MAJOR)
		return FLLM_E_VERSION;
	info->if_version = ver;
	info->fw_version = fllm_device_rd(dev, FLLM_REG_FW_VERSION, &st);
	info->caps = fllm_device_rd(dev, FLLM_REG_CAPS, &st);
	info->mem_size = fllm_device_rd(dev, FLLM_REG_MEM_SIZE_LO, &st);
	info->mem_size |= (uint64_t)fllm_device_rd(dev, FLLM_REG_MEM_SIZE_HI, &st) << 32;
	info->mem_channels = fllm_device_rd(dev, FLLM_REG_MEM_CHANNELS, &st);
	info->mem_chan_mbps = fllm_device_rd(dev, FLLM_REG_MEM_CHAN_MBPS, &st);
	info->clock_khz = fllm_device_rd(dev, FLLM_REG_CLOCK_KHZ, &st);
	info->cu_count = fllm_device_rd(dev, FLLM_REG_CU_COUNT, &st);
	info->dma_max_len = fllm_device_rd(dev, FLLM_REG_DMA_MAX_LEN, &st);
	if (st)
		return st;
	if (!info->mem_size || !info->mem_channels || info->cu_count > FLLM_CU_MAX ||
	    info->cu_count > FLLM_CU_INFO_MAX)
		return FLLM_E_FORMAT;
	for (uint32_t i = 0; i < info->cu_count; i++)
		info->cu_info[i] = fllm_device_rd(dev, FLLM_REG_CU_INFO(i), &st);
	info->ring_entries = dev->ops->ring_entries ? dev->ops->ring_entries(dev->priv) : 0;
	if (dev->ops->describe)
		dev->ops->describe(dev->priv, info);
	return st;
}

/* Open name with the backend its prefix selects and check the card's identity. */
fllm_status fllm_device_open(const char *name, fllm_device **out)
{
	const struct fllm_backend_ops *ops;
	const char *spec;
	fllm_device *dev;
	fllm_status st;

	assert(name && out);
	if (strlen(name) >= FLLM_NAME_MAX)
		return FLLM_E_INVALID_ARG;
	ops = find_backend(name, &spec);
	if (!ops)
		return FLLM_E_NO_DEVICE;
	if (!ops->open)
		return FLLM_E_UNSUPPORTED;
	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return FLLM_E_NO_MEMORY;
	dev->ops = ops;
	st = ops->open(spec, &dev->priv);
	if (st)
		goto err_free_dev;
	strcpy(dev->info.name, name);
	strncpy(dev->info.backend, ops->name, sizeof(dev->info.backend) - 1);
	st = read_identity(dev);
	if (st)
		goto err_close;
	atomic_init(&dev->children, 0);
	fllm_handle_add(FLLM_HANDLE_DEVICE);
	*out = dev;
	return FLLM_OK;

err_close:
	ops->close(dev->priv);
err_free_dev:
	free(dev);
	return st;
}

/* Close a device whose children are all gone. */
void fllm_device_close(fllm_device *dev)
{
	if (!dev)
		return;
	assert(atomic_load(&dev->children) == 0 && "fllm_device_close with live children");
	dev->ops->close(dev->priv);
	free(dev);
	fllm_handle_del(FLLM_HANDLE_DEVICE);
}

void fllm_device_child_add(fllm_device *dev, enum fllm_handle_kind kind)
{
	atomic_fetch_add(&dev->children, 1);
	fllm_handle_add(kind);
}

void fllm_device_child_del(fllm_device *dev, enum fllm_handle_kind kind)
{
	atomic_fetch_sub(&dev->children, 1);
	fllm_handle_del(kind);
}

/* Copy of the identity read at open. */
fllm_status fllm_device_info_get(fllm_device *dev, fllm_device_info *out)
{
	assert(dev && out);
	*out = dev->info;
	return FLLM_OK;
}

/* Offsets must name a 32-bit register inside BAR0. */
static fllm_status check_offset(uint32_t offset)
{
	if ((offset & 3) || offset >= FLLM_REG_BAR_SIZE)
		return FLLM_E_INVALID_ARG;
	return FLLM_OK;
}

/* Diagnostic read of any register. */
fllm_status fllm_device_reg_read(fllm_device *dev, uint32_t offset, uint32_t *val)
{
	fllm_status st;

	assert(dev && val);
	st = check_offset(offset);
	if (st)
		return st;
	return dev->ops->reg_read(dev->priv, offset, val);
}

/* Diagnostic write: only registers with no effect on the rings are allowed. */
fllm_status fllm_device_reg_write(fllm_device *dev, uint32_t offset, uint32_t val)
{
	fllm_status st;

	assert(dev);
	st = check_offset(offset);
	if (st)
		return st;
	if (offset != FLLM_REG_SCRATCH && offset != FLLM_REG_WATCHDOG_US)
		return FLLM_E_PERMISSION;
	return dev->ops->reg_write(dev->priv, offset, val);
}

/* See fllm.h: through the backend, when it keeps the counts. */
fllm_status fllm_device_mem_usage(fllm_device *dev, uint64_t *used, uint64_t *peak)
{
	assert(dev && used && peak);
	if (!dev->ops->mem_usage)
		return FLLM_E_UNSUPPORTED;
	return dev->ops->mem_usage(dev->priv, used, peak);
}

/* Reset through the backend, when it can. */
fllm_status fllm_device_reset(fllm_device *dev)
{
	assert(dev);
	if (!dev->ops->reset)
		return FLLM_E_UNSUPPORTED;
	return dev->ops->reset(dev->priv);
}
