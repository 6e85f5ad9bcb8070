/*
 * GGUF parser: a valid file with every metadata type reads back, and each
 * malformed header, key, value, tensor info or offset is refused with a
 * message naming it. Every bad file starts from a valid one with one thing
 * broken.
 */
#include <stdlib.h>

#include "engine_test.h"
#include "gguf.h"
#include "gguf_writer.h"

static char err[FLLM_ERROR_MAX];

/* A small valid file: keys of every type and two F32 tensors. */
static void base_writer(struct gguf_writer *w)
{
	static const float v[64] = { 1.0f, 2.0f, 3.0f };
	static const char *const s[2] = { "ab", "cde" };
	static const float af[3] = { 0.5f, 1.5f, 2.5f };
	static const int32_t ai[2] = { -7, 9 };
	uint64_t d1[1] = { 64 }, d2[2] = { 8, 4 };
	uint8_t u8 = 200, b = 1;
	uint16_t u16 = 60000;
	int8_t i8 = -5;
	int16_t i16 = -300;
	uint64_t u64 = 1ull << 40;
	int64_t i64 = -(1ll << 40);
	double f64 = 2.25;

	gw_init(w, 3);
	gw_kv_raw(w, "t.u8", GW_U8, &u8, 1);
	gw_kv_raw(w, "t.i8", GW_I8, &i8, 1);
	gw_kv_raw(w, "t.u16", GW_U16, &u16, 2);
	gw_kv_raw(w, "t.i16", GW_I16, &i16, 2);
	gw_kv_u32(w, "t.u32", 123456);
	gw_kv_i32(w, "t.i32", -42);
	gw_kv_f32(w, "t.f32", 0.75f);
	gw_kv_raw(w, "t.bool", GW_BOOL, &b, 1);
	gw_kv_str(w, "t.str", "hello");
	gw_kv_raw(w, "t.u64", GW_U64, &u64, 8);
	gw_kv_raw(w, "t.i64", GW_I64, &i64, 8);
	gw_kv_raw(w, "t.f64", GW_F64, &f64, 8);
	gw_kv_arr_str(w, "t.astr", s, NULL, 2);
	gw_kv_arr_f32(w, "t.af32", af, 3);
	gw_kv_arr_i32(w, "t.ai32", ai, 2);
	gw_tensor(w, "a", GW_T_F32, 1, d1, v);
	gw_tensor(w, "b", GW_T_F32, 2, d2, v);
}

static fllm_status parse(const struct bytebuf *f, struct fllm_gguf *g)
{
	struct fllm_err e = { err, sizeof(err) };

	err[0] = 0;
	return fllm_gguf_parse(f->data, f->len, g, &e);
}

/* Parse a finished writer's file, expect failure with text. */
static void expect_bad(struct gguf_writer *w, const char *text)
{
	struct bytebuf f;
	struct fllm_gguf g;

	gw_finish(w, &f);
	ET_EXPECT_ERROR(parse(&f, &g), FLLM_E_FORMAT, err, text);
	bb_free(&f);
	gw_release(w);
}

/* Byte offset of tensor i's type field in a finished file. */
static size_t type_off(const struct gguf_writer *w, uint32_t i)
{
	const struct gw_tensor *t = &w->t[i];

	return t->info_off + 8 + strlen(t->name) + 4 + 8 * t->n_dims;
}

