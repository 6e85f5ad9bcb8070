/*
 * Tokenizer: the test vocabulary loaded from a tokenizer.bin and from GGUF
 * metadata encodes every text to the same ids; segmentations derived by hand
 * from that vocabulary; decode(encode(x)) == x for spaces, newlines, digits,
 * accents, CJK, emoji and invalid UTF-8; and each malformed tokenizer file
 * or metadata is refused with a message naming it.
 */
#include <stdlib.h>

#include "engine_test.h"
#include "model_writer.h"
#include "tokenizer.h"

/* Ids in the test vocabulary (model_writer.h). */
#define M(i) (259 + (i))		/* merge i */
#define C(ch) (279 + ((ch) - 0x20))	/* printable ASCII character */
#define NL 374
#define E_ACUTE 375
#define CJK_RI 376
#define CJK_BEN 377
#define EMOJI 378
#define BYTE(b) (3 + (b))

static char err[FLLM_ERROR_MAX];

static const char *const texts[] = {
	"", "the", "hello world", "  two  spaces ", "line\nbreak\n\n\nend\n",
	"digits 0123456789 12",
	"accents \xc3\xa9\xc3\xa8\xc3\xbc caf\xc3\xa9", "CJK \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
	"emoji \xf0\x9f\x99\x82\xf0\x9f\x9a\x80!", "bad utf8 \xff\xfe \x80\x80\x80\x80\x80 \xc3",
	"tab\tand \x01 control", " leading space", "abc abcabc ab",
};

static fllm_tokenizer *tok_bin(uint32_t vocab)
{
	struct bytebuf f;
	fllm_tokenizer *t = NULL;
	struct fllm_err e = { err, sizeof(err) };

	tm_write_tokbin(vocab, &f);
	FLLM_ASSERT_STATUS(fllm_tokenizer_load_bin(f.data, f.len, vocab, &t, &e), FLLM_OK);
	bb_free(&f);
	return t;
}

/* GGUF of the default model with an optional metadata tweak; model kept. */
static fllm_status tok_gguf(void (*tweak)(struct gguf_writer *), fllm_tokenizer **t,
			    struct bytebuf *f)
{
	struct tm_spec s = tm_spec_shape(16, 32, 2, 1);
	struct tm_weights w;
	struct gguf_writer g;
	fllm_model *m;
	fllm_status st;

	*t = NULL;
	tm_weights_make(&s, &w);
	tm_gguf(&s, &w, &g);
	if (tweak)
		tweak(&g);
	gw_finish(&g, f);
	gw_release(&g);
	tm_weights_free(&w);
	st = et_model_open(f, &m, err, sizeof(err));
	if (st)
		return st;
	st = fllm_tokenizer_from_model(m, t, err, sizeof(err));
	fllm_model_free(m);	/* the tokenizer owns copies of the pieces */
	return st;
}

/* Encode text (BOS first) into ids; returns the count. */
static size_t enc(const fllm_tokenizer *t, const char *text, int32_t *ids, size_t cap)
{
	size_t n = 0;

	FLLM_ASSERT_STATUS(fllm_tokenizer_encode(t, text, strlen(text), FLLM_ENCODE_BOS, ids,
						 cap, &n), FLLM_OK);
	return n;
}

/* Decode ids after BOS back into buf, as the CLI prints them. */
static size_t dec(const fllm_tokenizer *t, const int32_t *ids, size_t n, char *buf, size_t cap)
{
	size_t out = 0;

	for (size_t i = 1; i < n; i++) {
		const char *p;
		size_t len;

		FLLM_ASSERT_STATUS(fllm_tokenizer_decode(t, ids[i - 1], ids[i], &p, &len), FLLM_OK);
		if (out + len <= cap) {
			memcpy(buf + out, p, len);
			out += len;
		}
	}
	return out;
}

