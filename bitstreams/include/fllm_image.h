/*
 * fllm card images: .xclbin (axlf) containers written and read with the
 * structs of XRT's <xrt/xclbin.h>, plus fllm's own metadata section.
 * docs/images.md describes the layout.
 *
 * An image holds: MEM_TOPOLOGY (one bank per memory channel), IP_LAYOUT (one
 * kernel instance per compute unit that has a Vitis kernel), CONNECTIVITY
 * (each kernel argument to its banks), EMBEDDED_METADATA (the kernel-argument
 * XML XRT reads), USER_METADATA "fllm" (struct fllm_image_meta: interface
 * and numerics versions, units, clock, memory) and, when a bitstream file is
 * given, BITSTREAM.
 *
 * Functions return 0 or a negative errno: -EINVAL (bad description from the
 * caller), -EBADMSG (malformed image), -ENOEXEC (image for another interface
 * or numerics version), -ENOMEM, or a file error. On failure err (when not
 * NULL) holds one line saying what is wrong; nothing is printed.
 */
#ifndef FLLM_IMAGE_H
#define FLLM_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "fllm_card.h"
#include "fllm_card_lutgemm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Section name of the fllm metadata (USER_METADATA kind). */
#define FLLM_IMAGE_META_NAME	"fllm"
#define FLLM_IMAGE_META_MAGIC	"FLLMIMG"	/* 8 bytes with the NUL */
#define FLLM_IMAGE_META_VERSION	1u

enum fllm_image_mem_kind {
	FLLM_IMAGE_MEM_HBM = 0,		/* banks "HBM[c]" */
	FLLM_IMAGE_MEM_DDR = 1,		/* banks "DDR[c]" */
};

/* One compute unit: the card's FLLM_REG_CU_INFO and FLLM_REG_CU_CAPS values. */
struct fllm_image_unit {
	uint32_t info;		/* FLLM_CU_INFO_MAKE(type, version) */
	uint32_t caps;		/* type specific */
};
FLLM_CARD_STATIC_ASSERT(sizeof(struct fllm_image_unit) == 8, "fllm_image_unit layout");

/*
 * The USER_METADATA "fllm" section, little-endian, exactly this size. Fields
 * after `size` may grow at the end in later versions (size says how much).
 */
struct fllm_image_meta {
	char magic[8];			/* FLLM_IMAGE_META_MAGIC */
	uint32_t version;		/* FLLM_IMAGE_META_VERSION */
	uint32_t size;			/* sizeof(struct fllm_image_meta) */
	uint32_t if_version;		/* FLLM_CARD_IF_VERSION the card speaks */
	uint32_t numerics_version;	/* FLLM_NUMERICS_VERSION its units implement */
	uint32_t clock_khz;		/* kernel clock */
	uint32_t mem_kind;		/* enum fllm_image_mem_kind */
	uint64_t mem_size;		/* card memory bytes, all channels */
	uint32_t mem_channels;		/* 1..FLLM_IMAGE_CHANNELS_MAX */
	uint32_t mem_chan_mbps;		/* peak per channel, MB/s */
	uint32_t cu_count;		/* entries of cu[] in use, 1..FLLM_CU_MAX */
	uint32_t lutgemm_slices;	/* weight ports of the LUT-GEMM unit (0 = none) */
	struct fllm_image_unit cu[FLLM_CU_MAX];	/* (cu_count) inventory */
	uint64_t timestamp;		/* seconds since 1970 when built */
	uint8_t reserved[32];		/* zero */
};
FLLM_CARD_STATIC_ASSERT(sizeof(struct fllm_image_meta) == 224, "fllm_image_meta layout");

#define FLLM_IMAGE_CHANNELS_MAX	64u	/* memory banks in MEM_TOPOLOGY */
#define FLLM_IMAGE_SECTIONS_MAX	16u	/* sections a reader accepts */
#define FLLM_IMAGE_KERNELS_MAX	8u
#define FLLM_IMAGE_ARGS_MAX	64u	/* arguments per kernel */
#define FLLM_IMAGE_BYTES_MAX	(1ull << 31)	/* largest image file */