static void test_valid(void)
{
	struct gguf_writer w;
	struct bytebuf f;
	struct fllm_gguf g;
	struct fllm_err e = { err, sizeof(err) };
	const struct fllm_gguf_kv *kv;
	const struct fllm_gguf_tensor *t;
	const uint8_t *p;
	const char *s;
	uint64_t u;
	float x;
	size_t len;
	int found;

	base_writer(&w);
	gw_finish(&w, &f);
	FLLM_ASSERT_STATUS(parse(&f, &g), FLLM_OK);
	FLLM_ASSERT_EQ_U64(g.version, 3);
	FLLM_ASSERT_EQ_U64(g.n_kv, 15);
	FLLM_ASSERT_EQ_U64(g.alignment, 32);
	FLLM_ASSERT_EQ_U64(g.data_start, w.data_start);
	FLLM_ASSERT_EQ_U64(fllm_gguf_get_uint(&g, "t.u8", 255, &u, &found, &e), FLLM_OK);
	FLLM_ASSERT_EQ_U64(u, 200);
	fllm_gguf_get_uint(&g, "t.u16", UINT32_MAX, &u, &found, &e);
	FLLM_ASSERT_EQ_U64(u, 60000);
	fllm_gguf_get_uint(&g, "t.u32", UINT32_MAX, &u, &found, &e);
	FLLM_ASSERT_EQ_U64(u, 123456);
	fllm_gguf_get_uint(&g, "t.u64", UINT64_MAX, &u, &found, &e);
	FLLM_ASSERT_EQ_U64(u, 1ull << 40);
	ET_EXPECT_ERROR(fllm_gguf_get_uint(&g, "t.i32", 100, &u, &found, &e), FLLM_E_FORMAT,
			err, "negative (-42)");
	ET_EXPECT_ERROR(fllm_gguf_get_uint(&g, "t.u32", 1000, &u, &found, &e), FLLM_E_FORMAT,
			err, "above the limit 1000");
	ET_EXPECT_ERROR(fllm_gguf_get_uint(&g, "t.str", 1000, &u, &found, &e), FLLM_E_FORMAT,
			err, "has type string, expected an integer");
	FLLM_ASSERT_STATUS(fllm_gguf_get_uint(&g, "absent", 1, &u, &found, &e), FLLM_OK);
	FLLM_ASSERT_EQ_U64(found, 0);
	fllm_gguf_get_float(&g, "t.f32", &x, &found, &e);
	CU_ASSERT_EQUAL(x, 0.75f);
	fllm_gguf_get_float(&g, "t.f64", &x, &found, &e);
	CU_ASSERT_EQUAL(x, 2.25f);
	fllm_gguf_get_string(&g, "t.str", &s, &len, &found, &e);
	FLLM_ASSERT_EQ_U64(len, 5);
	CU_ASSERT_NSTRING_EQUAL(s, "hello", 5);
	FLLM_ASSERT_STATUS(fllm_gguf_get_array(&g, "t.astr", GW_STRING, &kv, &e), FLLM_OK);
	FLLM_ASSERT_EQ_U64(kv->count, 2);
	p = kv->value;
	s = (const char *)fllm_gguf_string_next(&p, &len);
	CU_ASSERT(len == 2 && !memcmp(s, "ab", 2));
	s = (const char *)fllm_gguf_string_next(&p, &len);
	CU_ASSERT(len == 3 && !memcmp(s, "cde", 3));
	ET_EXPECT_ERROR(fllm_gguf_get_array(&g, "t.af32", GW_I32, &kv, &e), FLLM_E_FORMAT, err,
			"not an array of int32");
	t = fllm_gguf_tensor(&g, "b");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	FLLM_ASSERT_EQ_U64(t->n_elems, 32);
	FLLM_ASSERT_EQ_U64(t->bytes, 128);
	FLLM_ASSERT_EQ_U64(t->data - f.data, w.data_start + 256);
	fllm_gguf_release(&g);
	bb_free(&f);
	gw_release(&w);
}

/* general.alignment = 64 moves the data section and the padding between tensors. */
static void test_alignment_key(void)
{
	struct gguf_writer w;
	struct bytebuf f;
	struct fllm_gguf g;

	base_writer(&w);
	w.alignment = 64;
	gw_kv_u32(&w, "general.alignment", 64);
	gw_finish(&w, &f);
	FLLM_ASSERT_STATUS(parse(&f, &g), FLLM_OK);
	FLLM_ASSERT_EQ_U64(g.alignment, 64);
	FLLM_ASSERT_EQ_U64(g.data_start % 64, 0);
	FLLM_ASSERT_EQ_U64(g.data_start, w.data_start);
	fllm_gguf_release(&g);
	bb_free(&f);
	gw_release(&w);
}

