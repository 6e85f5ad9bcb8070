/*
 * Model packages: a round trip (what is read back equals what was written,
 * and the records equal an independent quantization of the same weights),
 * then every malformed package the reader must refuse, each starting from a
 * valid image with one thing broken. Where the broken field is behind a
 * checksum, the checksums are recomputed, so the check under test (not the
 * CRC) is what refuses it.
 */
#include <math.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include "card_matrix.h"
#include "dec_test.h"
#include "fllm_lutgemm.h"
#include "package.h"

static struct dec_model g_model;	/* source of every package here */
static struct bytebuf g_img;		/* its q=4 g=32 package */
static char g_path[64];
static uint64_t g_live;			/* handles the suite keeps: model, tokenizer */

/* Nothing but the suite's own model and tokenizer may be left alive. */
#define DEC_EXPECT_NO_LEAKS() FLLM_ASSERT_EQ_U64(fllm_live_handles(), g_live)

static int suite_init(void)
{
	struct tm_spec s = tm_spec_default();

	s.hidden = 100;		/* K = 100: short last group, padding bits */
	if (dec_model_make(&s, &g_model))
		return -1;
	g_live = fllm_live_handles();
	return dec_package_make(&g_model, 4, 32, &g_img, g_path);
}

static int suite_fini(void)
{
	unlink(g_path);
	bb_free(&g_img);
	dec_model_free(&g_model);
	return 0;
}

/* ---- helpers on a mutable copy of the valid image ---- */

static struct fllm_pkg_header *pk_hdr(struct bytebuf *b)
{
	return (struct fllm_pkg_header *)(void *)b->data;
}

static struct fllm_pkg_entry *pk_entry(struct bytebuf *b, uint32_t i)
{
	return (struct fllm_pkg_entry *)(void *)(b->data + pk_hdr(b)->table_offset) + i;
}

/* Index of the section of kind (and name, for tensors). */
static uint32_t pk_find(struct bytebuf *b, uint32_t kind, const char *name)
{
	for (uint32_t i = 0; i < pk_hdr(b)->section_count; i++) {
		struct fllm_pkg_entry *e = pk_entry(b, i);

		if (e->kind == kind && (!name || !strcmp(e->name, name)))
			return i;
	}
	CU_FAIL_FATAL("section not found");
	return 0;
}

static uint8_t *pk_sec(struct bytebuf *b, uint32_t i)
{
	return b->data + pk_entry(b, i)->offset;
}

/* Recompute every section CRC that still lies in the file, the table's, the header's. */
static void pk_reseal(struct bytebuf *b)
{
	struct fllm_pkg_header *h = pk_hdr(b);

	for (uint32_t i = 0; i < h->section_count; i++) {
		struct fllm_pkg_entry *e = pk_entry(b, i);

		if (e->offset <= b->len && e->bytes <= b->len - e->offset)
			e->crc = fllm_pkg_crc32(0, b->data + e->offset, e->bytes);
	}
	h->table_crc = fllm_pkg_crc32(0, pk_entry(b, 0),
				      (size_t)h->section_count * sizeof(struct fllm_pkg_entry));
	h->header_crc = fllm_pkg_crc32(0, h, offsetof(struct fllm_pkg_header, header_crc));
}

static void pk_copy(struct bytebuf *b)
{
	bb_init(b);
	bb_bytes(b, g_img.data, g_img.len);
}

/* The copy must be refused with FLLM_E_FORMAT and text in the message. */
static void pk_expect(struct bytebuf *b, const char *text)
{
	char err[FLLM_ERROR_MAX];
	fllm_model *m = NULL;

	ET_EXPECT_ERROR(dec_package_open(b, &m, err, sizeof(err)), FLLM_E_FORMAT, err, text);
	CU_ASSERT_PTR_NULL(m);
	bb_free(b);
	DEC_EXPECT_NO_LEAKS();
}

/* ---- round trip ---- */

