/*
 * Checking a package image before anything trusts it: the header, the
 * section table, each section's placement and CRC-32. What a section holds
 * is checked by its consumer (package/package_load.c, package_tokenizer.c).
 */
#include <stdlib.h>
#include <string.h>

#include "package.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "model packages are little-endian and read by copying: a big-endian host needs swaps"
#endif

static const char *const pkg_kind_name[FLLM_PKG_KIND_END] = {
	[FLLM_PKG_CONFIG] = "config", [FLLM_PKG_QUANT] = "quant",
	[FLLM_PKG_TOKENIZER] = "tokenizer", [FLLM_PKG_F32] = "f32 tensor",
	[FLLM_PKG_BCQ] = "bcq tensor", [FLLM_PKG_REPORT] = "report",
};

/* See package.h. */
int fllm_pkg_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return 0;
	return 1;
}

/* The header's own fields, the table's placement and checksum. */
static fllm_status pkg_check_header(const struct fllm_pkg_header *h, const uint8_t *data,
				    size_t size, struct fllm_err *err)
{
	uint64_t table_bytes;

	if (h->magic != FLLM_PKG_MAGIC)
		return fllm_err_set(err, FLLM_E_FORMAT, "not a model package (magic 0x%08x)",
				    h->magic);
	if (h->version != FLLM_PKG_VERSION)
		return fllm_err_set(err, FLLM_E_FORMAT,
				    "package version %u not supported (this reader: %u)",
				    h->version, FLLM_PKG_VERSION);
	if (fllm_pkg_crc32(0, data, offsetof(struct fllm_pkg_header, header_crc)) !=
	    h->header_crc)
		return fllm_err_set(err, FLLM_E_FORMAT, "package header checksum mismatch");
	if (h->header_bytes != sizeof(*h) || h->entry_bytes != sizeof(struct fllm_pkg_entry))
		return fllm_err_set(err, FLLM_E_FORMAT,
				    "package header says %u-byte header and %u-byte entries "
				    "(expected %zu and %zu)", h->header_bytes, h->entry_bytes,
				    sizeof(*h), sizeof(struct fllm_pkg_entry));
	if (!fllm_pkg_zero(h->reserved, sizeof(h->reserved)))
		return fllm_err_set(err, FLLM_E_FORMAT, "package header: reserved bytes not 0");
	if (h->file_bytes != size)
		return fllm_err_set(err, FLLM_E_FORMAT,
				    "package header says %llu bytes, the file has %zu (truncated?)",
				    (unsigned long long)h->file_bytes, size);
	if (!h->section_count || h->section_count > FLLM_PKG_SECTIONS_MAX)
		return fllm_err_set(err, FLLM_E_FORMAT, "section count %u out of range 1..%u",
				    h->section_count, FLLM_PKG_SECTIONS_MAX);
	table_bytes = (uint64_t)h->section_count * sizeof(struct fllm_pkg_entry);
	if (h->table_offset < sizeof(*h) || h->table_offset % FLLM_PKG_ALIGN ||
	    h->table_offset > size || table_bytes > size - h->table_offset)
		return fllm_err_set(err, FLLM_E_FORMAT,
				    "section table [%llu, +%llu) is misplaced in a %zu-byte file",
				    (unsigned long long)h->table_offset,
				    (unsigned long long)table_bytes, size);
	if (fllm_pkg_crc32(0, data + h->table_offset, table_bytes) != h->table_crc)
		return fllm_err_set(err, FLLM_E_FORMAT, "section table checksum mismatch");
	return FLLM_OK;
}

/* One entry: kind, reserved fields, name, placement after the table, CRC. */
static fllm_status pkg_check_entry(const struct fllm_pkg_entry *e, uint32_t i,
				   uint64_t data_start, const uint8_t *data, size_t size,
				   struct fllm_err *err)
{
	int tensor = e->kind == FLLM_PKG_F32 || e->kind == FLLM_PKG_BCQ;

	if (!e->kind || e->kind >= FLLM_PKG_KIND_END)
		return fllm_err_set(err, FLLM_E_FORMAT, "section %u: unknown kind %u", i, e->kind);
	if (e->flags || e->reserved)
		return fllm_err_set(err, FLLM_E_FORMAT, "section %u: flags or reserved not 0", i);
	if (!memchr(e->name, 0, sizeof(e->name)) || (tensor && !e->name[0]) ||
	    (!tensor && !fllm_pkg_zero(e->name, sizeof(e->name))))
		return fllm_err_set(err, FLLM_E_FORMAT, "section %u (%s): bad name field", i,
				    pkg_kind_name[e->kind]);
	if (e->offset < data_start || e->offset % FLLM_PKG_ALIGN || e->offset > size ||
	    e->bytes > size - e->offset)
		return fllm_err_set(err, FLLM_E_FORMAT,
				    "section %u (%s %s): [%llu, +%llu) outside the data area "
				    "[%llu, %zu) or not 64-aligned", i, pkg_kind_name[e->kind],
				    e->name, (unsigned long long)e->offset,
				    (unsigned long long)e->bytes, (unsigned long long)data_start,
				    size);
	if (fllm_pkg_crc32(0, data + e->offset, e->bytes) != e->crc)
		return fllm_err_set(err, FLLM_E_FORMAT, "section %u (%s %s): checksum mismatch",
				    i, pkg_kind_name[e->kind], e->name);
	return FLLM_OK;
}

