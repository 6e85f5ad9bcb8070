// SPDX-License-Identifier: GPL-2.0
/*
 * sysfs attributes of /sys/class/fllm/fllmN: identity, interrupt mode,
 * memory use (memory/), the card's telemetry registers (telemetry/) and the
 * PCIe link (link/). One value per file.
 */
#include <linux/device.h>
#include <linux/pci.h>
#include <linux/sysfs.h>

#include "fllm_drv.h"

/* The card behind a class device. */
static struct fllm_dev *to_fllm(struct device *dev)
{
	return container_of(dev, struct fllm_dev, dev);
}

/* Card interface version, major.minor. */
static ssize_t if_version_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	u32 v = to_fllm(dev)->info.if_version;

	return sysfs_emit(buf, "%u.%u\n", FLLM_CARD_IF_VERSION_MAJOR(v),
			  FLLM_CARD_IF_VERSION_MINOR(v));
}
static DEVICE_ATTR_RO(if_version);

/* Firmware version, major.minor. */
static ssize_t fw_version_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	u32 v = to_fllm(dev)->info.fw_version;

	return sysfs_emit(buf, "%u.%u\n", v >> 16, v & 0xffff);
}
static DEVICE_ATTR_RO(fw_version);

/* FLLM_REG_CAPS in hex. */
static ssize_t caps_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%#x\n", to_fllm(dev)->info.caps);
}
static DEVICE_ATTR_RO(caps);

/* msix, msi or poll. */
static ssize_t irq_mode_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", fllm_irq_mode_name(to_fllm(dev)->irq_mode));
}
static DEVICE_ATTR_RO(irq_mode);

/* Resets the driver did since probe. */
static ssize_t driver_resets_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", READ_ONCE(to_fllm(dev)->driver_resets));
}
static DEVICE_ATTR_RO(driver_resets);

static struct attribute *fllm_card_attrs[] = {
	&dev_attr_if_version.attr,
	&dev_attr_fw_version.attr,
	&dev_attr_caps.attr,
	&dev_attr_irq_mode.attr,
	&dev_attr_driver_resets.attr,
	NULL,
};

static const struct attribute_group fllm_card_group = {
	.attrs = fllm_card_attrs,
};

/* memory/ */
static ssize_t total_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", to_fllm(dev)->mem.size);
}
static DEVICE_ATTR_RO(total);

/* Card memory in BOs, bytes. */
static ssize_t used_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lld\n", atomic64_read(&to_fllm(dev)->mem.used));
}
static DEVICE_ATTR_RO(used);

/* Card memory not in BOs, bytes. */
static ssize_t free_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", fllm_mem_free_bytes(&to_fllm(dev)->mem));
}
static DEVICE_ATTR_RO(free);

/* Live BOs of every file. */
static ssize_t bos_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&to_fllm(dev)->mem.bos));
}
static DEVICE_ATTR_RO(bos);

/* Memory channels. */
static ssize_t channels_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", to_fllm(dev)->mem.channels);
}
static DEVICE_ATTR_RO(channels);

static struct attribute *fllm_mem_attrs[] = {
	&dev_attr_total.attr,
	&dev_attr_used.attr,
	&dev_attr_free.attr,
	&dev_attr_bos.attr,
	&dev_attr_channels.attr,
	NULL,
};

static const struct attribute_group fllm_mem_group = {
	.name = "memory",
	.attrs = fllm_mem_attrs,
};

/* telemetry/: a 32-bit register, signed or not, or a 64-bit counter. */
struct fllm_tel_attr {
	struct device_attribute attr;
	u32 reg;
	u8 kind;
};

enum { FLLM_TEL_U32, FLLM_TEL_S32, FLLM_TEL_U64 };

/* One telemetry register, read now. */
static ssize_t fllm_tel_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct fllm_tel_attr *t = container_of(attr, struct fllm_tel_attr, attr);
	struct fllm_dev *fdev = to_fllm(dev);

	switch (t->kind) {
	case FLLM_TEL_S32:
		return sysfs_emit(buf, "%d\n", (s32)fllm_rd(fdev, t->reg));
	case FLLM_TEL_U64:
		return sysfs_emit(buf, "%llu\n", fllm_rd64(fdev, t->reg));
	default:
		return sysfs_emit(buf, "%u\n", fllm_rd(fdev, t->reg));
	}
}

#define FLLM_TEL(_name, _reg, _kind)						\
	static struct fllm_tel_attr fllm_tel_##_name = {			\
		.attr = __ATTR(_name, 0444, fllm_tel_show, NULL),		\
		.reg = _reg,							\
		.kind = _kind,							\
	}

FLLM_TEL(power_mw, FLLM_REG_TEL_POWER_MW, FLLM_TEL_U32);
FLLM_TEL(temp_mc, FLLM_REG_TEL_TEMP_MC, FLLM_TEL_S32);
FLLM_TEL(vccint_mv, FLLM_REG_TEL_VCCINT_MV, FLLM_TEL_U32);
FLLM_TEL(util_permille, FLLM_REG_TEL_UTIL, FLLM_TEL_U32);
FLLM_TEL(mem_util_permille, FLLM_REG_TEL_MEM_UTIL, FLLM_TEL_U32);
FLLM_TEL(energy_mj, FLLM_REG_TEL_ENERGY_LO, FLLM_TEL_U64);
FLLM_TEL(cycles, FLLM_REG_TEL_CYCLES_LO, FLLM_TEL_U64);
FLLM_TEL(cmds, FLLM_REG_TEL_CMDS_LO, FLLM_TEL_U64);
FLLM_TEL(cmd_errors, FLLM_REG_TEL_CMD_ERRORS, FLLM_TEL_U32);
FLLM_TEL(dma_errors, FLLM_REG_TEL_DMA_ERRORS, FLLM_TEL_U32);
FLLM_TEL(watchdog_resets, FLLM_REG_TEL_WATCHDOG, FLLM_TEL_U32);
FLLM_TEL(reset_count, FLLM_REG_RESET_COUNT, FLLM_TEL_U32);
FLLM_TEL(irq_count, FLLM_REG_IRQ_COUNT, FLLM_TEL_U32);