/* What to put in an image. */
struct fllm_image_desc {
	struct fllm_image_meta meta;	/* magic, version, size filled by the writer */
	char platform[64];		/* platform VBNV, NUL-terminated */
	const void *bitstream;		/* (bitstream_size) bytes, or NULL */
	uint64_t bitstream_size;
};

/* One section as the reader found it. */
struct fllm_image_section {
	uint32_t kind;			/* enum axlf_section_kind */
	char name[17];
	uint64_t offset, size;
};

/* One kernel instance of IP_LAYOUT with its argument banks from CONNECTIVITY. */
struct fllm_image_kernel {
	char name[64];			/* "fllm_lutgemm_krnl:fllm_lutgemm_1" */
	uint64_t base;			/* control registers' address */
	uint32_t n_args;		/* connected arguments */
	uint32_t ip_index;		/* index in IP_LAYOUT */
	uint64_t arg_banks[FLLM_IMAGE_ARGS_MAX];	/* bit b: bank b (b < 64) */
};

/* A parsed image; pointers point into the buffer given to fllm_image_parse. */
struct fllm_image {
	struct fllm_image_meta meta;
	char platform[65];
	uint8_t uuid[16];
	uint64_t length, timestamp;
	uint8_t xclbin_major, xclbin_minor;
	uint16_t xclbin_patch;
	uint32_t n_sections;
	struct fllm_image_section sec[FLLM_IMAGE_SECTIONS_MAX];
	uint32_t n_banks;		/* MEM_TOPOLOGY entries */
	uint64_t bank_size[FLLM_IMAGE_CHANNELS_MAX];	/* bytes */
	uint64_t bank_base[FLLM_IMAGE_CHANNELS_MAX];
	char bank_tag[FLLM_IMAGE_CHANNELS_MAX][17];
	uint32_t n_kernels;
	struct fllm_image_kernel kernel[FLLM_IMAGE_KERNELS_MAX];
	const char *xml;		/* EMBEDDED_METADATA text, xml_size bytes */
	uint64_t xml_size;
	const void *bitstream;		/* NULL when the image carries none */
	uint64_t bitstream_size;
};

/* Fill desc->meta's identity fields and this build's versions; zero the rest. */
void fllm_image_desc_init(struct fllm_image_desc *desc);

/*
 * Build an image from desc into a malloc'd buffer (*out, *out_len); the
 * caller frees it. The uuid is derived from the content, so equal
 * descriptions give equal files.
 */
int fllm_image_build(const struct fllm_image_desc *desc, void **out, size_t *out_len, char *err,
		     size_t err_len);

/* Check every header, offset and size of buf; fill img on success. */
int fllm_image_parse(const void *buf, size_t len, struct fllm_image *img, char *err,
		     size_t err_len);

/*
 * 0 when meta's interface major version and numerics version are the ones
 * this build speaks; -ENOEXEC with a message naming both otherwise.
 */
int fllm_image_check_versions(const struct fllm_image_meta *meta, char *err, size_t err_len);

/* Read a whole file (at most FLLM_IMAGE_BYTES_MAX) into a malloc'd buffer. */
int fllm_image_read_file(const char *path, void **out, size_t *out_len, char *err,
			 size_t err_len);

/* Name of a section kind ("MEM_TOPOLOGY"), "kind N" text for others in buf. */
const char *fllm_image_section_name(uint32_t kind, char *buf, size_t buf_len);

/* The Vitis kernel that implements a unit type, or NULL when none exists. */
const char *fllm_image_kernel_for(uint32_t cu_type);

#ifdef __cplusplus
}
#endif

#endif /* FLLM_IMAGE_H */