static void expect_ids(const fllm_tokenizer *t, const char *text, const int32_t *want,
		       size_t n_want)
{
	int32_t ids[64];
	size_t n = enc(t, text, ids, 64);

	FLLM_ASSERT_EQ_U64(n, n_want);
	for (size_t i = 0; i < n && i < n_want; i++) {
		if (ids[i] != want[i])
			fprintf(stderr, "'%s': id %zu is %d, expected %d\n", text, i, ids[i],
				want[i]);
		CU_ASSERT_EQUAL(ids[i], want[i]);
	}
}

/* Hand-derived from the vocabulary: the best-scoring pair merges first,
 * the leftmost on ties; characters without a piece fall back to bytes. */
static void check_segmentations(const fllm_tokenizer *t)
{
	/* " the": " t" (0) beats "he" (-1); then " t"+"he" = " the" (-4) */
	static const int32_t the[] = { 1, M(4) };
	/* " abc": " a" (-2) beats "ab" (-17); " ab" (-18); "abc" never forms */
	static const int32_t abc[] = { 1, M(18), C('c') };
	/* " 12": " 1" (-14) beats "12" (-15) */
	static const int32_t twelve[] = { 1, M(14), C('2') };
	/* " \n\n": no " \n" piece, so the newlines merge */
	static const int32_t nn[] = { 1, C(' '), M(16) };
	static const int32_t cjk[] = { 1, C(' '), M(13), EMOJI, E_ACUTE };
	/* u-umlaut has no piece: its two bytes */
	static const int32_t umlaut[] = { 1, C(' '), BYTE(0xc3), BYTE(0xbc) };
	/* " lll": "ll" (-12) at two places: the leftmost merges, leaving 'l' */
	static const int32_t lll[] = { 1, C(' '), M(12), C('l') };
	/* a lone continuation byte joins the character before it, which then
	 * has no piece either: both fall back to bytes */
	static const int32_t lone[] = { 1, C(' '), BYTE('x'), BYTE(0x80) };

	expect_ids(t, "the", the, 2);
	expect_ids(t, "abc", abc, 3);
	expect_ids(t, "12", twelve, 3);
	expect_ids(t, "\n\n", nn, 3);
	expect_ids(t, "\xe6\x97\xa5\xe6\x9c\xac\xf0\x9f\x99\x82\xc3\xa9", cjk, 5);
	expect_ids(t, "\xc3\xbc", umlaut, 4);
	expect_ids(t, "x\x80", lone, 4);
	expect_ids(t, "lll", lll, 4);
	expect_ids(t, "", the, 1);
}

static void test_segment_bin(void)
{
	fllm_tokenizer *t = tok_bin(tm_vocab_size_min());

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	check_segmentations(t);
	fllm_tokenizer_free(t);
	ET_EXPECT_NO_LEAKS();
}

static void test_segment_gguf(void)
{
	fllm_tokenizer *t;
	struct bytebuf f;

	FLLM_ASSERT_STATUS(tok_gguf(NULL, &t, &f), FLLM_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	check_segmentations(t);
	FLLM_ASSERT_EQ_U64(fllm_tokenizer_bos(t), 1);
	FLLM_ASSERT_EQ_U64(fllm_tokenizer_eos(t), 2);
	fllm_tokenizer_free(t);
	bb_free(&f);
	ET_EXPECT_NO_LEAKS();
}

/* Both sources give the same ids, and decoding gives the text back. */
static void test_sources_agree_roundtrip(void)
{
	fllm_tokenizer *tb = tok_bin(tm_vocab_size_min()), *tg;
	struct bytebuf f;

	FLLM_ASSERT_STATUS(tok_gguf(NULL, &tg, &f), FLLM_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tb);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tg);
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		int32_t a[256], b[256];
		char back[512];
		size_t na = enc(tb, texts[i], a, 256), nb = enc(tg, texts[i], b, 256), nback;

		FLLM_ASSERT_EQ_U64(na, nb);
		CU_ASSERT(na == nb && !memcmp(a, b, na * sizeof(*a)));
		nback = dec(tb, a, na, back, sizeof(back));
		if (nback != strlen(texts[i]) || memcmp(back, texts[i], nback))
			fprintf(stderr, "round trip of '%s' gave '%.*s'\n", texts[i], (int)nback,
				back);
		CU_ASSERT(nback == strlen(texts[i]) && !memcmp(back, texts[i], nback));
		nback = dec(tg, b, nb, back, sizeof(back));
		CU_ASSERT(nback == strlen(texts[i]) && !memcmp(back, texts[i], nback));
	}
	fllm_tokenizer_free(tb);
	fllm_tokenizer_free(tg);
	bb_free(&f);
	ET_EXPECT_NO_LEAKS();
}