static void test_round_trip_info(void)
{
	fllm_model_info a, b;
	fllm_quant_params qp;
	fllm_model *m = NULL;
	fllm_tensor_desc td;
	char err[FLLM_ERROR_MAX] = "";

	FLLM_ASSERT_STATUS(fllm_package_open(g_path, &m, err, sizeof(err)), FLLM_OK);
	if (!m)
		return;
	fllm_model_info_get(g_model.model, &a);
	fllm_model_info_get(m, &b);
	FLLM_ASSERT_EQ_U64(b.format, FLLM_MODEL_PACKAGE);
	FLLM_ASSERT_EQ_U64(b.dim, a.dim);
	FLLM_ASSERT_EQ_U64(b.hidden_dim, a.hidden_dim);
	FLLM_ASSERT_EQ_U64(b.n_layers, a.n_layers);
	FLLM_ASSERT_EQ_U64(b.n_kv_heads, a.n_kv_heads);
	FLLM_ASSERT_EQ_U64(b.vocab_size, a.vocab_size);
	FLLM_ASSERT_EQ_U64(b.context_length, a.context_length);
	FLLM_ASSERT_EQ_U64(b.tied_output, a.tied_output);
	CU_ASSERT_EQUAL(b.rms_eps, a.rms_eps);
	CU_ASSERT_EQUAL(b.rope_theta, a.rope_theta);
	FLLM_ASSERT_EQ_U64(b.file_bytes, g_img.len);
	FLLM_ASSERT_STATUS(fllm_package_quant_get(m, &qp), FLLM_OK);
	FLLM_ASSERT_EQ_U64(qp.bits, 4);
	FLLM_ASSERT_EQ_U64(qp.group, 32);
	FLLM_ASSERT_EQ_U64(fllm_model_tensor_count(m), 3 + 9 * a.n_layers);
	FLLM_ASSERT_STATUS(fllm_model_tensor_find(m, "blk.1.attn_q.weight", &td), FLLM_OK);
	FLLM_ASSERT_EQ_U64(td.type, FLLM_TENSOR_BCQ);
	FLLM_ASSERT_STATUS(fllm_model_tensor_find(m, "blk.1.ffn_norm.weight", &td), FLLM_OK);
	FLLM_ASSERT_EQ_U64(td.type, FLLM_TENSOR_F32);
	FLLM_ASSERT_STATUS(fllm_package_quant_get(g_model.model, &qp), FLLM_E_INVALID_ARG);
	fllm_model_free(m);
	DEC_EXPECT_NO_LEAKS();
}

/* The tokenizer read back encodes and decodes every text as the source's. */
static void test_round_trip_tokenizer(void)
{
	static const char *const texts[] = { "", "Hello world", " two  spaces\nnew line",
					     "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac 42",
					     "\xf0\x9f\x99\x82 emoji" };
	fllm_tokenizer *t = NULL;
	fllm_model *m = NULL;
	char err[FLLM_ERROR_MAX] = "";
	int32_t a[64], b[64];
	size_t na, nb;

	FLLM_ASSERT_STATUS(fllm_package_open(g_path, &m, err, sizeof(err)), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_package_tokenizer(m, &t, err, sizeof(err)), FLLM_OK);
	if (!t) {
		fllm_model_free(m);
		return;
	}
	FLLM_ASSERT_EQ_U64(fllm_tokenizer_bos(t), fllm_tokenizer_bos(g_model.tok));
	FLLM_ASSERT_EQ_U64(fllm_tokenizer_eos(t), fllm_tokenizer_eos(g_model.tok));
	for (size_t k = 0; k < sizeof(texts) / sizeof(texts[0]); k++) {
		fllm_tokenizer_encode(g_model.tok, texts[k], strlen(texts[k]), FLLM_ENCODE_BOS, a,
				      64, &na);
		fllm_tokenizer_encode(t, texts[k], strlen(texts[k]), FLLM_ENCODE_BOS, b, 64, &nb);
		FLLM_ASSERT_EQ_U64(nb, na);
		CU_ASSERT(na == nb && !memcmp(a, b, na * sizeof(*a)));
	}
	for (int32_t id = 0; id < (int32_t)fllm_tokenizer_vocab_size(t); id++) {
		const char *pa, *pb;
		size_t la, lb;

		fllm_tokenizer_decode(g_model.tok, 5, id, &pa, &la);
		fllm_tokenizer_decode(t, 5, id, &pb, &lb);
		if (la != lb || memcmp(pa, pb, la)) {
			fprintf(stderr, "token %d decodes differently\n", id);
			CU_FAIL("piece");
		}
	}
	fllm_tokenizer_free(t);
	fllm_model_free(m);
	DEC_EXPECT_NO_LEAKS();
}

