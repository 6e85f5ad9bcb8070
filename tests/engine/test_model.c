/*
 * Model loading: GGUF and llama2.c files written by the tests load with the
 * right hyperparameters and tensors (including Q4_0/Q8_0 raw blocks), and
 * each broken key, tensor or header is refused with a message naming it.
 */
#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#include "engine_test.h"
#include "model_writer.h"

static char err[FLLM_ERROR_MAX];

/* GGUF of the default spec with one tweak applied to the writer. */
static void gguf_with(const struct tm_spec *s, void (*tweak)(struct gguf_writer *),
		      struct bytebuf *out)
{
	struct tm_weights w;
	struct gguf_writer g;

	tm_weights_make(s, &w);
	tm_gguf(s, &w, &g);
	if (tweak)
		tweak(&g);
	gw_finish(&g, out);
	gw_release(&g);
	tm_weights_free(&w);
}

static void test_gguf_loads(void)
{
	struct tm_spec s = tm_spec_default();
	fllm_model_info info;
	fllm_tensor_desc d;
	struct bytebuf f;
	fllm_model *m;

	gguf_with(&s, NULL, &f);
	FLLM_ASSERT_STATUS(et_model_open(&f, &m, err, sizeof(err)), FLLM_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	fllm_model_info_get(m, &info);
	FLLM_ASSERT_EQ_U64(info.format, FLLM_MODEL_GGUF);
	FLLM_ASSERT_EQ_U64(info.dim, s.dim);
	FLLM_ASSERT_EQ_U64(info.hidden_dim, s.hidden);
	FLLM_ASSERT_EQ_U64(info.n_layers, s.n_layers);
	FLLM_ASSERT_EQ_U64(info.n_heads, s.n_heads);
	FLLM_ASSERT_EQ_U64(info.n_kv_heads, s.n_kv_heads);
	FLLM_ASSERT_EQ_U64(info.head_dim, s.dim / s.n_heads);
	FLLM_ASSERT_EQ_U64(info.vocab_size, s.vocab);
	FLLM_ASSERT_EQ_U64(info.context_length, s.seq_len);
	FLLM_ASSERT_EQ_U64(info.tied_output, 1);
	CU_ASSERT_EQUAL(info.rope_theta, 10000.0f);
	CU_ASSERT_EQUAL(info.rms_eps, 1e-5f);
	CU_ASSERT_STRING_EQUAL(info.name, "test-model");
	FLLM_ASSERT_EQ_U64(fllm_model_tensor_count(m), 2 + 9 * s.n_layers);
	FLLM_ASSERT_STATUS(fllm_model_tensor_find(m, "blk.1.ffn_down.weight", &d), FLLM_OK);
	FLLM_ASSERT_EQ_U64(d.dims[0], s.hidden);
	FLLM_ASSERT_EQ_U64(d.dims[1], s.dim);
	FLLM_ASSERT_EQ_U64(d.bytes, 4ull * s.hidden * s.dim);
	FLLM_ASSERT_STATUS(fllm_model_tensor_find(m, "output.weight", &d), FLLM_E_INVALID_ARG);
	FLLM_ASSERT_STATUS(fllm_model_tensor_get(m, fllm_model_tensor_count(m), &d),
			   FLLM_E_INVALID_ARG);
	fllm_model_free(m);
	bb_free(&f);
	ET_EXPECT_NO_LEAKS();
}

static void tweak_chat(struct gguf_writer *g)
{
	gw_kv_str(g, "tokenizer.chat_template", "{% for m in messages %}<|im_start|>");
	gw_kv_u32(g, "test.number", 5);
}

/* String metadata by key: present, absent, of another type; none in llama2.c files. */
static void test_meta_string(void)
{
	struct tm_spec s = tm_spec_default();
	struct tm_weights w;
	struct bytebuf f;
	fllm_model *m;
	const char *v;
	size_t len;

	gguf_with(&s, tweak_chat, &f);
	FLLM_ASSERT_STATUS(et_model_open(&f, &m, err, sizeof(err)), FLLM_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	FLLM_ASSERT_STATUS(fllm_model_meta_string(m, "tokenizer.chat_template", &v, &len),
			   FLLM_OK);
	CU_ASSERT(len == 35 && !memcmp(v, "{% for m in messages %}<|im_start|>", 35));
	FLLM_ASSERT_STATUS(fllm_model_meta_string(m, "general.name", &v, &len), FLLM_OK);
	CU_ASSERT(len == 10 && !memcmp(v, "test-model", 10));
	FLLM_ASSERT_STATUS(fllm_model_meta_string(m, "no.such.key", &v, &len),
			   FLLM_E_INVALID_ARG);
	FLLM_ASSERT_STATUS(fllm_model_meta_string(m, "test.number", &v, &len), FLLM_E_FORMAT);
	fllm_model_free(m);
	bb_free(&f);
	tm_weights_make(&s, &w);
	tm_write_bin(&s, &w, &f);
	FLLM_ASSERT_STATUS(et_model_open(&f, &m, err, sizeof(err)), FLLM_OK);
	if (m)
		FLLM_ASSERT_STATUS(fllm_model_meta_string(m, "general.name", &v, &len),
				   FLLM_E_INVALID_ARG);
	fllm_model_free(m);
	bb_free(&f);
	tm_weights_free(&w);
	ET_EXPECT_NO_LEAKS();
}

/* The same weights as a llama2.c file: same facts, GGUF-named tensors. */
static void test_bin_loads(void)
{
	struct tm_spec s = tm_spec_default();
	struct tm_weights w;
	fllm_model_info info;
	fllm_tensor_desc d;
	struct bytebuf f;
	fllm_model *m;

	s.untied = 1;
	tm_weights_make(&s, &w);
	tm_write_bin(&s, &w, &f);
	FLLM_ASSERT_STATUS(et_model_open(&f, &m, err, sizeof(err)), FLLM_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	fllm_model_info_get(m, &info);
	FLLM_ASSERT_EQ_U64(info.format, FLLM_MODEL_LLAMA2C);
	FLLM_ASSERT_EQ_U64(info.vocab_size, s.vocab);
	FLLM_ASSERT_EQ_U64(info.n_kv_heads, s.n_kv_heads);
	FLLM_ASSERT_EQ_U64(info.tied_output, 0);
	FLLM_ASSERT_EQ_U64(info.file_bytes, f.len);
	FLLM_ASSERT_STATUS(fllm_model_tensor_find(m, "output.weight", &d), FLLM_OK);
	CU_ASSERT(!memcmp(d.data, f.data + f.len - d.bytes, d.bytes));
	FLLM_ASSERT_STATUS(fllm_model_tensor_find(m, "blk.1.attn_k.weight", &d), FLLM_OK);
	FLLM_ASSERT_EQ_U64(d.dims[1], s.n_kv_heads * (s.dim / s.n_heads));
	CU_ASSERT(!memcmp(d.data, w.wk + d.dims[0] * d.dims[1], d.bytes));
	fllm_model_free(m);
	bb_free(&f);
	tm_weights_free(&w);
	ET_EXPECT_NO_LEAKS();
}

/* Through the file API: mmap, and a missing path names itself. */
static void test_open_file(void)
{
	struct tm_spec s = tm_spec_default();
	struct bytebuf f;
	fllm_model *m = NULL;
	char path[64];

	gguf_with(&s, NULL, &f);
	et_write_temp(&f, ".gguf", path, sizeof(path));
	FLLM_ASSERT_STATUS(fllm_model_open(path, &m, err, sizeof(err)), FLLM_OK);
	fllm_model_free(m);
	unlink(path);
	ET_EXPECT_ERROR(fllm_model_open(path, &m, err, sizeof(err)), FLLM_E_IO, err, path);
	CU_ASSERT_PTR_NULL(m);
	bb_free(&f);
	ET_EXPECT_NO_LEAKS();
}

/* Quantized GGUF: the stored raw blocks stay reachable with their type. */
static void check_type(uint32_t type, uint64_t row_bytes)
{
	struct tm_spec s = tm_spec_default();
	fllm_tensor_desc d;
	struct bytebuf f;
	fllm_model *m;

	s.type = type;
	gguf_with(&s, NULL, &f);
	FLLM_ASSERT_STATUS(et_model_open(&f, &m, err, sizeof(err)), FLLM_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	FLLM_ASSERT_STATUS(fllm_model_tensor_find(m, "blk.0.attn_q.weight", &d), FLLM_OK);
	FLLM_ASSERT_EQ_U64(d.type, type);
	FLLM_ASSERT_EQ_U64(d.bytes, row_bytes * s.dim);
	CU_ASSERT(d.data > (const void *)f.data && (const uint8_t *)d.data + d.bytes <=
		  f.data + f.len);
	fllm_model_free(m);
	bb_free(&f);
	ET_EXPECT_NO_LEAKS();
}

static void test_types(void)
{
	check_type(GW_T_F16, 2 * 64);
	check_type(GW_T_BF16, 2 * 64);
	check_type(GW_T_Q8_0, 2 * 34);
	check_type(GW_T_Q4_0, 2 * 18);
}

/* ---- GGUF metadata and tensors broken one at a time ---- */

static const char *drop_key;		/* key left out by the tweak below */

/* Rebuild the metadata without drop_key (the writer appends, so copy). */
static void tweak_drop(struct gguf_writer *g)
{
	struct bytebuf kv;
	size_t off = 0;
	uint64_t n = 0;

	bb_init(&kv);
	for (uint64_t i = 0; i < g->n_kv; i++) {
		uint64_t klen, start = off;
		uint32_t type;

		memcpy(&klen, g->kv.data + off, 8);
		off += 8 + klen;
		memcpy(&type, g->kv.data + off, 4);
		off += 4;
		if (type == GW_STRING) {
			uint64_t l;

			memcpy(&l, g->kv.data + off, 8);
			off += 8 + l;
		} else if (type == GW_ARRAY) {
			uint32_t et;
			uint64_t cnt;

			memcpy(&et, g->kv.data + off, 4);
			memcpy(&cnt, g->kv.data + off + 4, 8);
			off += 12;
			for (uint64_t k = 0; k < cnt; k++) {
				if (et == GW_STRING) {
					uint64_t l;

					memcpy(&l, g->kv.data + off, 8);
					off += 8 + l;
				} else {
					off += 4;
				}
			}
		} else {
			off += type == GW_U8 || type == GW_I8 || type == GW_BOOL ? 1 :
			       type == GW_U16 || type == GW_I16 ? 2 :
			       type == GW_U64 || type == GW_I64 || type == GW_F64 ? 8 : 4;
		}
		if (klen == strlen(drop_key) && !memcmp(g->kv.data + start + 8, drop_key, klen))
			continue;
		bb_bytes(&kv, g->kv.data + start, off - start);
		n++;
	}
	bb_free(&g->kv);
	g->kv = kv;
	g->n_kv = n;
}

static void expect_gguf_error(void (*tweak)(struct gguf_writer *), const char *text)
{
	struct tm_spec s = tm_spec_default();
	struct bytebuf f;

	gguf_with(&s, tweak, &f);
	ET_EXPECT_ERROR(et_model_status(&f, err, sizeof(err)), FLLM_E_FORMAT, err, text);
	bb_free(&f);
	ET_EXPECT_NO_LEAKS();
}

static void test_missing_keys(void)
{
	static const char *const keys[] = {
		"general.architecture", "llama.embedding_length", "llama.feed_forward_length",
		"llama.block_count", "llama.attention.head_count", "llama.context_length",
		"llama.attention.layer_norm_rms_epsilon",
	};
	char want[96];

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		drop_key = keys[i];
		snprintf(want, sizeof(want), "key '%s' is missing", keys[i]);
		expect_gguf_error(tweak_drop, want);
	}
}

/* The info of s's GGUF written without key, which must still load. */
static void info_without_key(const char *key, const struct tm_spec *s, fllm_model_info *info)
{
	struct bytebuf f;
	fllm_model *m;

	drop_key = key;
	gguf_with(s, tweak_drop, &f);
	FLLM_ASSERT_STATUS(et_model_open(&f, &m, err, sizeof(err)), FLLM_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	fllm_model_info_get(m, info);
	fllm_model_free(m);
	bb_free(&f);
}

/* Optional keys: head_count_kv defaults to head_count (MHA); a dropped
 * tokenizer list leaves the vocabulary to the embedding. */
static void test_optional_keys(void)
{
	struct tm_spec s = tm_spec_default();
	fllm_model_info info;

	s.n_kv_heads = s.n_heads;
	info_without_key("llama.attention.head_count_kv", &s, &info);
	FLLM_ASSERT_EQ_U64(info.n_kv_heads, s.n_heads);
	s = tm_spec_default();
	info_without_key("tokenizer.ggml.tokens", &s, &info);
	FLLM_ASSERT_EQ_U64(info.vocab_size, s.vocab);
	ET_EXPECT_NO_LEAKS();
}

/* One metadata key written again with a bad value of one type, and the error it gives. */
struct bad_key {
	const char *key;
	enum { BAD_STR, BAD_U32, BAD_I32, BAD_F32 } type;
	const char *str;	/* BAD_STR */
	double num;		/* the others */
	const char *error;
};

static const struct bad_key *bad_key;	/* the key tweak_bad_key writes */

static void tweak_bad_key(struct gguf_writer *g)
{
	drop_key = bad_key->key;
	tweak_drop(g);
	switch (bad_key->type) {
	case BAD_STR:
		gw_kv_str(g, bad_key->key, bad_key->str);
		break;
	case BAD_U32:
		gw_kv_u32(g, bad_key->key, (uint32_t)bad_key->num);
		break;
	case BAD_I32:
		gw_kv_i32(g, bad_key->key, (int32_t)bad_key->num);
		break;
	case BAD_F32:
		gw_kv_f32(g, bad_key->key, (float)bad_key->num);
		break;
	}
}

static void test_bad_keys(void)
{
	static const struct bad_key keys[] = {
		{ "general.architecture", BAD_STR, "gpt2", 0,
		  "architecture 'gpt2' not supported" },
		{ "llama.rope.dimension_count", BAD_U32, NULL, 8,
		  "rope.dimension_count 8 differs from the head dimension 16" },
		{ "llama.attention.head_count", BAD_U32, NULL, 5,
		  "head count 5 does not divide embedding length 64" },
		{ "llama.attention.head_count_kv", BAD_U32, NULL, 3,
		  "kv head count 3 does not divide head count 4" },
		{ "llama.attention.layer_norm_rms_epsilon", BAD_F32, NULL, -1.0,
		  "RMSNorm epsilon -1 not in (0, 1)" },
		{ "llama.attention.layer_norm_rms_epsilon", BAD_STR, "small", 0,
		  "has type string, expected a float" },
		{ "llama.block_count", BAD_I32, NULL, -2,
		  "key 'llama.block_count' is negative (-2)" },
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		bad_key = &keys[i];
		expect_gguf_error(tweak_bad_key, keys[i].error);
	}
}

/* Rename a tensor so the expected one is missing. */
static void tweak_rename(struct gguf_writer *g)
{
	for (uint32_t i = 0; i < g->n_tensors; i++)
		if (!strcmp(g->t[i].name, "blk.1.ffn_up.weight"))
			strcpy(g->t[i].name, "blk.1.ffn_upx.weight");
}

/* Claim a different shape for the same number of elements. */
static void tweak_shape(struct gguf_writer *g)
{
	for (uint32_t i = 0; i < g->n_tensors; i++) {
		if (!strcmp(g->t[i].name, "blk.0.attn_k.weight")) {
			g->t[i].dims[0] = 32;
			g->t[i].dims[1] = 64;
		}
	}
}

/* A NaN weight. */
static void tweak_nan(struct gguf_writer *g)
{
	for (uint32_t i = 0; i < g->n_tensors; i++) {
		if (!strcmp(g->t[i].name, "blk.0.attn_v.weight")) {
			float nan = NAN;

			memcpy(g->t[i].data.data + 4 * 17, &nan, 4);
		}
	}
}

static void test_bad_tensors(void)
{
	expect_gguf_error(tweak_rename, "tensor 'blk.1.ffn_up.weight' is missing");
	expect_gguf_error(tweak_shape, "tensor 'blk.0.attn_k.weight': shape [32, 64, 1, 1], "
			  "expected [64, 32]");
	expect_gguf_error(tweak_nan, "tensor 'blk.0.attn_v.weight': element 17 is not a "
			  "finite number");
}

/* ---- llama2.c checkpoints broken one at a time ---- */

static void bin_default(struct bytebuf *f)
{
	struct tm_spec s = tm_spec_default();
	struct tm_weights w;

	tm_weights_make(&s, &w);
	tm_write_bin(&s, &w, f);
	tm_weights_free(&w);
}

static void expect_bin_error(struct bytebuf *f, const char *text)
{
	ET_EXPECT_ERROR(et_model_status(f, err, sizeof(err)), FLLM_E_FORMAT, err, text);
	bb_free(f);
	ET_EXPECT_NO_LEAKS();
}

static void test_bin_size(void)
{
	struct bytebuf f;
	char want[160];
	size_t full;

	bin_default(&f);
	full = f.len;
	f.len--;
	snprintf(want, sizeof(want), "implies %zu bytes, the file has %zu", full, full - 1);
	expect_bin_error(&f, want);
	bin_default(&f);
	bb_u8(&f, 0);
	expect_bin_error(&f, "the file has");
	bin_default(&f);
	f.len = 20;
	expect_bin_error(&f, "neither GGUF nor a llama2.c checkpoint");
}

static void test_bin_header(void)
{
	struct bytebuf f;

	bin_default(&f);
	bb_put_u32(&f, 0, (uint32_t)-64);
	expect_bin_error(&f, "dim = -64 (must be positive)");
	bin_default(&f);
	bb_put_u32(&f, 24, 0);
	expect_bin_error(&f, "seq_len = 0 (must be positive)");
	bin_default(&f);
	bb_put_u32(&f, 12, 3);
	expect_bin_error(&f, "head count 3 does not divide embedding length 64");
	bin_default(&f);
	bb_put_u32(&f, 0, 0x616b3432u);
	bb_put_u32(&f, 4, 1);
	expect_bin_error(&f, "llama2.c export version 1 ('ak42' magic) not supported");
}

static CU_TestInfo model_tests[] = {
	{ "GGUF loads", test_gguf_loads },
	{ "GGUF string metadata", test_meta_string },
	{ "llama2.c loads, unshared classifier", test_bin_loads },
	{ "open by path", test_open_file },
	{ "F16, BF16, Q8_0, Q4_0 raw tensors", test_types },
	{ "GGUF required keys missing", test_missing_keys },
	{ "GGUF optional keys", test_optional_keys },
	{ "GGUF bad keys", test_bad_keys },
	{ "GGUF bad tensors", test_bad_tensors },
	{ "llama2.c size mismatch", test_bin_size },
	{ "llama2.c bad header", test_bin_header },
	CU_TEST_INFO_NULL,
};

int fllm_test_register(void)
{
	return fllm_test_add_suite("model", NULL, NULL, model_tests);
}
