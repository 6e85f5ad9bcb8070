/*
 * Writing a card image: the axlf header and section table, then the
 * sections, each 8-aligned (docs/images.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image_internal.h"
#include "xclbin.h"

#define IMG_SECTIONS_MAX 6u

struct img_section {
	uint32_t kind;
	const char *name;
	struct img_buf data;
};

/* Check what the caller asks for before anything is written. */
static int desc_check(const struct fllm_image_desc *d, char *err, size_t el)
{
	const struct fllm_image_meta *m = &d->meta;
	size_t plen = strnlen(d->platform, sizeof(d->platform));

	if (plen == 0 || plen == sizeof(d->platform))
		return img_fail(err, el, -EINVAL, "platform name must be 1..63 characters");
	for (size_t i = 0; i < plen; i++) {
		char c = d->platform[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == '.' || c == ':'))
			return img_fail(err, el, -EINVAL,
					"platform name '%s' may hold only letters, digits and _-.:",
					d->platform);
	}
	if (m->clock_khz < 1000 || m->clock_khz > 2000000)
		return img_fail(err, el, -EINVAL, "clock %u kHz outside 1000..2000000",
				m->clock_khz);
	if (m->mem_channels < 1 || m->mem_channels > FLLM_IMAGE_CHANNELS_MAX)
		return img_fail(err, el, -EINVAL, "memory channels %u outside 1..%u",
				m->mem_channels, FLLM_IMAGE_CHANNELS_MAX);
	if (m->mem_kind > FLLM_IMAGE_MEM_DDR)
		return img_fail(err, el, -EINVAL, "unknown memory kind %u", m->mem_kind);
	if (!m->mem_size || m->mem_size % ((uint64_t)m->mem_channels * 4096))
		return img_fail(err, el, -EINVAL,
				"memory size %llu is not a positive multiple of %u channels x 4 KiB",
				(unsigned long long)m->mem_size, m->mem_channels);
	if (m->cu_count < 1 || m->cu_count > FLLM_CU_MAX)
		return img_fail(err, el, -EINVAL, "compute units %u outside 1..%u", m->cu_count,
				FLLM_CU_MAX);
	for (uint32_t i = 0; i < m->cu_count; i++)
		if (FLLM_CU_INFO_TYPE(m->cu[i].info) == FLLM_CU_NONE || m->cu[i].info >> 16)
			return img_fail(err, el, -EINVAL, "compute unit %u: bad info 0x%08x", i,
					m->cu[i].info);
	if (m->lutgemm_slices > FLLM_LUTGEMM_SLICES_MAX)
		return img_fail(err, el, -EINVAL, "LUT-GEMM slices %u above %u",
				m->lutgemm_slices, FLLM_LUTGEMM_SLICES_MAX);
	if (d->bitstream_size && !d->bitstream)
		return img_fail(err, el, -EINVAL, "bitstream size without data");
	if (d->bitstream_size > FLLM_IMAGE_BYTES_MAX / 2)
		return img_fail(err, el, -EINVAL, "bitstream larger than %llu bytes",
				(unsigned long long)FLLM_IMAGE_BYTES_MAX / 2);
	return 0;
}

/* Does the inventory list a LUT-GEMM unit (which has a Vitis kernel)? */
static int desc_has_lutgemm(const struct fllm_image_meta *m)
{
	for (uint32_t i = 0; i < m->cu_count; i++)
		if (FLLM_CU_INFO_TYPE(m->cu[i].info) == FLLM_CU_LUTGEMM)
			return 1;
	return 0;
}

static void put_mem_topology(struct img_buf *b, const struct fllm_image_meta *m)
{
	int32_t count = (int32_t)m->mem_channels;
	uint64_t chan = m->mem_size / m->mem_channels;

	img_buf_put(b, &count, sizeof(count));
	img_buf_put(b, NULL, offsetof(struct mem_topology, m_mem_data) - sizeof(count));
	for (uint32_t c = 0; c < m->mem_channels; c++) {
		struct mem_data md;

		memset(&md, 0, sizeof(md));
		md.m_type = m->mem_kind == FLLM_IMAGE_MEM_HBM ? MEM_HBM : MEM_DDR4;
		md.m_used = 1;
		md.m_size = chan / 1024;	/* KiB */
		md.m_base_address = c * chan;
		snprintf((char *)md.m_tag, sizeof(md.m_tag), "%s[%u]",
			 m->mem_kind == FLLM_IMAGE_MEM_HBM ? "HBM" : "DDR", c);
		img_buf_put(b, &md, sizeof(md));
	}
}

static void put_ip_layout(struct img_buf *b, int has_lutgemm)
{
	int32_t count = has_lutgemm;
	struct ip_data ip;

	img_buf_put(b, &count, sizeof(count));
	img_buf_put(b, NULL, offsetof(struct ip_layout, m_ip_data) - sizeof(count));
	if (!has_lutgemm)
		return;
	memset(&ip, 0, sizeof(ip));
	ip.m_type = IP_KERNEL;
	ip.properties = (uint32_t)AP_CTRL_HS << IP_CONTROL_SHIFT;
	ip.m_base_address = IMG_LG_BASE;
	snprintf((char *)ip.m_name, sizeof(ip.m_name), "%s:%s", IMG_LG_KERNEL, IMG_LG_INSTANCE);
	img_buf_put(b, &ip, sizeof(ip));
}

/*
 * As hls/vitis/connectivity.cfg: ctl reaches every bank, weight port wNN
 * bank NN (modulo the channels this card has).
 */