/*
 * fp32 tensors come back bit for bit; each BCQ tensor's records equal an
 * independent card_quantize of the source weights (same settings) and its
 * fp32 view equals their exact dequantization; the report agrees.
 */
static void test_round_trip_tensors(void)
{
	const fllm_model_info *i;
	fllm_quant_params qp = { 4, 32, 1, 1 };
	fllm_quant_report rrep_end;
	fllm_model *m = NULL;
	char err[FLLM_ERROR_MAX] = "";
	uint32_t rep_i = 1;

	FLLM_ASSERT_STATUS(fllm_package_open(g_path, &m, err, sizeof(err)), FLLM_OK);
	if (!m)
		return;
	i = &m->info;
	CU_ASSERT(!memcmp(m->tok_embd.f32, g_model.model->tok_embd.f32,
			  (size_t)i->vocab_size * i->dim * 4));
	CU_ASSERT(!memcmp(m->layers[1].attn_norm.f32, g_model.model->layers[1].attn_norm.f32,
			  i->dim * 4));
	/* BCQ matrices stay in their records until the fp32 path asks */
	CU_ASSERT(m->layers[0].wq.f32 == NULL && m->output.f32 == NULL);
	FLLM_ASSERT_STATUS(fllm_model_need_f32(m, NULL), FLLM_OK);
	CU_ASSERT(m->layers[0].wq.f32 != NULL && m->output.f32 != NULL);
	for (uint32_t l = 0; l < i->n_layers; l++) {
		const struct fllm_weight *src[2] = { &g_model.model->layers[l].wk,
						     &g_model.model->layers[l].w_down };
		const struct fllm_weight *got[2] = { &m->layers[l].wk, &m->layers[l].w_down };

		for (int k = 0; k < 2; k++) {
			struct card_matrix mine, stored;
			struct fllm_pkg_tensor h;
			fllm_quant_report rep, rrep;
			fllm_status st;
			float *row = malloc(src[k]->cols * sizeof(float));

			st = card_quantize(src[k], "t", &qp, &mine, &rep, NULL);
			CU_ASSERT_FATAL(st == FLLM_OK);
			memcpy(&h, got[k]->src->data, sizeof(h));
			stored = (struct card_matrix){ h.rows, h.cols, h.group, h.planes, h.flags,
						       h.slices, h.row_bytes,
						       got[k]->src->data + sizeof(h), NULL };
			FLLM_ASSERT_EQ_U64(stored.row_bytes, mine.row_bytes);
			FLLM_ASSERT_EQ_U64(stored.slices, 32 < h.rows ? 32 : h.rows);
			for (uint32_t r = 0; r < mine.m; r++) {
				CU_ASSERT(!memcmp(card_matrix_row(&stored, r),
						  card_matrix_row(&mine, r), mine.row_bytes));
				card_row_dequant(&mine, r, row, "t", NULL);
				CU_ASSERT(!memcmp(row, got[k]->f32 + (size_t)r * h.cols,
						  h.cols * 4));
			}
			/* report order: output, then per layer q k v o gate down up */
			rep_i = 1 + 7 * l + (k ? 5 : 1);
			FLLM_ASSERT_STATUS(fllm_package_report_get(m, rep_i, &rrep), FLLM_OK);
			CU_ASSERT_EQUAL(rrep.rel_error, rep.rel_error);
			CU_ASSERT(rrep.rel_error > 0.0 && rrep.rel_error < 0.2);
			free(row);
			card_matrix_release(&mine);
		}
	}
	FLLM_ASSERT_EQ_U64(fllm_package_report_count(m), 1 + 7 * i->n_layers);
	FLLM_ASSERT_STATUS(fllm_package_report_get(m, 1 + 7 * i->n_layers, &rrep_end),
			   FLLM_E_INVALID_ARG);
	fllm_model_free(m);
	DEC_EXPECT_NO_LEAKS();
}

/* ---- the writer's own refusals ---- */