static void test_decode_rules(void)
{
	fllm_tokenizer *t = tok_bin(tm_vocab_size_min());
	const char *p;
	size_t len;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	FLLM_ASSERT_STATUS(fllm_tokenizer_decode(t, 1, M(4), &p, &len), FLLM_OK);
	CU_ASSERT(len == 3 && !memcmp(p, "the", 3));	/* space dropped after BOS */
	FLLM_ASSERT_STATUS(fllm_tokenizer_decode(t, C('a'), M(4), &p, &len), FLLM_OK);
	CU_ASSERT(len == 4 && !memcmp(p, " the", 4));
	FLLM_ASSERT_STATUS(fllm_tokenizer_decode(t, 1, BYTE(0x20), &p, &len), FLLM_OK);
	CU_ASSERT(len == 1 && p[0] == ' ');		/* raw byte, even after BOS */
	FLLM_ASSERT_STATUS(fllm_tokenizer_decode(t, C('a'), 2, &p, &len), FLLM_OK);
	FLLM_ASSERT_EQ_U64(len, 0);			/* control */
	FLLM_ASSERT_STATUS(fllm_tokenizer_decode(t, -1, (int32_t)tm_vocab_size_min(), &p, &len),
			   FLLM_E_INVALID_ARG);
	FLLM_ASSERT_STATUS(fllm_tokenizer_decode(t, -1, -1, &p, &len), FLLM_E_INVALID_ARG);
	fllm_tokenizer_free(t);
	ET_EXPECT_NO_LEAKS();
}

static void test_encode_capacity(void)
{
	fllm_tokenizer *t = tok_bin(tm_vocab_size_min());
	int32_t ids[2];
	size_t n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	FLLM_ASSERT_STATUS(fllm_tokenizer_encode(t, "abc", 3, FLLM_ENCODE_BOS, ids, 2, &n),
			   FLLM_E_INVALID_ARG);
	FLLM_ASSERT_EQ_U64(n, 3);
	FLLM_ASSERT_STATUS(fllm_tokenizer_encode(t, "abc", 3, 0, ids, 2, &n), FLLM_OK);
	FLLM_ASSERT_EQ_U64(n, 2);
	FLLM_ASSERT_STATUS(fllm_tokenizer_encode(t, "abc", 3, 0x80, ids, 2, &n),
			   FLLM_E_INVALID_ARG);
	fllm_tokenizer_free(t);
	ET_EXPECT_NO_LEAKS();
}

/* The synthetic model's byte tokenizer round-trips any bytes. */
static void test_synthetic(void)
{
	fllm_model *m;
	fllm_tokenizer *t;

	FLLM_ASSERT_STATUS(fllm_model_open_synthetic(7, &m), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_tokenizer_from_model(m, &t, err, sizeof(err)), FLLM_OK);
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		int32_t ids[256];
		char back[512];
		size_t n = enc(t, texts[i], ids, 256);
		size_t nb = dec(t, ids, n, back, sizeof(back));

		FLLM_ASSERT_EQ_U64(n, strlen(texts[i]) + (texts[i][0] ? 2 : 1));
		CU_ASSERT(nb == strlen(texts[i]) && !memcmp(back, texts[i], nb));
	}
	fllm_tokenizer_free(t);
	fllm_model_free(m);
	ET_EXPECT_NO_LEAKS();
}