static void test_version2(void)
{
	struct gguf_writer w;
	struct bytebuf f;
	struct fllm_gguf g;

	base_writer(&w);
	w.version = 2;
	gw_finish(&w, &f);
	FLLM_ASSERT_STATUS(parse(&f, &g), FLLM_OK);
	FLLM_ASSERT_EQ_U64(g.version, 2);
	fllm_gguf_release(&g);
	bb_free(&f);
	gw_release(&w);
}

/* Header-level breakage: patch one field of a valid file. */
static void expect_patched(size_t off, uint32_t v, const char *text)
{
	struct gguf_writer w;
	struct bytebuf f;
	struct fllm_gguf g;

	base_writer(&w);
	gw_finish(&w, &f);
	bb_put_u32(&f, off, v);
	ET_EXPECT_ERROR(parse(&f, &g), FLLM_E_FORMAT, err, text);
	bb_free(&f);
	gw_release(&w);
}

static void test_bad_magic(void)
{
	expect_patched(0, 0x46554746u, "no 'GGUF' magic");
}

static void test_version1(void)
{
	expect_patched(4, 1, "version 1 not supported");
}

static void test_big_endian(void)
{
	expect_patched(4, 0x03000000u, "big-endian");
}

static void test_kv_count_huge(void)
{
	expect_patched(20, 0x10000000u, "metadata keys; the file cannot hold them");
}

static void test_tensor_count_huge(void)
{
	expect_patched(12, 0x10000000u, "tensors; the file cannot hold them");
}

static void test_key_length_past_end(void)
{
	expect_patched(24, 0x7fffffffu, "runs past end of file");
}

static void test_key_empty(void)
{
	struct gguf_writer w;

	base_writer(&w);
	gw_kv_u32(&w, "", 1);
	expect_bad(&w, "is empty");
}

static void test_header_truncated(void)
{
	struct gguf_writer w;
	struct bytebuf f;
	struct fllm_gguf g;

	base_writer(&w);
	gw_finish(&w, &f);
	f.len = 20;
	ET_EXPECT_ERROR(parse(&f, &g), FLLM_E_FORMAT, err, "GGUF header truncated");
	bb_free(&f);
	gw_release(&w);
}

static void test_unknown_value_type(void)
{
	struct gguf_writer w;
	uint32_t v = 0;

	base_writer(&w);
	gw_kv_raw(&w, "t.weird", 13, &v, 4);
	expect_bad(&w, "key 't.weird': unknown value type 13");
}

static void test_array_of_arrays(void)
{
	struct gguf_writer w;
	uint8_t hdr[12] = { GW_ARRAY, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0 };

	base_writer(&w);
	gw_kv_raw(&w, "t.nested", GW_ARRAY, hdr, sizeof(hdr));
	expect_bad(&w, "arrays of arrays are not supported");
}

static void test_array_past_end(void)
{
	struct gguf_writer w;
	uint8_t hdr[12] = { GW_U32, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };	/* 2^56 entries */

	base_writer(&w);
	gw_kv_raw(&w, "t.big", GW_ARRAY, hdr, sizeof(hdr));
	expect_bad(&w, "key 't.big': array of 72057594037927936 uint32 runs past end");
}

static void test_string_array_huge(void)
{
	struct gguf_writer w;
	uint8_t hdr[12] = { GW_STRING, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0 };	/* 2^48 */

	base_writer(&w);
	gw_kv_raw(&w, "t.strs", GW_ARRAY, hdr, sizeof(hdr));
	expect_bad(&w, "strings cannot fit");
}

static void test_bool_value(void)
{
	struct gguf_writer w;
	uint8_t b = 2;

	base_writer(&w);
	gw_kv_raw(&w, "t.b2", GW_BOOL, &b, 1);
	expect_bad(&w, "bool value 2 is not 0 or 1");
}

