/*
 * Reading a card image: every offset, size and count is checked against
 * the buffer before it is used, so any bytes give either a valid struct
 * fllm_image or one error line (docs/images.md lists the checks).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "image_internal.h"
#include "xclbin.h"

#define BAD(...) img_fail(err, el, -EBADMSG, __VA_ARGS__)

/* The one section of kind (and name, if not NULL), or NULL; *dup set when several. */
static const struct fllm_image_section *find(const struct fllm_image *img, uint32_t kind,
					     const char *name, int *dup)
{
	const struct fllm_image_section *s = NULL;

	for (uint32_t i = 0; i < img->n_sections; i++) {
		if (img->sec[i].kind != kind || (name && strcmp(img->sec[i].name, name)))
			continue;
		if (s)
			*dup = 1;
		s = &img->sec[i];
	}
	return s;
}

/* The required section of kind, or an error naming it. */
static int need(const struct fllm_image *img, uint32_t kind, const char *name,
		const struct fllm_image_section **out, char *err, size_t el)
{
	char buf[16];
	int dup = 0;

	*out = find(img, kind, name, &dup);
	if (!*out)
		return BAD("no %s section%s%s", fllm_image_section_name(kind, buf, sizeof(buf)),
			   name ? " named " : "", name ? name : "");
	if (dup)
		return BAD("more than one %s section",
			   fllm_image_section_name(kind, buf, sizeof(buf)));
	return 0;
}

static int read_header(const uint8_t *p, size_t len, struct fllm_image *img, char *err,
		       size_t el)
{
	size_t head = offsetof(struct axlf, m_sections);
	struct axlf_section_header sh;
	struct axlf top;

	if (len < sizeof(top))
		return BAD("truncated: %zu bytes, an xclbin header needs %zu", len, sizeof(top));
	memcpy(&top, p, sizeof(top));
	if (memcmp(top.m_magic, "xclbin2", 8))
		return BAD("not an xclbin: magic is not \"xclbin2\"");
	if (top.m_header.m_length != len)
		return BAD("header says the file has %llu bytes, it has %zu%s",
			   (unsigned long long)top.m_header.m_length, len,
			   top.m_header.m_length > len ? " (truncated)" : "");
	if (top.m_header.m_numSections < 1 ||
	    top.m_header.m_numSections > FLLM_IMAGE_SECTIONS_MAX)
		return BAD("%u sections, expected 1..%u", top.m_header.m_numSections,
			   FLLM_IMAGE_SECTIONS_MAX);
	img->n_sections = top.m_header.m_numSections;
	head += (size_t)img->n_sections * sizeof(sh);
	if (head > len)
		return BAD("truncated: the section table needs %zu bytes, the file has %zu",
			   head, len);
	img->length = top.m_header.m_length;
	img->timestamp = top.m_header.m_timeStamp;
	img->xclbin_major = top.m_header.m_versionMajor;
	img->xclbin_minor = top.m_header.m_versionMinor;
	img->xclbin_patch = top.m_header.m_versionPatch;
	memcpy(img->uuid, top.m_header.uuid, sizeof(img->uuid));
	memcpy(img->platform, top.m_header.m_platformVBNV, 64);
	img->platform[64] = '\0';
	for (uint32_t i = 0; i < img->n_sections; i++) {
		struct fllm_image_section *s = &img->sec[i];

		memcpy(&sh, p + offsetof(struct axlf, m_sections) + i * sizeof(sh), sizeof(sh));
		s->kind = sh.m_sectionKind;
		memcpy(s->name, sh.m_sectionName, 16);
		s->name[16] = '\0';
		s->offset = sh.m_sectionOffset;
		s->size = sh.m_sectionSize;
		if (s->offset > len || s->size > len - s->offset)
			return BAD("section %u (%s) at %llu+%llu lies outside the %zu-byte file",
				   i, s->name, (unsigned long long)s->offset,
				   (unsigned long long)s->size, len);
		if (s->size && s->offset < head)
			return BAD("section %u (%s) at %llu overlaps the header (%zu bytes)", i,
				   s->name, (unsigned long long)s->offset, head);
	}
	return 0;
}

static int read_mem(const uint8_t *p, const struct fllm_image_section *s,
		    struct fllm_image *img, char *err, size_t el)
{
	size_t first = offsetof(struct mem_topology, m_mem_data);
	int32_t count;

