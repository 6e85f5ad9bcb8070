/*
 * Write the fuzzers' seed corpora: DIR/gguf (F32 and Q4_0 models),
 * DIR/llama2c and DIR/tokbin, made by the test writers (never the shared
 * model files).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_inputs.h"

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
	       write_seed(argv[1], "tokbin", FUZZ_TOKBIN);
}