/* ---- tokenizer.bin broken one field at a time ---- */

static void expect_bin(struct bytebuf *f, uint32_t vocab, const char *text)
{
	fllm_tokenizer *t = NULL;
	struct fllm_err e = { err, sizeof(err) };

	ET_EXPECT_ERROR(fllm_tokenizer_load_bin(f->data, f->len, vocab, &t, &e), FLLM_E_FORMAT,
			err, text);
	CU_ASSERT_PTR_NULL(t);
	bb_free(f);
	ET_EXPECT_NO_LEAKS();
}

static void test_bin_errors(void)
{
	uint32_t v = tm_vocab_size_min();
	struct bytebuf f;
	float inf = 1.0f / 0.0f;
	uint32_t bits;

	tm_write_tokbin(v, &f);
	expect_bin(&f, v + 1, "tokenizer holds 379 tokens, the model's vocabulary has 380");
	tm_write_tokbin(v, &f);
	bb_put_u32(&f, 0, 0);
	expect_bin(&f, v, "max_token_length 0 out of range");
	tm_write_tokbin(v, &f);
	bb_put_u32(&f, 0, 4);
	expect_bin(&f, v, "token 0: length 5 exceeds max_token_length 4");
	tm_write_tokbin(v, &f);
	memcpy(&bits, &inf, 4);
	bb_put_u32(&f, 4, bits);
	expect_bin(&f, v, "token 0: score is not finite");
	tm_write_tokbin(v, &f);
	f.len -= 3;
	expect_bin(&f, v, "past end of file");
	tm_write_tokbin(v, &f);
	f.len = 6;
	expect_bin(&f, v, "token 0: record at byte 4 truncated");
	tm_write_tokbin(v, &f);
	f.len = 2;
	expect_bin(&f, v, "has no max_token_length");
	tm_write_tokbin(v, &f);
	f.len = 4;
	expect_bin(&f, 0, "holds no tokens");
}

static void test_open_missing(void)
{
	fllm_tokenizer *t = NULL;

	ET_EXPECT_ERROR(fllm_tokenizer_open("/nonexistent/tok.bin", 0, &t, err, sizeof(err)),
			FLLM_E_IO, err, "/nonexistent/tok.bin");
	CU_ASSERT_PTR_NULL(t);
	ET_EXPECT_NO_LEAKS();
}

/* ---- GGUF tokenizer metadata broken one key at a time ---- */

static const char *replace_key;

static void tweak_model_gpt2(struct gguf_writer *g)
{
	(void)replace_key;
	/* the later duplicate would be refused by the parser: rename the first */
	for (size_t i = 0; i + 20 < g->kv.len; i++)
		if (!memcmp(g->kv.data + i, "tokenizer.ggml.model", 20))
			memcpy(g->kv.data + i, "tokenizer.ggml.mode_", 20);
	gw_kv_str(g, "tokenizer.ggml.model", "gpt2");
}

static void tweak_no_model(struct gguf_writer *g)
{
	for (size_t i = 0; i + 20 < g->kv.len; i++)
		if (!memcmp(g->kv.data + i, "tokenizer.ggml.model", 20))
			memcpy(g->kv.data + i, "tokenizer.ggml.mode_", 20);
}

static void tweak_scores_short(struct gguf_writer *g)
{
	static const float s[3];

	for (size_t i = 0; i + 21 < g->kv.len; i++)
		if (!memcmp(g->kv.data + i, "tokenizer.ggml.scores", 21))
			memcpy(g->kv.data + i, "tokenizer.ggml.score_", 21);
	gw_kv_arr_f32(g, "tokenizer.ggml.scores", s, 3);
}

/* Rename the token_type array and add one of the given values. */
static int32_t *types_override;