static void test_write_errors(void)
{
	fllm_quant_params bad = { 9, 32, 1, 0 };
	char err[FLLM_ERROR_MAX] = "";
	fllm_status st;

	st = fllm_package_write(g_model.model, g_model.tok, &bad, NULL, NULL, "/tmp/x.fllm", err,
				sizeof(err));
	ET_EXPECT_ERROR(st, FLLM_E_INVALID_ARG, err, "bits 9");
	bad = (fllm_quant_params){ 4, 48, 1, 0 };
	st = fllm_package_write(g_model.model, g_model.tok, &bad, NULL, NULL, "/tmp/x.fllm", err,
				sizeof(err));
	ET_EXPECT_ERROR(st, FLLM_E_INVALID_ARG, err, "group 48");
	st = fllm_package_write(g_model.model, g_model.tok, NULL, NULL, NULL,
				"/nonexistent-dir/p.fllm", err, sizeof(err));
	ET_EXPECT_ERROR(st, FLLM_E_IO, err, "cannot create");
	CU_ASSERT(access("/nonexistent-dir/p.fllm", F_OK) != 0);
	st = fllm_package_open("/nonexistent-dir/p.fllm", &(fllm_model *){ NULL }, err,
			       sizeof(err));
	ET_EXPECT_ERROR(st, FLLM_E_IO, err, "No such file");
	DEC_EXPECT_NO_LEAKS();
}

/* ---- malformed packages: header and table ---- */

static void test_bad_short(void)
{
	struct bytebuf b;

	pk_copy(&b);
	b.len = 10;
	pk_expect(&b, "too short for a package header");
}

static void test_bad_magic(void)
{
	struct bytebuf b;

	pk_copy(&b);
	b.data[0] ^= 0xff;
	pk_expect(&b, "not a model package");
}

static void test_bad_version(void)
{
	struct bytebuf b;

	pk_copy(&b);
	pk_hdr(&b)->version = 2;
	pk_reseal(&b);
	pk_expect(&b, "version 2 not supported");
}

static void test_bad_header_crc(void)
{
	struct bytebuf b;

	pk_copy(&b);
	pk_hdr(&b)->reserved[3] = 1;
	pk_expect(&b, "header checksum mismatch");
}

static void test_bad_header_reserved(void)
{
	struct bytebuf b;

	pk_copy(&b);
	pk_hdr(&b)->reserved[3] = 1;
	pk_reseal(&b);
	pk_expect(&b, "reserved bytes not 0");
}

static void test_bad_truncated(void)
{
	struct bytebuf b;

	pk_copy(&b);
	b.len -= 64;
	pk_expect(&b, "truncated");
}

static void test_bad_section_count(void)
{
	struct bytebuf b;

	pk_copy(&b);
	pk_hdr(&b)->section_count = 1u << 20;
	pk_hdr(&b)->header_crc = fllm_pkg_crc32(0, pk_hdr(&b),
						offsetof(struct fllm_pkg_header, header_crc));
	pk_expect(&b, "section count");
}

static void test_bad_table_place(void)
{
	struct bytebuf b;

	pk_copy(&b);
	pk_hdr(&b)->table_offset = b.len - 64;
	pk_hdr(&b)->header_crc = fllm_pkg_crc32(0, pk_hdr(&b),
						offsetof(struct fllm_pkg_header, header_crc));
	pk_expect(&b, "section table");
}

static void test_bad_table_crc(void)
{
	struct bytebuf b;

	pk_copy(&b);
	pk_entry(&b, 3)->reserved = 7;
	pk_expect(&b, "section table checksum mismatch");
}

static void test_bad_section_crc(void)
{
	struct bytebuf b;
	uint32_t i;

	pk_copy(&b);
	i = pk_find(&b, FLLM_PKG_BCQ, "blk.0.ffn_up.weight");
	pk_sec(&b, i)[200] ^= 0x10;
	pk_expect(&b, "blk.0.ffn_up.weight): checksum mismatch");
}

static void test_bad_kind(void)
{
	struct bytebuf b;

	pk_copy(&b);
	pk_entry(&b, 2)->kind = 99;
	pk_reseal(&b);
	pk_expect(&b, "unknown kind 99");
}

static void test_bad_flags(void)
{
	struct bytebuf b;

	pk_copy(&b);
	pk_entry(&b, 2)->flags = 1;
	pk_reseal(&b);
	pk_expect(&b, "flags or reserved not 0");
}