	if (s->size < sizeof(count))
		return BAD("MEM_TOPOLOGY: %llu bytes, too short", (unsigned long long)s->size);
	memcpy(&count, p + s->offset, sizeof(count));
	if (count < 1 || (uint32_t)count > FLLM_IMAGE_CHANNELS_MAX)
		return BAD("MEM_TOPOLOGY: %d banks, expected 1..%u", count,
			   FLLM_IMAGE_CHANNELS_MAX);
	if (s->size < first + (uint64_t)count * sizeof(struct mem_data))
		return BAD("MEM_TOPOLOGY: %d banks need %zu bytes, the section has %llu", count,
			   first + (size_t)count * sizeof(struct mem_data),
			   (unsigned long long)s->size);
	img->n_banks = (uint32_t)count;
	for (uint32_t b = 0; b < img->n_banks; b++) {
		struct mem_data md;

		memcpy(&md, p + s->offset + first + b * sizeof(md), sizeof(md));
		if (!memchr(md.m_tag, '\0', sizeof(md.m_tag)))
			return BAD("MEM_TOPOLOGY: bank %u tag is not NUL-terminated", b);
		if (md.m_size > (UINT64_MAX >> 10))
			return BAD("MEM_TOPOLOGY: bank %u size %llu KiB too large", b,
				   (unsigned long long)md.m_size);
		img->bank_size[b] = md.m_used ? md.m_size << 10 : 0;
		img->bank_base[b] = md.m_base_address;
		memcpy(img->bank_tag[b], md.m_tag, 16);
		img->bank_tag[b][16] = '\0';
	}
	return 0;
}

static int read_ip(const uint8_t *p, const struct fllm_image_section *s,
		   struct fllm_image *img, int32_t *n_ip, char *err, size_t el)
{
	size_t first = offsetof(struct ip_layout, m_ip_data);
	int32_t count;

	if (s->size < sizeof(count))
		return BAD("IP_LAYOUT: %llu bytes, too short", (unsigned long long)s->size);
	memcpy(&count, p + s->offset, sizeof(count));
	if (count < 0 || count > 64)
		return BAD("IP_LAYOUT: %d entries, expected 0..64", count);
	if (s->size < first + (uint64_t)count * sizeof(struct ip_data))
		return BAD("IP_LAYOUT: %d entries need %zu bytes, the section has %llu", count,
			   first + (size_t)count * sizeof(struct ip_data),
			   (unsigned long long)s->size);
	*n_ip = count;
	for (int32_t i = 0; i < count; i++) {
		struct fllm_image_kernel *k;
		struct ip_data ip;

		memcpy(&ip, p + s->offset + first + (size_t)i * sizeof(ip), sizeof(ip));
		if (!memchr(ip.m_name, '\0', sizeof(ip.m_name)))
			return BAD("IP_LAYOUT: entry %d name is not NUL-terminated", i);
		if (ip.m_type != IP_KERNEL)
			continue;
		if (img->n_kernels == FLLM_IMAGE_KERNELS_MAX)
			return BAD("IP_LAYOUT: more than %u kernels", FLLM_IMAGE_KERNELS_MAX);
		k = &img->kernel[img->n_kernels++];
		memcpy(k->name, ip.m_name, sizeof(k->name));
		k->base = ip.m_base_address;
		k->ip_index = (uint32_t)i;
	}
	return 0;
}

static int read_conn(const uint8_t *p, const struct fllm_image_section *s,
		     struct fllm_image *img, int32_t n_ip, char *err, size_t el)
{
	size_t first = offsetof(struct connectivity, m_connection);
	int32_t count;

	if (s->size < sizeof(count))
		return BAD("CONNECTIVITY: %llu bytes, too short", (unsigned long long)s->size);
	memcpy(&count, p + s->offset, sizeof(count));
	if (count < 0 || count > 4096)
		return BAD("CONNECTIVITY: %d entries, expected 0..4096", count);
	if (s->size < first + (uint64_t)count * sizeof(struct connection))
		return BAD("CONNECTIVITY: %d entries need %zu bytes, the section has %llu",
			   count, first + (size_t)count * sizeof(struct connection),
			   (unsigned long long)s->size);
	for (int32_t i = 0; i < count; i++) {
		struct fllm_image_kernel *k = NULL;
		struct connection cn;

		memcpy(&cn, p + s->offset + first + (size_t)i * sizeof(cn), sizeof(cn));
		if (cn.arg_index < 0 || (uint32_t)cn.arg_index >= FLLM_IMAGE_ARGS_MAX)
			return BAD("CONNECTIVITY: entry %d argument %d outside 0..%u", i,
				   cn.arg_index, FLLM_IMAGE_ARGS_MAX - 1);
		if (cn.m_ip_layout_index < 0 || cn.m_ip_layout_index >= n_ip)
			return BAD("CONNECTIVITY: entry %d names IP %d of %d", i,
				   cn.m_ip_layout_index, n_ip);
		if (cn.mem_data_index < 0 || (uint32_t)cn.mem_data_index >= img->n_banks ||
		    !img->bank_size[cn.mem_data_index])
			return BAD("CONNECTIVITY: entry %d names bank %d, not a used bank of %u", i,
				   cn.mem_data_index, img->n_banks);
		for (uint32_t j = 0; j < img->n_kernels; j++)
			if (img->kernel[j].ip_index == (uint32_t)cn.m_ip_layout_index)
				k = &img->kernel[j];
		if (!k)
			return BAD("CONNECTIVITY: entry %d names IP %d, which is not a kernel", i,
				   cn.m_ip_layout_index);
		if (!k->arg_banks[cn.arg_index])
			k->n_args++;
		k->arg_banks[cn.arg_index] |= 1ull << cn.mem_data_index;
	}
	return 0;
}

