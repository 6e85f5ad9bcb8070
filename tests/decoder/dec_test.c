/* Helpers of the decoder tests (see dec_test.h). */
#include "dec_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "package.h"
#include "tokenizer.h"

int dec_model_make(const struct tm_spec *s, struct dec_model *d)
{
	struct tm_weights w;
	struct bytebuf tb;
	struct fllm_err err = { NULL, 0 };
	char msg[FLLM_ERROR_MAX] = "";
	fllm_status st;

	memset(d, 0, sizeof(*d));
	bb_init(&d->bin);
	bb_init(&tb);
	tm_weights_make(s, &w);
	tm_write_bin(s, &w, &d->bin);
	tm_weights_free(&w);
	tm_write_tokbin(s->vocab, &tb);
	st = et_model_open(&d->bin, &d->model, msg, sizeof(msg));
	if (!st)
		st = fllm_tokenizer_load_bin(tb.data, tb.len, s->vocab, &d->tok, &err);
	bb_free(&tb);
	if (st) {
		fprintf(stderr, "dec_model_make: %s (%s)\n", fllm_status_str(st), msg);
		CU_FAIL("test model");
		dec_model_free(d);
		return -1;
	}
	return 0;
}

void dec_model_free(struct dec_model *d)
{
	fllm_tokenizer_free(d->tok);
	fllm_model_free(d->model);
	bb_free(&d->bin);
	memset(d, 0, sizeof(*d));
}

int dec_package_make(const struct dec_model *d, uint32_t bits, uint32_t group,
		     struct bytebuf *img, char *path)
{
	fllm_quant_params qp = { bits, group, 1, 0 };
	char err[FLLM_ERROR_MAX] = "";
	uint8_t buf[65536];
	size_t n;
	FILE *f;
	int fd;
	fllm_status st;

	snprintf(path, 64, "/tmp/fllm-dec-test-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0) {
		CU_FAIL("mkstemp");
		return -1;
	}
	close(fd);
	st = fllm_package_write(d->model, d->tok, &qp, NULL, NULL, path, err, sizeof(err));
	if (st) {
		fprintf(stderr, "dec_package_make: %s (%s)\n", fllm_status_str(st), err);
		CU_FAIL("package write");
		return -1;
	}
	bb_init(img);
	f = fopen(path, "rb");
	while (f && (n = fread(buf, 1, sizeof(buf), f)) > 0)
		bb_bytes(img, buf, n);
	if (f)
		fclose(f);
	return f ? 0 : -1;
}

fllm_status dec_package_open(const struct bytebuf *img, fllm_model **out, char *err,
			     size_t cap)
{
	struct fllm_err e = { err, cap };

	if (cap)
		err[0] = 0;
	return fllm_package_open_memory(img->data, img->len, out, &e);
}

static uint64_t g_live;

int dec_live_mark(void)
{
	g_live = fllm_live_handles();
	return 0;
}

void dec_live_check(void)
{
	FLLM_ASSERT_EQ_U64(fllm_live_handles(), g_live);
}

struct tm_spec dec_spec(int variant)
{
	struct tm_spec s = tm_spec_default();

	s.hidden = 100;
	if (variant == 1) {
		s.dim = 40, s.n_heads = 5, s.n_kv_heads = 1;	/* MQA, q/k unaligned */
		s.hidden = 72, s.untied = 1;
		s.n_layers = 3, s.seed = 7;
	}
	return s;
}

static const char *models_dir(void)
{
	return getenv("FLLM_MODELS_DIR") ? getenv("FLLM_MODELS_DIR") : FLLM_MODELS_DIR;
}

void dec_skip_without_stories(void)
{
	char path[600];

	snprintf(path, sizeof(path), "%s/stories260K.bin", models_dir());
	if (access(path, R_OK)) {
		printf("SKIP: stories260K files not found in %s (set FLLM_MODELS_DIR)\n",
		       models_dir());
		exit(77);
	}
}

int dec_stories_open(fllm_model **model, fllm_tokenizer **tok)
{
	char path[600], tpath[600], err[FLLM_ERROR_MAX] = "";

	snprintf(path, sizeof(path), "%s/stories260K.bin", models_dir());
	snprintf(tpath, sizeof(tpath), "%s/tok512.bin", models_dir());
	if (fllm_model_open(path, model, err, sizeof(err)) ||
	    fllm_tokenizer_open(tpath, 512, tok, err, sizeof(err))) {
		fprintf(stderr, "stories260K: %s\n", err);
		return -1;
	}
	return 0;
}

int dec_have_models(void)
{
	return access(FLLM_MODELS_DIR "/stories260K.bin", R_OK) == 0 &&
	       access(FLLM_MODELS_DIR "/tok512.bin", R_OK) == 0;
}