static void test_bad_name(void)
{
	struct bytebuf b;
	uint32_t i;

	pk_copy(&b);
	i = pk_find(&b, FLLM_PKG_F32, "token_embd.weight");
	memset(pk_entry(&b, i)->name, 'a', FLLM_PKG_NAME_MAX);
	pk_reseal(&b);
	pk_expect(&b, "bad name field");
}

static void test_bad_offset_align(void)
{
	struct bytebuf b;

	pk_copy(&b);
	pk_entry(&b, 3)->offset += 4;
	pk_reseal(&b);
	pk_expect(&b, "not 64-aligned");
}

static void test_bad_section_past_end(void)
{
	struct bytebuf b;
	uint32_t last;

	pk_copy(&b);
	last = pk_hdr(&b)->section_count - 1;
	pk_entry(&b, last)->bytes += 1;
	pk_reseal(&b);
	pk_expect(&b, "outside the data area");
}

static void test_bad_overlap(void)
{
	struct bytebuf b;

	pk_copy(&b);
	pk_entry(&b, 4)->offset = pk_entry(&b, 3)->offset;
	pk_entry(&b, 4)->bytes = pk_entry(&b, 3)->bytes;
	pk_reseal(&b);
	pk_expect(&b, "overlaps or precedes");
}

static void test_bad_duplicate_tensor(void)
{
	struct bytebuf b;
	uint32_t i;

	pk_copy(&b);
	i = pk_find(&b, FLLM_PKG_BCQ, "blk.0.attn_k.weight");
	snprintf(pk_entry(&b, i)->name, FLLM_PKG_NAME_MAX, "blk.0.attn_q.weight");
	pk_reseal(&b);
	pk_expect(&b, "tensor 'blk.0.attn_q.weight' appears twice");
}

static void test_bad_duplicate_config(void)
{
	struct bytebuf b;
	uint32_t i;

	pk_copy(&b);
	i = pk_find(&b, FLLM_PKG_QUANT, NULL);
	pk_entry(&b, i)->kind = FLLM_PKG_CONFIG;
	pk_reseal(&b);
	pk_expect(&b, "a second config section");
}

/* ---- malformed packages: section contents ---- */

static void test_bad_missing_tensor(void)
{
	struct bytebuf b;
	uint32_t i;

	pk_copy(&b);
	i = pk_find(&b, FLLM_PKG_BCQ, "blk.1.attn_v.weight");
	snprintf(pk_entry(&b, i)->name, FLLM_PKG_NAME_MAX, "blk.1.attn_x.weight");
	pk_reseal(&b);
	pk_expect(&b, "tensor 'blk.1.attn_v.weight' is missing");
}

static void test_bad_config_heads(void)
{
	struct bytebuf b;
	struct fllm_pkg_config *c;

	pk_copy(&b);
	c = (struct fllm_pkg_config *)(void *)pk_sec(&b, pk_find(&b, FLLM_PKG_CONFIG, NULL));
	c->n_heads = 3;
	pk_reseal(&b);
	pk_expect(&b, "config: head count 3 does not divide");
}

static void test_bad_config_reserved(void)
{
	struct bytebuf b;
	struct fllm_pkg_config *c;

	pk_copy(&b);
	c = (struct fllm_pkg_config *)(void *)pk_sec(&b, pk_find(&b, FLLM_PKG_CONFIG, NULL));
	c->reserved[0] = 1;
	pk_reseal(&b);
	pk_expect(&b, "config: reserved bytes");
}

static void test_bad_quant_group(void)
{
	struct bytebuf b;
	struct fllm_pkg_quant *q;

	pk_copy(&b);
	q = (struct fllm_pkg_quant *)(void *)pk_sec(&b, pk_find(&b, FLLM_PKG_QUANT, NULL));
	q->group = 48;
	pk_reseal(&b);
	pk_expect(&b, "quant: bits 4, group 48");
}

static void test_bad_quant_count(void)
{
	struct bytebuf b;
	struct fllm_pkg_quant *q;

	pk_copy(&b);
	q = (struct fllm_pkg_quant *)(void *)pk_sec(&b, pk_find(&b, FLLM_PKG_QUANT, NULL));
	q->tensors++;
	pk_reseal(&b);
	pk_expect(&b, "BCQ tensors, package has");
}

