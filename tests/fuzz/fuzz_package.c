/*
 * libFuzzer harness: any bytes as a model package; when it loads, its
 * tokenizer, a report record, a CPU context and one forward step (the
 * dequantized card weights). Every input is tried twice: as it is, and with
 * its checksums recomputed, so mutations reach the checks behind the CRCs.
 * Built by run_fuzz.sh; seeds from fuzz_seeds.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "package.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Recompute the CRCs of every section, the table and the header that lie in d. */
static void fuzz_reseal(uint8_t *d, size_t size)
{
	struct fllm_pkg_header h;
	uint64_t tbytes;

	if (size < sizeof(h))
		return;
	memcpy(&h, d, sizeof(h));
	tbytes = (uint64_t)h.section_count * sizeof(struct fllm_pkg_entry);
	if (h.section_count <= FLLM_PKG_SECTIONS_MAX && h.table_offset <= size &&
	    tbytes <= size - h.table_offset) {
		for (uint32_t i = 0; i < h.section_count; i++) {
			struct fllm_pkg_entry e;
			uint8_t *at = d + h.table_offset + (uint64_t)i * sizeof(e);

			memcpy(&e, at, sizeof(e));
			if (e.offset <= size && e.bytes <= size - e.offset)
				e.crc = fllm_pkg_crc32(0, d + e.offset, e.bytes);
			memcpy(at, &e, sizeof(e));
		}
		h.table_crc = fllm_pkg_crc32(0, d + h.table_offset, tbytes);
	}
	h.header_crc = fllm_pkg_crc32(0, &h, offsetof(struct fllm_pkg_header, header_crc));
	memcpy(d, &h, sizeof(h));
}

static void fuzz_one(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);

	fuzz_one(data, size);
	if (copy) {
		memcpy(copy, data, size);
		fuzz_reseal(copy, size);
		fuzz_one(copy, size);
		free(copy);
	}
	return 0;
}

/* Open, and when that works use everything the package offers. */
static void fuzz_one(const uint8_t *data, size_t size)
{
	fllm_model *m = NULL;
	fllm_tokenizer *t = NULL;
	fllm_context *c = NULL;
	fllm_quant_report r;
	int32_t ids[16];
	size_t n = 0;

	if (fllm_package_open_memory(data, size, &m, NULL))
		return;
	fllm_package_report_get(m, 0, &r);
	if (!fllm_package_tokenizer(m, &t, NULL, 0)) {
		fllm_tokenizer_encode(t, "Once upon", 9, FLLM_ENCODE_BOS, ids, 16, &n);
		fllm_tokenizer_free(t);
	}
	if (n && !fllm_context_create(m, &(fllm_context_params){ .n_ctx = 2 }, &c)) {
		fllm_context_eval(c, ids, 1);
		fllm_context_free(c);
	}
	fllm_model_free(m);
}
