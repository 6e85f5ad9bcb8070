/* Opening a model and its tokenizer for the CLI (see run_model.h). */
#include "run_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "fllm/fllm_package.h"

/* tokenizer.bin in the model's folder, for llama2.c checkpoints. */
static char *run_default_tokenizer(const char *model)
{
	const char *slash = strrchr(model, '/');
	size_t dir = slash ? (size_t)(slash - model) + 1 : 0;
	char *path = malloc(dir + sizeof("tokenizer.bin"));

	if (path) {
		memcpy(path, model, dir);
		memcpy(path + dir, "tokenizer.bin", sizeof("tokenizer.bin"));
	}
	return path;
}

/* The model's own tokenizer: beside a llama2.c file, in a GGUF or package. */
static fllm_status run_own_tokenizer(const char *path, fllm_model *model, fllm_tokenizer **tok,
				     char *err, size_t err_size)
{
	fllm_model_info info;
	char *tp;
	fllm_status st;

	fllm_model_info_get(model, &info);
	if (info.format != FLLM_MODEL_LLAMA2C)
		return fllm_tokenizer_from_model(model, tok, err, err_size);
	tp = run_default_tokenizer(path);
	if (!tp)
		return FLLM_E_NO_MEMORY;
	st = fllm_tokenizer_open(tp, info.vocab_size, tok, err, err_size);
	if (st == FLLM_E_IO)
		snprintf(err, err_size, "no tokenizer: a llama2.c checkpoint needs -z TOKENIZER "
			 "(%s cannot be read)", tp);
	free(tp);
	return st;
}

/* See run_model.h: synthetic, package (by magic) or GGUF / llama2.c. */
int run_model_open(const char *cmd, const char *path, const char *tok_path, fllm_model **model,
		   fllm_tokenizer **tok)
{
	char err[FLLM_ERROR_MAX] = "";
	fllm_model_info info;
	fllm_status st;

	*model = NULL;
	*tok = NULL;
	if (!path) {
		fprintf(stderr, "fllm %s: no -m given: using the built-in synthetic model "
			"(random weights); its text is meaningless\n", cmd);
		st = fllm_model_open_synthetic(RUN_SYNTHETIC_SEED, model);
	} else {
		/* GGUF, llama2.c or a model package (recognised by its magic) */
		st = fllm_model_open(path, model, err, sizeof(err));
	}
	if (st) {
		fprintf(stderr, "fllm %s: %s\n", cmd, err[0] ? err : fllm_status_str(st));
		return CLI_EXIT_FAIL;
	}
	fllm_model_info_get(*model, &info);
	if (tok_path)
		st = fllm_tokenizer_open(tok_path, info.vocab_size, tok, err, sizeof(err));
	else
		st = run_own_tokenizer(path, *model, tok, err, sizeof(err));
	if (st) {
		fprintf(stderr, "fllm %s: %s\n", cmd, err[0] ? err : fllm_status_str(st));
		fllm_model_free(*model);
		*model = NULL;
		return CLI_EXIT_FAIL;
	}
	return -1;
}

/* See run_model.h. */
int run_context_failed(const char *cmd, const char *device, uint64_t kv_mem, fllm_status st)
{
	if (st == FLLM_E_NO_DEVICE) {
		fprintf(stderr, "fllm %s: --device %s: cannot open the card: %s\n", cmd, device,
			fllm_status_str(st));
		return CLI_EXIT_NO_DEVICE;
	}
	if (st == FLLM_E_INVALID_ARG && kv_mem) {
		fprintf(stderr, "fllm %s: --kv-mem %llu: the KV cache must hold one whole "
			"sequence of the context\n", cmd, (unsigned long long)kv_mem);
		return CLI_EXIT_USAGE;
	}
	fprintf(stderr, "fllm %s: --device %s: %s\n", cmd, device, fllm_status_str(st));
	return CLI_EXIT_FAIL;
}