static void test_bad_tokenizer_vocab(void)
{
	struct bytebuf b;
	struct fllm_pkg_tok_hdr *t;

	pk_copy(&b);
	t = (struct fllm_pkg_tok_hdr *)(void *)pk_sec(&b, pk_find(&b, FLLM_PKG_TOKENIZER, NULL));
	t->n_vocab++;
	pk_reseal(&b);
	pk_expect(&b, "tokenizer has");
}

static void test_bad_tokenizer_text(void)
{
	struct bytebuf b;
	struct fllm_pkg_tok_hdr *t;

	pk_copy(&b);
	t = (struct fllm_pkg_tok_hdr *)(void *)pk_sec(&b, pk_find(&b, FLLM_PKG_TOKENIZER, NULL));
	t->text_bytes--;
	pk_reseal(&b);
	pk_expect(&b, "tokenizer section is");
}

static void test_bad_tokenizer_kind(void)
{
	struct bytebuf b;
	uint8_t *t;
	uint32_t n;

	pk_copy(&b);
	t = pk_sec(&b, pk_find(&b, FLLM_PKG_TOKENIZER, NULL));
	memcpy(&n, t, 4);
	t[sizeof(struct fllm_pkg_tok_hdr) + 4ull * n + 7] = 9;	/* kind of token 7 */
	pk_reseal(&b);
	pk_expect(&b, "token 7 has a bad score or kind 9");
}

static void test_bad_f32_value(void)
{
	struct bytebuf b;
	float nan = NAN;
	uint32_t i;

	pk_copy(&b);
	i = pk_find(&b, FLLM_PKG_F32, "blk.0.ffn_norm.weight");
	memcpy(pk_sec(&b, i) + sizeof(struct fllm_pkg_tensor) + 4 * 5, &nan, 4);
	pk_reseal(&b);
	pk_expect(&b, "element 5 is not a finite number");
}

/* Kinds of a norm and a matrix swapped (so the BCQ count still matches). */
static void test_bad_norm_as_bcq(void)
{
	struct bytebuf b;
	uint32_t i, j;

	pk_copy(&b);
	i = pk_find(&b, FLLM_PKG_F32, "blk.1.attn_norm.weight");
	j = pk_find(&b, FLLM_PKG_BCQ, "blk.1.attn_q.weight");
	pk_entry(&b, i)->kind = FLLM_PKG_BCQ;
	pk_entry(&b, j)->kind = FLLM_PKG_F32;
	pk_reseal(&b);
	pk_expect(&b, "must be stored as fp32");
}

/* The tensor header of a BCQ section by name. */
static struct fllm_pkg_tensor *pk_bcq_hdr(struct bytebuf *b, const char *name)
{
	return (struct fllm_pkg_tensor *)(void *)pk_sec(b, pk_find(b, FLLM_PKG_BCQ, name));
}

static void test_bad_bcq_shape(void)
{
	struct bytebuf b;

	pk_copy(&b);
	pk_bcq_hdr(&b, "blk.0.attn_o" "utput.weight")->cols = 32;
	pk_reseal(&b);
	pk_expect(&b, "expected 64 x 64 from the config");
}

static void test_bad_bcq_row_bytes(void)
{
	struct bytebuf b;

	pk_copy(&b);
	pk_bcq_hdr(&b, "blk.0.ffn_gate.weight")->row_bytes += 64;
	pk_reseal(&b);
	pk_expect(&b, "row_bytes");
}

static void test_bad_bcq_slices(void)
{
	struct bytebuf b;

	pk_copy(&b);
	pk_bcq_hdr(&b, "blk.0.ffn_gate.weight")->slices = 33;
	pk_reseal(&b);
	pk_expect(&b, "slices 33 invalid");
}

static void test_bad_bcq_group(void)
{
	struct bytebuf b;

	pk_copy(&b);
	pk_bcq_hdr(&b, "blk.1.ffn_up.weight")->group = 64;
	pk_reseal(&b);
	pk_expect(&b, "group 64 (package: 32)");
}

/* A reserved byte of a scale entry (byte 1 of group 1's entry, row 0). */
static void test_bad_bcq_reserved(void)
{
	struct bytebuf b;
	uint8_t *rec;

	pk_copy(&b);
	rec = (uint8_t *)pk_bcq_hdr(&b, "blk.0.attn_q.weight") + sizeof(struct fllm_pkg_tensor);
	rec[4 + (4 + 2 * 4) + 1] = 1;
	pk_reseal(&b);
	pk_expect(&b, "row 0: reserved or padding byte 17 is not 0");
}