/* F32 and BCQ sections carry a tensor name. */
static int pkg_is_tensor(const struct fllm_pkg_entry *e)
{
	return e->kind == FLLM_PKG_F32 || e->kind == FLLM_PKG_BCQ;
}

/* qsort order of tensor entries: by name. */
static int pkg_name_cmp(const void *a, const void *b)
{
	const struct fllm_pkg_entry *ea = *(const struct fllm_pkg_entry *const *)a;
	const struct fllm_pkg_entry *eb = *(const struct fllm_pkg_entry *const *)b;

	return strcmp(ea->name, eb->name);
}

/*
 * Sections in file order must not overlap; one config, quant, tokenizer,
 * report at most; tensor names unique (checked on the name index, so a
 * hostile table of many entries costs n log n, not n^2).
 */
static fllm_status pkg_check_set(struct fllm_pkg_view *v, struct fllm_err *err)
{
	uint32_t seen[FLLM_PKG_KIND_END] = { 0 };

	for (uint32_t i = 0; i < v->n_sections; i++) {
		const struct fllm_pkg_entry *a = &v->entries[i];

		if (i && a->offset < v->entries[i - 1].offset + v->entries[i - 1].bytes)
			return fllm_err_set(err, FLLM_E_FORMAT,
					    "section %u overlaps or precedes section %u", i, i - 1);
		if (pkg_is_tensor(a))
			v->by_name[v->n_tensors++] = a;
		else if (seen[a->kind]++)
			return fllm_err_set(err, FLLM_E_FORMAT, "section %u: a second %s section",
					    i, pkg_kind_name[a->kind]);
	}
	qsort(v->by_name, v->n_tensors, sizeof(*v->by_name), pkg_name_cmp);
	for (uint32_t i = 1; i < v->n_tensors; i++)
		if (!strcmp(v->by_name[i]->name, v->by_name[i - 1]->name))
			return fllm_err_set(err, FLLM_E_FORMAT, "tensor '%s' appears twice",
					    v->by_name[i]->name);
	return FLLM_OK;
}

/* See package.h. */
fllm_status fllm_pkg_view_init(struct fllm_pkg_view *v, const uint8_t *data, size_t size,
			       struct fllm_err *err)
{
	struct fllm_pkg_header h;
	uint64_t data_start;
	fllm_status st;

	memset(v, 0, sizeof(*v));
	if (size < sizeof(h))
		return fllm_err_set(err, FLLM_E_FORMAT,
				    "%zu bytes: too short for a package header (%zu)", size,
				    sizeof(h));
	memcpy(&h, data, sizeof(h));
	st = pkg_check_header(&h, data, size, err);
	if (st)
		return st;
	v->entries = malloc((size_t)h.section_count * sizeof(*v->entries));
	v->by_name = malloc((size_t)h.section_count * sizeof(*v->by_name));
	if (!v->entries || !v->by_name) {
		fllm_pkg_view_release(v);
		return fllm_err_set(err, FLLM_E_NO_MEMORY, "out of memory for %u sections",
				    h.section_count);
	}
	memcpy(v->entries, data + h.table_offset, (size_t)h.section_count * sizeof(*v->entries));
	v->data = data;
	v->size = size;
	v->n_sections = h.section_count;
	data_start = h.table_offset + (uint64_t)h.section_count * sizeof(struct fllm_pkg_entry);
	for (uint32_t i = 0; i < v->n_sections; i++) {
		st = pkg_check_entry(&v->entries[i], i, data_start, data, size, err);
		if (st)
			goto err_release;
	}
	st = pkg_check_set(v, err);
	if (st)
		goto err_release;
	return FLLM_OK;

err_release:
	fllm_pkg_view_release(v);
	return st;
}

/* See package.h. */
void fllm_pkg_view_release(struct fllm_pkg_view *v)
{
	free(v->entries);
	free(v->by_name);
	memset(v, 0, sizeof(*v));
}

/* See package.h: the first (checked to be the only) section of kind. */
const struct fllm_pkg_entry *fllm_pkg_find(const struct fllm_pkg_view *v, uint32_t kind)
{
	for (uint32_t i = 0; i < v->n_sections; i++)
		if (v->entries[i].kind == kind)
			return &v->entries[i];
	return NULL;
}

/* Binary search of the name index. */
const struct fllm_pkg_entry *fllm_pkg_find_tensor(const struct fllm_pkg_view *v,
						  const char *name)
{
	uint32_t lo = 0, hi = v->n_tensors;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = strcmp(v->by_name[mid]->name, name);

		if (!c)
			return v->by_name[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
