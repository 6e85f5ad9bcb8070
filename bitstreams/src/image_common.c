/* Card images: buffers, messages, defaults and names shared by reader and writer. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image_internal.h"
#include "xclbin.h"

void img_buf_put(struct img_buf *b, const void *src, size_t n)
{
	if (!b->ok)
		return;
	if (n > b->cap - b->len) {
		size_t cap = b->cap ? b->cap : 4096;
		uint8_t *p;

		while (cap - b->len < n && cap < FLLM_IMAGE_BYTES_MAX)
			cap *= 2;
		p = cap - b->len < n ? NULL : realloc(b->data, cap);
		if (!p) {
			b->ok = 0;
			return;
		}
		b->data = p;
		b->cap = cap;
	}
	if (src)
		memcpy(b->data + b->len, src, n);
	else
		memset(b->data + b->len, 0, n);
	b->len += n;
}

void img_buf_printf(struct img_buf *b, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line)) {
		b->ok = 0;
		return;
	}
	img_buf_put(b, line, (size_t)n);
}

void img_buf_align8(struct img_buf *b)
{
	img_buf_put(b, NULL, (8 - b->len % 8) % 8);
}

int img_fail(char *err, size_t err_len, int code, const char *fmt, ...)
{
	va_list ap;

	if (err && err_len) {
		va_start(ap, fmt);
		vsnprintf(err, err_len, fmt, ap);
		va_end(ap);
	}
	return code;
}

/* See fllm_image.h. */
void fllm_image_desc_init(struct fllm_image_desc *desc)
{
	memset(desc, 0, sizeof(*desc));
	memcpy(desc->meta.magic, FLLM_IMAGE_META_MAGIC, sizeof(desc->meta.magic));
	desc->meta.version = FLLM_IMAGE_META_VERSION;
	desc->meta.size = sizeof(desc->meta);
	desc->meta.if_version = FLLM_CARD_IF_VERSION;
	desc->meta.numerics_version = FLLM_NUMERICS_VERSION;
}

/* See fllm_image.h. */
int fllm_image_check_versions(const struct fllm_image_meta *meta, char *err, size_t err_len)
{
	if (FLLM_CARD_IF_VERSION_MAJOR(meta->if_version) != FLLM_CARD_IF_MAJOR)
		return img_fail(err, err_len, -ENOEXEC,
				"image speaks card interface %u.%u, this build speaks %u.%u "
				"(major versions must match)",
				FLLM_CARD_IF_VERSION_MAJOR(meta->if_version),
				FLLM_CARD_IF_VERSION_MINOR(meta->if_version), FLLM_CARD_IF_MAJOR,
				FLLM_CARD_IF_MINOR);
	if (meta->numerics_version != FLLM_NUMERICS_VERSION)
		return img_fail(err, err_len, -ENOEXEC,
				"image implements numerics version %u, this build expects %u",
				meta->numerics_version, FLLM_NUMERICS_VERSION);
	return 0;
}

/* See fllm_image.h. */
int fllm_image_read_file(const char *path, void **out, size_t *out_len, char *err,
			 size_t err_len)
{
	FILE *f = fopen(path, "rb");
	struct img_buf b = { NULL, 0, 0, 1 };
	uint8_t chunk[65536];
	size_t n;
	int rc = 0;

	if (!f)
		return img_fail(err, err_len, -errno, "cannot open %s: %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (b.len + n > FLLM_IMAGE_BYTES_MAX) {
			rc = img_fail(err, err_len, -EFBIG, "%s: larger than %llu bytes", path,
				      (unsigned long long)FLLM_IMAGE_BYTES_MAX);
			break;
		}
		img_buf_put(&b, chunk, n);
	}
	if (!rc && ferror(f))
		rc = img_fail(err, err_len, -EIO, "cannot read %s", path);
	if (!rc && !b.ok)
		rc = img_fail(err, err_len, -ENOMEM, "%s: out of memory", path);
	fclose(f);
	if (rc) {
		free(b.data);
		return rc;
	}
	*out = b.data ? b.data : malloc(1);
	*out_len = b.len;
	return *out ? 0 : img_fail(err, err_len, -ENOMEM, "out of memory");
}

/* See fllm_image.h. */
const char *fllm_image_section_name(uint32_t kind, char *buf, size_t buf_len)
{
	switch (kind) {
	case BITSTREAM:
		return "BITSTREAM";
	case EMBEDDED_METADATA:
		return "EMBEDDED_METADATA";
	case MEM_TOPOLOGY:
		return "MEM_TOPOLOGY";
	case CONNECTIVITY:
		return "CONNECTIVITY";
	case IP_LAYOUT:
		return "IP_LAYOUT";
	case CLOCK_FREQ_TOPOLOGY:
		return "CLOCK_FREQ_TOPOLOGY";
	case BUILD_METADATA:
		return "BUILD_METADATA";
	case KEYVALUE_METADATA:
		return "KEYVALUE_METADATA";
	case USER_METADATA:
		return "USER_METADATA";
	default:
		snprintf(buf, buf_len, "kind %u", kind);
		return buf;
	}
}

/* See fllm_image.h. */
const char *fllm_image_kernel_for(uint32_t cu_type)
{
	return cu_type == FLLM_CU_LUTGEMM ? IMG_LG_KERNEL : NULL;
}

uint32_t img_lg_arg_offset(uint32_t i)
{
	return 0x10u + 12u * i;
}

const char *img_lg_arg_name(uint32_t i, char *buf, size_t len)
{
	static const char *const scalars[] = { "mem_bytes", "params", "params_bytes",
					       "status_addr" };

	if (i == 0)
		return "ctl";
	if (i < IMG_LG_PTR_ARGS) {
		snprintf(buf, len, "w%02u", i - 1);
		return buf;
	}
	return i < IMG_LG_ARGS ? scalars[i - IMG_LG_PTR_ARGS] : "?";
}
