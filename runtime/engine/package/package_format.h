/*
 * The on-disk layout of an fllm model package (docs/package-format.md): a
 * header, a table of sections, and 64-byte-aligned sections, each with its
 * own CRC-32. Little-endian; every struct here is a byte-exact image of the
 * file, fixed by _Static_assert. Readers never cast file bytes to these
 * structs (alignment, endianness): they copy a struct out with memcpy after
 * checking the range.
 */
#ifndef FLLM_ENGINE_PACKAGE_FORMAT_H
#define FLLM_ENGINE_PACKAGE_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#define FLLM_PKG_MAGIC		0x474b5046u	/* "FPKG" read as LE bytes */
#define FLLM_PKG_VERSION	1u
#define FLLM_PKG_ALIGN		64u		/* every section starts on this */
#define FLLM_PKG_NAME_MAX	32u		/* tensor names, NUL included */
#define FLLM_PKG_SECTIONS_MAX	65536u		/* sanity bound on the table */

/* File header at offset 0. */
struct fllm_pkg_header {
	uint32_t magic;		/* FLLM_PKG_MAGIC */
	uint32_t version;	/* FLLM_PKG_VERSION */
	uint32_t header_bytes;	/* sizeof(struct fllm_pkg_header) */
	uint32_t section_count;	/* entries in the table, 1..FLLM_PKG_SECTIONS_MAX */
	uint64_t file_bytes;	/* the whole file */
	uint64_t table_offset;	/* 64-aligned, after the header */
	uint32_t entry_bytes;	/* sizeof(struct fllm_pkg_entry) */
	uint32_t table_crc;	/* CRC-32 of the table (section_count entries) */
	uint8_t reserved[20];	/* 0 */
	uint32_t header_crc;	/* CRC-32 of bytes [0, 60) of the header */
};
_Static_assert(sizeof(struct fllm_pkg_header) == 64, "package header is 64 bytes");
_Static_assert(offsetof(struct fllm_pkg_header, file_bytes) == 16, "file_bytes at 16");
_Static_assert(offsetof(struct fllm_pkg_header, table_offset) == 24, "table_offset at 24");
_Static_assert(offsetof(struct fllm_pkg_header, entry_bytes) == 32, "entry_bytes at 32");
_Static_assert(offsetof(struct fllm_pkg_header, header_crc) == 60, "header_crc at 60");

/* struct fllm_pkg_entry.kind */
enum fllm_pkg_kind {
	FLLM_PKG_CONFIG = 1,	/* struct fllm_pkg_config */
	FLLM_PKG_QUANT = 2,	/* struct fllm_pkg_quant */
	FLLM_PKG_TOKENIZER = 3,	/* struct fllm_pkg_tok_hdr, then the arrays */
	FLLM_PKG_F32 = 4,	/* struct fllm_pkg_tensor, then rows x cols fp32 */
	FLLM_PKG_BCQ = 5,	/* struct fllm_pkg_tensor, then the slices' row records */
	FLLM_PKG_REPORT = 6,	/* struct fllm_pkg_report[count] */
	FLLM_PKG_KIND_END
};

/* One section-table entry. */
struct fllm_pkg_entry {
	uint32_t kind;		/* enum fllm_pkg_kind */
	uint32_t flags;		/* 0 */
	uint64_t offset;	/* 64-aligned, past the table */
	uint64_t bytes;		/* exact size of the section */
	uint32_t crc;		/* CRC-32 of the section's bytes */
	uint32_t reserved;	/* 0 */
	char name[FLLM_PKG_NAME_MAX];	/* tensor name (F32, BCQ), else ""; NUL-padded */
};
_Static_assert(sizeof(struct fllm_pkg_entry) == 64, "package entry is 64 bytes");
_Static_assert(offsetof(struct fllm_pkg_entry, crc) == 24, "crc at 24");
_Static_assert(offsetof(struct fllm_pkg_entry, name) == 32, "name at 32");

