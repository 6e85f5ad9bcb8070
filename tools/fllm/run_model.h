/*
 * Opening what fllm run, eval and quantize take as -m: a GGUF file, a
 * llama2.c checkpoint (with its tokenizer.bin), a model package, or nothing
 * (the built-in synthetic model, announced on stderr), plus the tokenizer
 * that goes with it.
 */
#ifndef FLLM_CLI_RUN_MODEL_H
#define FLLM_CLI_RUN_MODEL_H

#include "fllm/fllm_model.h"

/* Seed of the built-in model: fixed, so it never changes. */
#define RUN_SYNTHETIC_SEED 0x5eed5eedull

/*
 * Open model `path` (NULL: the synthetic model) and its tokenizer (tok_path,
 * a llama2.c tokenizer.bin, overrides the model's own). Problems go to
 * stderr prefixed with "fllm CMD: ". Returns -1 on success, else the exit
 * status (CLI_EXIT_FAIL).
 */
int run_model_open(const char *cmd, const char *path, const char *tok_path, fllm_model **model,
		   fllm_tokenizer **tok);

/*
 * fllm_context_create failed with st for `fllm CMD --device device` (kv_mem:
 * the --kv-mem given, 0 for none): print why and return the exit status
 * (3 when the card cannot be opened, 2 for a KV budget below one sequence).
 */
int run_context_failed(const char *cmd, const char *device, uint64_t kv_mem, fllm_status st);

#endif /* FLLM_CLI_RUN_MODEL_H */
