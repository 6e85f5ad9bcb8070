/*
 * Device names that must not open, for the programs that test
 * fllm_device_open() (runtime, kmd backend): each name with the status it
 * must give.
 */
#ifndef FLLM_TEST_OPEN_H
#define FLLM_TEST_OPEN_H

#include <stddef.h>

#include "fllm/fllm.h"

struct fllm_test_bad_open {
	const char *name;
	fllm_status st;
};

/* Open each of bad (n): its status and no device; a mismatch prints the name. */
void fllm_test_expect_open_fails(const struct fllm_test_bad_open *bad, size_t n);

#endif /* FLLM_TEST_OPEN_H */
