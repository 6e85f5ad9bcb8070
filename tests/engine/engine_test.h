/* Helpers shared by the engine's test programs. */
#ifndef FLLM_TEST_ENGINE_TEST_H
#define FLLM_TEST_ENGINE_TEST_H

#include <CUnit/CUnit.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "bytebuf.h"
#include "fllm/fllm_model.h"
#include "test_main.h"


/* Status and error text of loading image as a model (freed again). */
fllm_status et_model_status(const struct bytebuf *image, char *err, size_t cap);
/* Load image as a model; the image must outlive it. */
fllm_status et_model_open(const struct bytebuf *image, fllm_model **out, char *err, size_t cap);
/* Write image to a fresh temporary file; path receives its name. */
void et_write_temp(const struct bytebuf *image, const char *suffix, char *path, size_t cap);

/* Index of the largest of x (n), ties to the lowest: the greedy sampler's rule. */
int32_t et_argmax(const float *x, uint32_t n);

/* Fail the test when text (if not NULL) is not in err; prints both. */
void et_check_text(const char *file, int line, const char *err, const char *text);

/* Assert status and, when text is given, that err contains it; prints both. */
#define ET_EXPECT_ERROR(st, want, err, text)                                              \
	do {                                                                              \
		FLLM_ASSERT_STATUS((st), (want));                                         \
		et_check_text(__FILE__, __LINE__, (err), (text));                        \
	} while (0)

/* Every test ends here: nothing of the engine or core may be left alive. */
#define ET_EXPECT_NO_LEAKS()                                                              \
	do {                                                                              \
		FLLM_ASSERT_EQ_U64(fllm_live_handles(), 0);                               \
	} while (0)

#endif /* FLLM_TEST_ENGINE_TEST_H */