/* cu_busy_cycles: every unit's busy counter (FLLM_REG_CU_BUSY), in inventory order. */
static ssize_t cu_busy_cycles_show(struct device *dev, struct device_attribute *attr,
				   char *buf)
{
	struct fllm_dev *fdev = to_fllm(dev);
	u32 i, n = fllm_rd(fdev, FLLM_REG_TEL_CU_BUSY_N);
	ssize_t len = 0;

	n = min_t(u32, n, FLLM_CU_MAX);
	for (i = 0; i < n; i++)
		len += sysfs_emit_at(buf, len, "%s%llu", i ? " " : "",
				     fllm_rd64(fdev, FLLM_REG_CU_BUSY_LO(i)));
	len += sysfs_emit_at(buf, len, "\n");
	return len;
}
static DEVICE_ATTR_RO(cu_busy_cycles);

static struct attribute *fllm_tel_attrs[] = {
	&fllm_tel_power_mw.attr.attr,
	&fllm_tel_temp_mc.attr.attr,
	&fllm_tel_vccint_mv.attr.attr,
	&fllm_tel_util_permille.attr.attr,
	&fllm_tel_mem_util_permille.attr.attr,
	&fllm_tel_energy_mj.attr.attr,
	&fllm_tel_cycles.attr.attr,
	&fllm_tel_cmds.attr.attr,
	&fllm_tel_cmd_errors.attr.attr,
	&fllm_tel_dma_errors.attr.attr,
	&fllm_tel_watchdog_resets.attr.attr,
	&fllm_tel_reset_count.attr.attr,
	&fllm_tel_irq_count.attr.attr,
	&dev_attr_cu_busy_cycles.attr,
	NULL,
};

static const struct attribute_group fllm_tel_group = {
	.name = "telemetry",
	.attrs = fllm_tel_attrs,
};

/* link/: PCIe speed and width, "unknown" where the device has no PCIe link. */
static const char *fllm_link_speed(u16 code)
{
	static const char *const speeds[] = {
		"unknown", "2.5 GT/s", "5.0 GT/s", "8.0 GT/s", "16.0 GT/s", "32.0 GT/s",
		"64.0 GT/s",
	};

	return code < ARRAY_SIZE(speeds) ? speeds[code] : "unknown";
}

/* PCI_EXP_LNKSTA or PCI_EXP_LNKCAP as (speed code, width); zeros when unknown. */
static void fllm_link_read(struct fllm_dev *fdev, bool cap, u16 *speed, u16 *width)
{
	u32 v = 0;
	u16 sta = 0;

	*speed = 0;
	*width = 0;
	if (!pci_is_pcie(fdev->pdev))
		return;
	if (cap) {
		pcie_capability_read_dword(fdev->pdev, PCI_EXP_LNKCAP, &v);
		*speed = v & PCI_EXP_LNKCAP_SLS;
		*width = (v & PCI_EXP_LNKCAP_MLW) >> 4;
	} else {
		pcie_capability_read_word(fdev->pdev, PCI_EXP_LNKSTA, &sta);
		*speed = sta & PCI_EXP_LNKSTA_CLS;
		*width = (sta & PCI_EXP_LNKSTA_NLW) >> PCI_EXP_LNKSTA_NLW_SHIFT;
	}
}

/* A link speed or width as text. */
static ssize_t fllm_link_show(struct device *dev, char *buf, bool cap, bool width)
{
	u16 s, w;

	fllm_link_read(to_fllm(dev), cap, &s, &w);
	if (width)
		return w ? sysfs_emit(buf, "%u\n", w) : sysfs_emit(buf, "unknown\n");
	return sysfs_emit(buf, "%s\n", fllm_link_speed(s));
}

/* The link attributes: current and supported (max_) speed and width. */
#define FLLM_LINK_ATTR(name, max, width)					\
static ssize_t name##_show(struct device *dev, struct device_attribute *attr,	\
			   char *buf)						\
{										\
	return fllm_link_show(dev, buf, max, width);				\
}										\
static DEVICE_ATTR_RO(name)

FLLM_LINK_ATTR(speed, false, false);
FLLM_LINK_ATTR(width, false, true);
FLLM_LINK_ATTR(max_speed, true, false);
FLLM_LINK_ATTR(max_width, true, true);

static struct attribute *fllm_link_attrs[] = {
	&dev_attr_speed.attr,
	&dev_attr_width.attr,
	&dev_attr_max_speed.attr,
	&dev_attr_max_width.attr,
	NULL,
};

static const struct attribute_group fllm_link_group = {
	.name = "link",
	.attrs = fllm_link_attrs,
};

const struct attribute_group *fllm_dev_groups[] = {
	&fllm_card_group,
	&fllm_mem_group,
	&fllm_tel_group,
	&fllm_link_group,
	NULL,
};