static void tweak_types(struct gguf_writer *g)
{
	for (size_t i = 0; i + 25 < g->kv.len; i++)
		if (!memcmp(g->kv.data + i, "tokenizer.ggml.token_type", 25))
			memcpy(g->kv.data + i, "tokenizer.ggml.token_typ_", 25);
	gw_kv_arr_i32(g, "tokenizer.ggml.token_type", types_override, tm_vocab_size_min());
}

static void tweak_bos(struct gguf_writer *g)
{
	for (size_t i = 0; i + 27 < g->kv.len; i++)
		if (!memcmp(g->kv.data + i, "tokenizer.ggml.bos_token_id", 27))
			memcpy(g->kv.data + i, "tokenizer.ggml.bos_token_i_", 27);
	gw_kv_u32(g, "tokenizer.ggml.bos_token_id", 100000);
}

static void expect_gguf_tok(void (*tweak)(struct gguf_writer *), const char *text)
{
	fllm_tokenizer *t;
	struct bytebuf f;

	ET_EXPECT_ERROR(tok_gguf(tweak, &t, &f), FLLM_E_FORMAT, err, text);
	CU_ASSERT_PTR_NULL(t);
	bb_free(&f);
	ET_EXPECT_NO_LEAKS();
}

static void test_gguf_errors(void)
{
	uint32_t n = tm_vocab_size_min();
	char piece[64];
	size_t len;
	float score;

	expect_gguf_tok(tweak_model_gpt2, "tokenizer model 'gpt2' not supported");
	expect_gguf_tok(tweak_no_model, "carries no tokenizer");
	expect_gguf_tok(tweak_scores_short, "tokenizer.ggml.scores has 3 entries, tokens has 379");
	expect_gguf_tok(tweak_bos, "tokenizer.ggml.bos_token_id = 100000 is outside");
	types_override = calloc(n, sizeof(*types_override));
	for (uint32_t id = 0; id < n; id++)
		tm_vocab_piece(id, n, 1, piece, sizeof(piece), &len, &score, &types_override[id]);
	types_override[300] = 9;
	expect_gguf_tok(tweak_types, "token 300 has unknown type 9");
	types_override[300] = 6;
	expect_gguf_tok(tweak_types, "token 300 is marked as a byte but is not <0xNN>");
	free(types_override);
}

/* A llama2.c checkpoint has no tokenizer of its own. */
static void test_llama2c_has_none(void)
{
	struct tm_spec s = tm_spec_default();
	struct tm_weights w;
	struct bytebuf f;
	fllm_model *m;
	fllm_tokenizer *t;

	tm_weights_make(&s, &w);
	tm_write_bin(&s, &w, &f);
	FLLM_ASSERT_STATUS(et_model_open(&f, &m, err, sizeof(err)), FLLM_OK);
	ET_EXPECT_ERROR(fllm_tokenizer_from_model(m, &t, err, sizeof(err)), FLLM_E_FORMAT, err,
			"give its tokenizer.bin");
	fllm_model_free(m);
	bb_free(&f);
	tm_weights_free(&w);
	ET_EXPECT_NO_LEAKS();
}

static CU_TestInfo tok_tests[] = {
	{ "segmentations (tokenizer.bin)", test_segment_bin },
	{ "segmentations (GGUF)", test_segment_gguf },
	{ "sources agree, round trip", test_sources_agree_roundtrip },
	{ "decode rules", test_decode_rules },
	{ "encode capacity and flags", test_encode_capacity },
	{ "synthetic byte tokenizer", test_synthetic },
	{ "tokenizer.bin errors", test_bin_errors },
	{ "tokenizer.bin missing", test_open_missing },
	{ "GGUF tokenizer errors", test_gguf_errors },
	{ "llama2.c model has no tokenizer", test_llama2c_has_none },
	CU_TEST_INFO_NULL,
};

int fllm_test_register(void)
{
	return fllm_test_add_suite("tokenizer", NULL, NULL, tok_tests);
}