static void test_duplicate_key(void)
{
	struct gguf_writer w;

	base_writer(&w);
	gw_kv_u32(&w, "t.u32", 7);
	expect_bad(&w, "key 't.u32' appears twice");
}

static void test_duplicate_tensor(void)
{
	struct gguf_writer w;
	static const float v[64];
	uint64_t d[1] = { 64 };

	base_writer(&w);
	gw_tensor(&w, "a", GW_T_F32, 1, d, v);
	expect_bad(&w, "tensor 'a' appears twice");
}

static void test_tensor_name_long(void)
{
	struct gguf_writer w;
	static const float v[64];
	uint64_t d[1] = { 8 };
	char name[80];

	memset(name, 'x', 64);
	name[64] = 0;
	base_writer(&w);
	gw_tensor(&w, name, GW_T_F32, 1, d, v);
	expect_bad(&w, "name of 64 bytes");
}

static void test_tensor_dims(void)
{
	static const float v[64];
	uint64_t d5[5] = { 2, 2, 2, 2, 2 }, d0[2] = { 8, 0 };
	struct gguf_writer w;

	base_writer(&w);
	gw_tensor(&w, "c", GW_T_F32, 5, d5, v);
	expect_bad(&w, "tensor 'c': 5 dimensions (1..4)");
	base_writer(&w);
	gw_tensor(&w, "c", GW_T_F32, 0, d5, v);
	expect_bad(&w, "tensor 'c': 0 dimensions");
	base_writer(&w);
	gw_tensor(&w, "c", GW_T_F32, 2, d0, v);
	expect_bad(&w, "tensor 'c': dimension 1 is 0");
}

static void test_tensor_dims_overflow(void)
{
	struct gguf_writer w;
	struct bytebuf f;
	struct fllm_gguf g;
	static const float v[64];
	uint64_t d[2] = { 8, 8 };
	size_t off;

	base_writer(&w);
	gw_tensor(&w, "c", GW_T_F32, 2, d, v);
	gw_finish(&w, &f);
	off = w.t[2].info_off + 8 + 1 + 4;
	bb_put_u32(&f, off + 4, 0x40000000u);		/* dims[0] = 2^62 + 8 */
	bb_put_u32(&f, off + 8 + 4, 0x40000000u);	/* dims[1] = 2^62 + 8 */
	ET_EXPECT_ERROR(parse(&f, &g), FLLM_E_FORMAT, err, "tensor 'c': dimension 1 is");
	bb_free(&f);
	gw_release(&w);
}

/* A known ggml type the engine cannot load is named in the message. */
static void test_tensor_type_unsupported(void)
{
	struct gguf_writer w;
	struct bytebuf f;
	struct fllm_gguf g;

	base_writer(&w);
	gw_finish(&w, &f);
	bb_put_u32(&f, type_off(&w, 1), 12);
	ET_EXPECT_ERROR(parse(&f, &g), FLLM_E_FORMAT, err, "tensor 'b': type Q4_K (12) not "
			"supported");
	bb_put_u32(&f, type_off(&w, 1), 999);
	ET_EXPECT_ERROR(parse(&f, &g), FLLM_E_FORMAT, err, "type unknown (999)");
	bb_free(&f);
	gw_release(&w);
}

static void test_tensor_block_rows(void)
{
	struct gguf_writer w;
	struct bytebuf f;
	struct fllm_gguf g;

	base_writer(&w);
	gw_finish(&w, &f);
	bb_put_u32(&f, type_off(&w, 1), GW_T_Q8_0);	/* rows of 8 elements */
	ET_EXPECT_ERROR(parse(&f, &g), FLLM_E_FORMAT, err,
			"row of 8 elements is not a multiple of Q8_0's block of 32");
	bb_free(&f);
	gw_release(&w);
}

static void test_tensor_offset_misaligned(void)
{
	struct gguf_writer w;
	struct bytebuf f;
	struct fllm_gguf g;

	base_writer(&w);
	gw_finish(&w, &f);
	bb_put_u32(&f, type_off(&w, 1) + 4, 260);
	ET_EXPECT_ERROR(parse(&f, &g), FLLM_E_FORMAT, err,
			"tensor 'b': data offset 260 is not a multiple of the alignment 32");
	bb_free(&f);
	gw_release(&w);
}