/* A sign bit of an input past K (K = 100, g = 32: inputs 100..127 of group 3). */
static void test_bad_bcq_pad_bits(void)
{
	struct bytebuf b;
	uint32_t planes = fllm_lutgemm_row_planes_offset(100, 32, 4);
	uint8_t *rec;

	pk_copy(&b);
	rec = (uint8_t *)pk_bcq_hdr(&b, "blk.0.ffn_down.weight") + sizeof(struct fllm_pkg_tensor);
	rec[planes + (3 * 4 + 0) * 4 + 3] |= 0x80;	/* input 96 + 31 of plane 0 */
	pk_reseal(&b);
	pk_expect(&b, "reserved or padding byte");
}

/* A row exponent that puts the weights past fp32's range. */
static void test_bad_bcq_exponent(void)
{
	struct bytebuf b;
	uint8_t *rec;

	pk_copy(&b);
	rec = (uint8_t *)pk_bcq_hdr(&b, "blk.1.attn_k.weight") + sizeof(struct fllm_pkg_tensor);
	rec[0] = 0x00;
	rec[1] = 0x80;	/* E_r = -32768 */
	pk_reseal(&b);
	pk_expect(&b, "outside fp32");
}

static void test_bad_report_size(void)
{
	struct bytebuf b;

	pk_copy(&b);
	pk_entry(&b, pk_find(&b, FLLM_PKG_REPORT, NULL))->bytes -= sizeof(struct fllm_pkg_report);
	pk_reseal(&b);
	pk_expect(&b, "report section is");
}

/*
 * Robustness: 400 truncations (evenly spread) and 1200 single-bit
 * changes of a valid package, each tried as it is and with its checksums
 * recomputed (so the change reaches the checks behind the CRCs), must load
 * or be refused with FLLM_E_FORMAT and a message; whatever loads must run a
 * CPU step. Run under ASan/UBSan in CI.
 */
static void test_corruptions(void)
{
	uint64_t rng = 0x9e3779b97f4a7c15ull;
	uint32_t refused = 0, loaded = 0;

	for (size_t k = 0; k < 400 + 1200; k++) {
		struct bytebuf b;
		char err[FLLM_ERROR_MAX] = "";
		fllm_model *m = NULL;
		fllm_status st;

		pk_copy(&b);
		if (k < 400) {
			b.len = k * g_img.len / 400;
		} else {
			rng ^= rng << 13;
			rng ^= rng >> 7;
			rng ^= rng << 17;
			b.data[rng % b.len] ^= (uint8_t)(1u << (rng >> 40) % 8);
			if (rng >> 63)
				pk_reseal(&b);
		}
		st = dec_package_open(&b, &m, err, sizeof(err));
		if (st) {
			refused++;
			if (st != FLLM_E_FORMAT || !err[0]) {
				fprintf(stderr, "case %zu: status %d, message '%s'\n", k, st, err);
				CU_FAIL("refusal without FLLM_E_FORMAT and a message");
			}
		} else {
			fllm_context_params cp = { .n_ctx = 2 };
			fllm_context *c = NULL;
			int32_t id = 1;

			loaded++;
			FLLM_ASSERT_STATUS(fllm_context_create(m, &cp, &c), FLLM_OK);
			if (c)
				FLLM_ASSERT_STATUS(fllm_context_eval(c, &id, 1), FLLM_OK);
			fllm_context_free(c);
		}
		fllm_model_free(m);
		bb_free(&b);
	}
	printf("\n  corruptions: %u refused, %u loaded\n", refused, loaded);
	CU_ASSERT(refused > 0);
	DEC_EXPECT_NO_LEAKS();
}

