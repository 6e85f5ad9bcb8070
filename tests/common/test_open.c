/* Device names that must not open (see test_open.h). */
#include "test_open.h"

#include <stdio.h>

#include "test_main.h"

void fllm_test_expect_open_fails(const struct fllm_test_bad_open *bad, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		fllm_device *dev = NULL;

		if (fllm_device_open(bad[i].name, &dev) != bad[i].st)
			fprintf(stderr, "open(\"%s\")\n", bad[i].name);
		FLLM_ASSERT_STATUS(fllm_device_open(bad[i].name, &dev), bad[i].st);
		CU_ASSERT_PTR_NULL(dev);
	}
}