/* The message gives the absolute byte range and the file size. */
static void test_tensor_past_end(void)
{
	struct gguf_writer w;
	struct bytebuf f;
	struct fllm_gguf g;
	char want[128];

	base_writer(&w);
	gw_finish(&w, &f);
	f.len = w.data_start + 256 + 100;	/* 'b' needs 128 bytes at +256 */
	snprintf(want, sizeof(want), "tensor 'b': data [%zu, %zu) past end of file (%zu bytes)",
		 w.data_start + 256, w.data_start + 256 + 128, f.len);
	ET_EXPECT_ERROR(parse(&f, &g), FLLM_E_FORMAT, err, want);
	bb_free(&f);
	gw_release(&w);
}

static void test_alignment_bad(void)
{
	struct gguf_writer w;

	base_writer(&w);
	gw_kv_u32(&w, "general.alignment", 48);
	expect_bad(&w, "general.alignment 48 is not a power of two");
	base_writer(&w);
	gw_kv_u32(&w, "general.alignment", 0);
	expect_bad(&w, "general.alignment 0 is not a power of two");
	base_writer(&w);
	gw_kv_f32(&w, "general.alignment", 32.0f);
	expect_bad(&w, "general.alignment has type float32, expected uint32");
}

/* Every strict prefix of a valid file fails cleanly. */
static void test_truncations(void)
{
	struct gguf_writer w;
	struct bytebuf f;
	struct fllm_gguf g;
	size_t full, bad = 0;

	base_writer(&w);
	gw_finish(&w, &f);
	full = w.data_start + 256 + 128;	/* 'b' ends here; later bytes are padding */
	for (size_t n = 0; n < full; n++) {
		uint8_t *copy = malloc(n ? n : 1);	/* exact size: ASan sees overreads */
		struct fllm_err e = { err, sizeof(err) };

		memcpy(copy, f.data, n);
		if (fllm_gguf_parse(copy, n, &g, &e) != FLLM_E_FORMAT)
			bad++;
		free(copy);
	}
	FLLM_ASSERT_EQ_U64(bad, 0);
	bb_free(&f);
	gw_release(&w);
	ET_EXPECT_NO_LEAKS();
}

static CU_TestInfo gguf_tests[] = {
	{ "valid file, every value type", test_valid },
	{ "general.alignment 64", test_alignment_key },
	{ "version 2", test_version2 },
	{ "bad magic", test_bad_magic },
	{ "version 1", test_version1 },
	{ "big-endian", test_big_endian },
	{ "header truncated", test_header_truncated },
	{ "key count beyond file", test_kv_count_huge },
	{ "tensor count beyond file", test_tensor_count_huge },
	{ "key length past end", test_key_length_past_end },
	{ "empty key", test_key_empty },
	{ "unknown value type", test_unknown_value_type },
	{ "array of arrays", test_array_of_arrays },
	{ "array past end", test_array_past_end },
	{ "string array too long", test_string_array_huge },
	{ "bool not 0/1", test_bool_value },
	{ "duplicate key", test_duplicate_key },
	{ "duplicate tensor", test_duplicate_tensor },
	{ "tensor name too long", test_tensor_name_long },
	{ "tensor dimensions", test_tensor_dims },
	{ "tensor dimensions overflow", test_tensor_dims_overflow },
	{ "tensor type unsupported", test_tensor_type_unsupported },
	{ "tensor rows not whole blocks", test_tensor_block_rows },
	{ "tensor offset misaligned", test_tensor_offset_misaligned },
	{ "tensor data past end", test_tensor_past_end },
	{ "general.alignment invalid", test_alignment_bad },
	{ "every truncation", test_truncations },
	CU_TEST_INFO_NULL,
};

int fllm_test_register(void)
{
	return fllm_test_add_suite("gguf", NULL, NULL, gguf_tests);
}
