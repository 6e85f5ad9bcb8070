/*
 * gguf_chat PATH TEMPLATE: write the engine tests' small GGUF model (its
 * own tokenizer inside) with tokenizer.chat_template = TEMPLATE to PATH, for
 * the serve tests of --chat-template auto.
 */
#include <stdio.h>

#include "model_writer.h"

int main(int argc, char **argv)
{
	struct tm_spec s = tm_spec_default();
	struct tm_weights w;
	struct gguf_writer g;
	struct bytebuf out;
	FILE *f;
	int bad;

	if (argc != 3) {
		fprintf(stderr, "usage: gguf_chat PATH TEMPLATE\n");
		return 2;
	}
	tm_weights_make(&s, &w);
	tm_gguf(&s, &w, &g);
	gw_kv_str(&g, "tokenizer.chat_template", argv[2]);
	gw_finish(&g, &out);
	gw_release(&g);
	tm_weights_free(&w);
	f = fopen(argv[1], "wb");
	bad = !f || fwrite(out.data, 1, out.len, f) != out.len;
	if (f && fclose(f))
		bad = 1;
	bb_free(&out);
	if (bad)
		fprintf(stderr, "gguf_chat: cannot write %s\n", argv[1]);
	return bad;
}