/* CONFIG: the model's hyperparameters. */
struct fllm_pkg_config {
	uint32_t dim;
	uint32_t hidden_dim;
	uint32_t n_layers;
	uint32_t n_heads;
	uint32_t n_kv_heads;
	uint32_t vocab_size;
	uint32_t context_length;
	uint32_t tied_output;	/* 0 or 1: the source's classifier was token_embd */
	float rms_eps;
	float rope_theta;
	uint32_t source_format;	/* fllm_model_format of the source model */
	uint32_t reserved0;	/* 0 */
	char name[64];		/* NUL-terminated */
	uint8_t reserved[16];	/* 0 */
};
_Static_assert(sizeof(struct fllm_pkg_config) == 128, "config is 128 bytes");
_Static_assert(offsetof(struct fllm_pkg_config, rms_eps) == 32, "rms_eps at 32");
_Static_assert(offsetof(struct fllm_pkg_config, name) == 48, "name at 48");

/* QUANT: how the BCQ tensors were made. */
struct fllm_pkg_quant {
	uint32_t planes;	/* q requested, 1..8 (exact conversions may differ) */
	uint32_t group;		/* g of every BCQ tensor: 16, 32, 64, 128, 256 */
	uint32_t slices;	/* slice count the writer aimed at, 1..32 */
	uint32_t offset;	/* 1: offsets z fitted */
	uint32_t iterations;	/* ALS rounds */
	uint32_t tensors;	/* BCQ tensors in the package */
	uint8_t reserved[40];	/* 0 */
};
_Static_assert(sizeof(struct fllm_pkg_quant) == 64, "quant is 64 bytes");

/* TOKENIZER: header, then scores f32[n], kinds u8[n] padded to 4, lens u32[n], text. */
struct fllm_pkg_tok_hdr {
	uint32_t n_vocab;
	int32_t bos, eos, unk;	/* -1 when absent */
	uint64_t text_bytes;	/* sum of lens */
	uint8_t reserved[40];	/* 0 */
};
_Static_assert(sizeof(struct fllm_pkg_tok_hdr) == 64, "tokenizer header is 64 bytes");

/* Start of an F32 or BCQ section; the data follows at +64. */
struct fllm_pkg_tensor {
	uint32_t rows;		/* M */
	uint32_t cols;		/* K */
	uint32_t group;		/* BCQ: g; F32: 0 */
	uint32_t planes;	/* BCQ: q; F32: 0 */
	uint32_t flags;		/* BCQ: FLLM_LUTGEMM_F_*; F32: 0 */
	uint32_t slices;	/* BCQ: 1..32, <= rows; F32: 0 */
	uint32_t row_bytes;	/* BCQ: fllm_lutgemm_row_bytes(cols, group, planes); F32: 0 */
	uint32_t source_type;	/* fllm_tensor_type the writer read */
	uint8_t reserved[32];	/* 0 */
};
_Static_assert(sizeof(struct fllm_pkg_tensor) == 64, "tensor header is 64 bytes");

/* REPORT: one record per BCQ tensor. */
struct fllm_pkg_report {
	char name[FLLM_PKG_NAME_MAX];
	uint32_t rows, cols, planes, group;
	uint32_t source_type;	/* fllm_tensor_type of the source */
	uint32_t exact;		/* 1: converted exactly from Q4_0/Q8_0 blocks */
	double rel_error;	/* ||W - W_card||_F / ||W||_F */
	double max_abs;		/* largest |w - w_card| */
	double bits_per_weight;	/* card bytes * 8 / (rows * cols) */
};
_Static_assert(sizeof(struct fllm_pkg_report) == 80, "report record is 80 bytes");
_Static_assert(offsetof(struct fllm_pkg_report, rel_error) == 56, "rel_error at 56");

#endif /* FLLM_ENGINE_PACKAGE_FORMAT_H */
