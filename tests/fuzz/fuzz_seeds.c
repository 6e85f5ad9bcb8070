/*
 * Write the fuzzers' seed corpora: DIR/gguf (F32 and Q4_0 models),
 * DIR/llama2c, DIR/tokbin and DIR/package (a q=2 and a q=4 package of a
 * tiny model), made by the test writers (never the shared model files), and
 * DIR/cost (the reference card's cost file, runtime/engine/sched/cost.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cost.h"
#include "fllm/fllm_package.h"
#include "fuzz_inputs.h"
#include "model.h"
#include "model_writer.h"
#include "tokenizer.h"

/* DIR/package/q2.fllm and q4.fllm of a one-layer model with K = 40 (a short group). */
static int write_package_seeds(const char *dir)
{
	struct tm_spec s = tm_spec_shape(16, 40, 2, 1);
	struct bytebuf bin, tb;
	struct tm_weights w;
	fllm_model *m = NULL;
	fllm_tokenizer *t = NULL;
	char path[4096];
	int bad = 1;

	s.n_layers = 1;
	snprintf(path, sizeof(path), "%s/package", dir);
	if (mkdir(path, 0755) && errno != EEXIST) {
		perror(path);
		return 1;
	}
	bb_init(&bin);
	bb_init(&tb);
	tm_weights_make(&s, &w);
	tm_write_bin(&s, &w, &bin);
	tm_weights_free(&w);
	tm_write_tokbin(s.vocab, &tb);
	if (!fllm_model_open_memory(bin.data, bin.len, &m, NULL) &&
	    !fllm_tokenizer_load_bin(tb.data, tb.len, s.vocab, &t, NULL)) {
		bad = 0;
		for (uint32_t q = 2; q <= 4; q += 2) {
			fllm_quant_params qp = { q, 16, 1, 4 };

			snprintf(path, sizeof(path), "%s/package/q%u.fllm", dir, q);
			bad |= fllm_package_write(m, t, &qp, NULL, NULL, path, NULL, 0) != FLLM_OK;
		}
	}
	if (bad)
		fprintf(stderr, "fuzz_seeds: writing the package seeds failed\n");
	fllm_tokenizer_free(t);
	fllm_model_free(m);
	bb_free(&bin);
	bb_free(&tb);
	return bad;
}

/* Write one input as DIR/SUB/NAME. */
static int write_seed(const char *dir, const char *sub, enum fuzz_input which)
{
	char path[4096];
	struct bytebuf b;
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	if (mkdir(path, 0755) && errno != EEXIST) {
		perror(path);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, fuzz_input_name(which));
	fuzz_input_make(which, &b);
	f = fopen(path, "wb");
	ok = f && fwrite(b.data, 1, b.len, f) == b.len;
	if (f && fclose(f))
		ok = 0;
	bb_free(&b);
	if (!ok)
		perror(path);
	return !ok;
}

/* DIR/cost/reference.txt: the reference card's cost file. */
static int write_cost_seed(const char *dir)
{
	struct sched_cost c;
	char path[4096];

	snprintf(path, sizeof(path), "%s/cost", dir);
	if (mkdir(path, 0755) && errno != EEXIST) {
		perror(path);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/cost/reference.txt", dir);
	return sched_cost_reference(4, 32, &c) != FLLM_OK ||
	       sched_cost_write(&c, path, NULL, 0) != FLLM_OK;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: fuzz_seeds DIR\n");
		return 2;
	}
	if (mkdir(argv[1], 0755) && errno != EEXIST) {
		perror(argv[1]);
		return 1;
	}
	return write_seed(argv[1], "gguf", FUZZ_GGUF_F32) |
	       write_seed(argv[1], "gguf", FUZZ_GGUF_Q4_0) |
	       write_seed(argv[1], "llama2c", FUZZ_LLAMA2C) |
	       write_seed(argv[1], "tokbin", FUZZ_TOKBIN) | write_package_seeds(argv[1]) |
	       write_cost_seed(argv[1]);
}
