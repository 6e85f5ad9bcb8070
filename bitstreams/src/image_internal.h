/* Private helpers of the card-image library (bitstreams/src). */
#ifndef FLLM_IMAGE_INTERNAL_H
#define FLLM_IMAGE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "fllm_image.h"

/* A growing byte buffer; on allocation failure ok drops to 0 and stays there. */
struct img_buf {
	uint8_t *data;
	size_t len, cap;
	int ok;
};

void img_buf_put(struct img_buf *b, const void *src, size_t n);
void img_buf_printf(struct img_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Zero bytes until len is a multiple of 8 (axlf sections are 8-aligned). */
void img_buf_align8(struct img_buf *b);

/* Write "fmt..." to err (if not NULL) and return code. */
int img_fail(char *err, size_t err_len, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * The Vitis kernel of the LUT-GEMM unit (hls/vitis/fllm_lutgemm_krnl.c): its
 * arguments in order. Pointer arguments are 64-bit m_axi ports; scalars are
 * 64-bit s_axilite registers.
 */
#define IMG_LG_KERNEL	"fllm_lutgemm_krnl"
#define IMG_LG_INSTANCE	"fllm_lutgemm_1"
#define IMG_LG_BASE	0x1800000ull	/* control registers of the instance */
#define IMG_LG_ARGS	37u		/* ctl, w00..w31, 4 scalars */
#define IMG_LG_PTR_ARGS	33u		/* ctl and the 32 slice ports */

/* Register offset of argument i: 0x10 + 12 * i (see docs/images.md). */
uint32_t img_lg_arg_offset(uint32_t i);
/* Name of argument i into buf ("ctl", "w05", "mem_bytes"...). */
const char *img_lg_arg_name(uint32_t i, char *buf, size_t len);

/* The EMBEDDED_METADATA XML for desc's kernels. */
void img_xml_write(struct img_buf *b, const struct fllm_image_desc *desc, int has_lutgemm);

#endif /* FLLM_IMAGE_INTERNAL_H */