static void put_connectivity(struct img_buf *b, const struct fllm_image_meta *m,
			     int has_lutgemm)
{
	int32_t count = has_lutgemm ? (int32_t)(m->mem_channels + IMG_LG_PTR_ARGS - 1) : 0;
	struct connection cn;

	img_buf_put(b, &count, sizeof(count));
	for (uint32_t c = 0; has_lutgemm && c < m->mem_channels; c++) {
		cn = (struct connection){ 0, 0, (int32_t)c };
		img_buf_put(b, &cn, sizeof(cn));
	}
	for (uint32_t a = 1; has_lutgemm && a < IMG_LG_PTR_ARGS; a++) {
		cn = (struct connection){ (int32_t)a, 0, (int32_t)((a - 1) % m->mem_channels) };
		img_buf_put(b, &cn, sizeof(cn));
	}
}

/* 64-bit FNV-1a, continued from h. */
static uint64_t fnv1a(uint64_t h, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

/* See fllm_image.h. */
int fllm_image_build(const struct fllm_image_desc *desc, void **out, size_t *out_len, char *err,
		     size_t err_len)
{
	struct img_section sec[IMG_SECTIONS_MAX];
	struct fllm_image_meta meta = desc->meta;
	int has_lg = desc_has_lutgemm(&desc->meta);
	struct img_buf file = { NULL, 0, 0, 1 };
	uint32_t n = 0, ok = 1;
	uint64_t h1 = 0xcbf29ce484222325ull, h2 = 0x84222325cbf29ce4ull;
	size_t head, off;
	struct axlf top;
	int rc;

	rc = desc_check(desc, err, err_len);
	if (rc)
		return rc;
	memcpy(meta.magic, FLLM_IMAGE_META_MAGIC, sizeof(meta.magic));
	meta.version = FLLM_IMAGE_META_VERSION;
	meta.size = sizeof(meta);
	memset(meta.reserved, 0, sizeof(meta.reserved));
	memset(sec, 0, sizeof(sec));
	for (uint32_t i = 0; i < IMG_SECTIONS_MAX; i++)
		sec[i].data.ok = 1;
	sec[n].kind = MEM_TOPOLOGY;
	sec[n].name = "mem_topology";
	put_mem_topology(&sec[n++].data, &meta);
	sec[n].kind = IP_LAYOUT;
	sec[n].name = "ip_layout";
	put_ip_layout(&sec[n++].data, has_lg);
	sec[n].kind = CONNECTIVITY;
	sec[n].name = "connectivity";
	put_connectivity(&sec[n++].data, &meta, has_lg);
	sec[n].kind = EMBEDDED_METADATA;
	sec[n].name = "runtime_data";
	img_xml_write(&sec[n++].data, desc, has_lg);
	sec[n].kind = USER_METADATA;
	sec[n].name = FLLM_IMAGE_META_NAME;
	img_buf_put(&sec[n++].data, &meta, sizeof(meta));
	if (desc->bitstream_size) {
		sec[n].kind = BITSTREAM;
		sec[n].name = "bitstream";
		img_buf_put(&sec[n++].data, desc->bitstream, desc->bitstream_size);
	}

	memset(&top, 0, sizeof(top));
	memcpy(top.m_magic, "xclbin2", 8);
	top.m_signature_length = -1;
	memset(top.reserved, 0xff, sizeof(top.reserved));
	memset(top.m_keyBlock, 0xff, sizeof(top.m_keyBlock));
	top.m_header.m_timeStamp = meta.timestamp;
	top.m_header.m_versionMajor = 2;
	top.m_header.m_versionMinor = 13;
	top.m_header.m_mode = XCLBIN_FLAT;
	memcpy(top.m_header.m_platformVBNV, desc->platform, strlen(desc->platform));
	top.m_header.m_numSections = n;
	head = offsetof(struct axlf, m_sections) + n * sizeof(struct axlf_section_header);
	off = (head + 7) & ~(size_t)7;
	for (uint32_t i = 0; i < n; i++) {
		ok &= (uint32_t)sec[i].data.ok;
		off = (off + 7) & ~(size_t)7;
		off += sec[i].data.len;
		h1 = fnv1a(h1, sec[i].data.data, sec[i].data.len);
		h2 = fnv1a(h2 ^ i, sec[i].data.data, sec[i].data.len);
	}
	top.m_header.m_length = off;
	memcpy(top.m_header.uuid, &h1, 8);
	memcpy(top.m_header.uuid + 8, &h2, 8);
	top.m_uniqueId = h1 ^ h2;

	img_buf_put(&file, &top, offsetof(struct axlf, m_sections));
	off = (head + 7) & ~(size_t)7;
	for (uint32_t i = 0; i < n; i++) {
		struct axlf_section_header sh;

		memset(&sh, 0, sizeof(sh));
		off = (off + 7) & ~(size_t)7;
		sh.m_sectionKind = sec[i].kind;
		strncpy(sh.m_sectionName, sec[i].name, sizeof(sh.m_sectionName) - 1);
		sh.m_sectionOffset = off;
		sh.m_sectionSize = sec[i].data.len;
		img_buf_put(&file, &sh, sizeof(sh));
		off += sec[i].data.len;
	}
	for (uint32_t i = 0; i < n; i++) {
		img_buf_align8(&file);
		img_buf_put(&file, sec[i].data.data, sec[i].data.len);
		free(sec[i].data.data);
	}
	if (!ok || !file.ok) {
		free(file.data);
		return img_fail(err, err_len, -ENOMEM, "out of memory building the image");
	}
	*out = file.data;
	*out_len = file.len;
	return 0;
}