static int read_meta(const uint8_t *p, const struct fllm_image_section *s,
		     struct fllm_image *img, char *err, size_t el)
{
	struct fllm_image_meta *m = &img->meta;
	uint64_t total = 0;

	if (s->size < sizeof(*m))
		return BAD("fllm metadata: %llu bytes, version 1 has %zu",
			   (unsigned long long)s->size, sizeof(*m));
	memcpy(m, p + s->offset, sizeof(*m));
	if (memcmp(m->magic, FLLM_IMAGE_META_MAGIC, sizeof(m->magic)))
		return BAD("fllm metadata: bad magic");
	if (m->version < 1 || m->size < sizeof(*m) || m->size != s->size)
		return BAD("fllm metadata: version %u, size %u in a %llu-byte section",
			   m->version, m->size, (unsigned long long)s->size);
	for (size_t i = 0; m->version == 1 && i < sizeof(m->reserved); i++)
		if (m->reserved[i])
			return BAD("fllm metadata: reserved byte %zu is not zero", i);
	if (m->clock_khz < 1000 || m->clock_khz > 2000000)
		return BAD("fllm metadata: clock %u kHz outside 1000..2000000", m->clock_khz);
	if (m->mem_kind > FLLM_IMAGE_MEM_DDR)
		return BAD("fllm metadata: unknown memory kind %u", m->mem_kind);
	if (m->mem_channels != img->n_banks)
		return BAD("fllm metadata: %u memory channels, MEM_TOPOLOGY has %u banks",
			   m->mem_channels, img->n_banks);
	for (uint32_t b = 0; b < img->n_banks; b++)
		total += img->bank_size[b];
	if (m->mem_size != total)
		return BAD("fllm metadata: memory %llu bytes, MEM_TOPOLOGY banks hold %llu",
			   (unsigned long long)m->mem_size, (unsigned long long)total);
	if (m->cu_count < 1 || m->cu_count > FLLM_CU_MAX)
		return BAD("fllm metadata: %u compute units, expected 1..%u", m->cu_count,
			   FLLM_CU_MAX);
	for (uint32_t i = 0; i < m->cu_count; i++)
		if (FLLM_CU_INFO_TYPE(m->cu[i].info) == FLLM_CU_NONE || m->cu[i].info >> 16)
			return BAD("fllm metadata: compute unit %u has info 0x%08x", i,
				   m->cu[i].info);
	for (uint32_t i = m->cu_count; i < FLLM_CU_MAX; i++)
		if (m->cu[i].info || m->cu[i].caps)
			return BAD("fllm metadata: unused compute-unit entry %u is not zero", i);
	if (m->lutgemm_slices > FLLM_LUTGEMM_SLICES_MAX)
		return BAD("fllm metadata: %u LUT-GEMM slices, at most %u", m->lutgemm_slices,
			   FLLM_LUTGEMM_SLICES_MAX);
	return 0;
}

/* See fllm_image.h. */
int fllm_image_parse(const void *buf, size_t len, struct fllm_image *img, char *err,
		     size_t err_len)
{
	const struct fllm_image_section *mem, *ip, *conn, *xml, *meta, *bit;
	const uint8_t *p = buf;
	size_t el = err_len;
	int32_t n_ip = 0;
	int rc, dup = 0;

	memset(img, 0, sizeof(*img));
	rc = read_header(p, len, img, err, el);
	if (!rc)
		rc = need(img, MEM_TOPOLOGY, NULL, &mem, err, el);
	if (!rc)
		rc = need(img, IP_LAYOUT, NULL, &ip, err, el);
	if (!rc)
		rc = need(img, CONNECTIVITY, NULL, &conn, err, el);
	if (!rc)
		rc = need(img, EMBEDDED_METADATA, NULL, &xml, err, el);
	if (!rc)
		rc = need(img, USER_METADATA, FLLM_IMAGE_META_NAME, &meta, err, el);
	if (!rc)
		rc = read_mem(p, mem, img, err, el);
	if (!rc)
		rc = read_ip(p, ip, img, &n_ip, err, el);
	if (!rc)
		rc = read_conn(p, conn, img, n_ip, err, el);
	if (!rc)
		rc = read_meta(p, meta, img, err, el);
	if (rc)
		return rc;
	if (!xml->size || memchr(p + xml->offset, '\0', xml->size))
		return BAD("EMBEDDED_METADATA: empty or holds a NUL byte");
	img->xml = (const char *)p + xml->offset;
	img->xml_size = xml->size;
	bit = find(img, BITSTREAM, NULL, &dup);
	if (dup)
		return BAD("more than one BITSTREAM section");
	if (bit) {
		img->bitstream = p + bit->offset;
		img->bitstream_size = bit->size;
	}
	return 0;
}
