/*
 * libFuzzer harness: any bytes as a card image (.xclbin). The reader must
 * return 0 or -EBADMSG; on success every section it reports lies inside the
 * input and the version check runs. Built by run_fuzz_image.sh; the same
 * function runs over a fixed corpus in tests/image (image_fuzz_corpus).
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "fllm_image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fllm_image img;
	char err[256];
	int rc = fllm_image_parse(data, size, &img, err, sizeof(err));

	if (rc != 0 && rc != -EBADMSG)
		abort();
	if (rc)
		return 0;
	for (uint32_t i = 0; i < img.n_sections; i++)
		if (img.sec[i].offset > size || img.sec[i].size > size - img.sec[i].offset)
			abort();
	if (img.xml < (const char *)data || img.xml_size > size)
		abort();
	fllm_image_check_versions(&img.meta, err, sizeof(err));
	return 0;
}
