/* Helpers shared by the engine's test programs (see engine_test.h). */
#include "engine_test.h"

#include <stdlib.h>
#include <unistd.h>

#include "model.h"

fllm_status et_model_open(const struct bytebuf *image, fllm_model **out, char *err, size_t cap)
{
	struct fllm_err e = { err, cap };

	if (cap)
		err[0] = 0;
	return fllm_model_open_memory(image->data, image->len, out, &e);
}

fllm_status et_model_status(const struct bytebuf *image, char *err, size_t cap)
{
	fllm_model *m = NULL;
	fllm_status st = et_model_open(image, &m, err, cap);

	fllm_model_free(m);
	return st;
}

void et_write_temp(const struct bytebuf *image, const char *suffix, char *path, size_t cap)
{
	int fd;

	snprintf(path, cap, "/tmp/fllm-engine-test-XXXXXX%s", suffix);
	fd = mkstemps(path, (int)strlen(suffix));
	if (fd < 0 || write(fd, image->data, image->len) != (ssize_t)image->len) {
		perror("et_write_temp");
		exit(2);
	}
	close(fd);
}

void et_check_text(const char *file, int line, const char *err, const char *text)
{
	if (text && !strstr(err, text)) {
		fprintf(stderr, "%s:%d: error '%s' lacks '%s'\n", file, line, err, text);
		CU_FAIL("error text");
	}
}

int32_t et_argmax(const float *x, uint32_t n)
{
	uint32_t best = 0;

	for (uint32_t i = 1; i < n; i++)
		if (x[i] > x[best])
			best = i;
	return (int32_t)best;
}