/* Logits of ids[0..n) token by token on the fp32 CPU path, into out (n, vocab). */
static void pk_cpu_logits(const char *copy, const int32_t *ids, uint32_t n, float *out)
{
	fllm_context_params cp = { .n_ctx = 16 };
	char err[FLLM_ERROR_MAX] = "";
	fllm_context *c = NULL;
	fllm_model *m = NULL;

	setenv("FLLM_CPU_FP32_COPY", copy, 1);
	FLLM_ASSERT_STATUS(fllm_package_open(g_path, &m, err, sizeof(err)), FLLM_OK);
	if (m)
		FLLM_ASSERT_STATUS(fllm_context_create(m, &cp, &c), FLLM_OK);
	CU_ASSERT(!m || (m->layers[0].wq.f32 != NULL) == !strcmp(copy, "1"));
	for (uint32_t t = 0; c && t < n; t++) {
		FLLM_ASSERT_STATUS(fllm_context_eval(c, &ids[t], 1), FLLM_OK);
		memcpy(out + (size_t)t * m->info.vocab_size, fllm_context_logits(c),
		       m->info.vocab_size * 4);
	}
	fllm_context_free(c);
	fllm_model_free(m);
	unsetenv("FLLM_CPU_FP32_COPY");
}

/* The fp32 path on a package with its matrices copied to fp32 and with
 * rows dequantized as the matmuls read them (FLLM_CPU_FP32_COPY=0, what a
 * model too large for the copy gets): the same logits, bit for bit. */
static void test_fp32_without_copy(void)
{
	static const int32_t ids[6] = { 1, 5, 9, 3, 7, 2 };
	uint32_t v = g_model.model->info.vocab_size;
	float *a = calloc(6 * (size_t)v, 4), *b = calloc(6 * (size_t)v, 4);

	CU_ASSERT_FATAL(a && b);
	pk_cpu_logits("1", ids, 6, a);
	pk_cpu_logits("0", ids, 6, b);
	CU_ASSERT(!memcmp(a, b, 6 * (size_t)v * 4));
	free(a);
	free(b);
}

static CU_TestInfo round_trip_tests[] = {
	{ "fp32_without_copy", test_fp32_without_copy },
	{ "info", test_round_trip_info },
	{ "tokenizer", test_round_trip_tokenizer },
	{ "tensors", test_round_trip_tensors },
	{ "write_errors", test_write_errors },
	{ "corruptions", test_corruptions },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo malformed_tests[] = {
	{ "short", test_bad_short },
	{ "magic", test_bad_magic },
	{ "version", test_bad_version },
	{ "header_crc", test_bad_header_crc },
	{ "header_reserved", test_bad_header_reserved },
	{ "truncated", test_bad_truncated },
	{ "section_count", test_bad_section_count },
	{ "table_place", test_bad_table_place },
	{ "table_crc", test_bad_table_crc },
	{ "section_crc", test_bad_section_crc },
	{ "kind", test_bad_kind },
	{ "flags", test_bad_flags },
	{ "name", test_bad_name },
	{ "offset_align", test_bad_offset_align },
	{ "section_past_end", test_bad_section_past_end },
	{ "overlap", test_bad_overlap },
	{ "duplicate_tensor", test_bad_duplicate_tensor },
	{ "duplicate_config", test_bad_duplicate_config },
	{ "missing_tensor", test_bad_missing_tensor },
	{ "config_heads", test_bad_config_heads },
	{ "config_reserved", test_bad_config_reserved },
	{ "quant_group", test_bad_quant_group },
	{ "quant_count", test_bad_quant_count },
	{ "tokenizer_vocab", test_bad_tokenizer_vocab },
	{ "tokenizer_text", test_bad_tokenizer_text },
	{ "tokenizer_kind", test_bad_tokenizer_kind },
	{ "f32_value", test_bad_f32_value },
	{ "norm_as_bcq", test_bad_norm_as_bcq },
	{ "bcq_shape", test_bad_bcq_shape },
	{ "bcq_row_bytes", test_bad_bcq_row_bytes },
	{ "bcq_slices", test_bad_bcq_slices },
	{ "bcq_group", test_bad_bcq_group },
	{ "bcq_reserved", test_bad_bcq_reserved },
	{ "bcq_pad_bits", test_bad_bcq_pad_bits },
	{ "bcq_exponent", test_bad_bcq_exponent },
	{ "report_size", test_bad_report_size },
	CU_TEST_INFO_NULL,
};

int fllm_test_register(void)
{
	return fllm_test_add_suite("package_round_trip", suite_init, suite_fini,
				   round_trip_tests) ||
	       fllm_test_add_suite("package_malformed", suite_init, suite_fini,
				   malformed_tests);
}
