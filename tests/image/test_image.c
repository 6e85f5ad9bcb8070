/*
 * Card images (bitstreams/): what the writer produces reads back field for
 * field; every truncation and every broken field of a valid image is refused
 * with -EBADMSG and a message; versions are checked; the writer refuses bad
 * descriptions.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image_fixture.h"
#include "test_main.h"
#include "xclbin.h"

static void *img_buf;
static size_t img_len;

static void build(const struct fllm_image_desc *d)
{
	char err[256] = "";

	free(img_buf);
	img_buf = NULL;
	FLLM_ASSERT_EQ_U64(fllm_image_build(d, &img_buf, &img_len, err, sizeof(err)), 0);
}

static void test_roundtrip(void)
{
	static const uint8_t bits[13] = "not a bitfile";
	struct fllm_image_desc d;
	struct fllm_image img;
	char err[256] = "";

	image_fixture(&d, 4);
	d.bitstream = bits;
	d.bitstream_size = sizeof(bits);
	build(&d);
	CU_ASSERT_FATAL(img_buf != NULL);
	FLLM_ASSERT_EQ_U64(fllm_image_parse(img_buf, img_len, &img, err, sizeof(err)), 0);
	CU_ASSERT(memcmp(&img.meta, &d.meta, sizeof(d.meta)) == 0);
	CU_ASSERT_STRING_EQUAL(img.platform, d.platform);
	FLLM_ASSERT_EQ_U64(img.length, img_len);
	FLLM_ASSERT_EQ_U64(img.n_banks, 4);
	for (uint32_t b = 0; b < 4; b++) {
		FLLM_ASSERT_EQ_U64(img.bank_size[b], 16u << 20);
		FLLM_ASSERT_EQ_U64(img.bank_base[b], (uint64_t)b << 24);
	}
	CU_ASSERT_STRING_EQUAL(img.bank_tag[3], "HBM[3]");
	FLLM_ASSERT_EQ_U64(img.n_kernels, 1);
	CU_ASSERT_STRING_EQUAL(img.kernel[0].name, "fllm_lutgemm_krnl:fllm_lutgemm_1");
	/* ctl on every bank, port w05 on bank 5 mod 4 */
	FLLM_ASSERT_EQ_U64(img.kernel[0].arg_banks[0], 0xf);
	FLLM_ASSERT_EQ_U64(img.kernel[0].arg_banks[6], 1u << 1);
	FLLM_ASSERT_EQ_U64(img.kernel[0].n_args, 33);
	FLLM_ASSERT_EQ_U64(img.bitstream_size, sizeof(bits));
	CU_ASSERT(img.bitstream && memcmp(img.bitstream, bits, sizeof(bits)) == 0);
	CU_ASSERT(img.xml_size > 0 && strstr(img.xml, "name=\"fllm_lutgemm_krnl\"") != NULL);
	FLLM_ASSERT_EQ_U64(fllm_image_check_versions(&img.meta, err, sizeof(err)), 0);
}

/* Equal descriptions give equal bytes (the uuid comes from the content). */
static void test_deterministic(void)
{
	struct fllm_image_desc d;
	void *first;
	size_t first_len;

	image_fixture(&d, 2);
	build(&d);
	first = img_buf;
	first_len = img_len;
	img_buf = NULL;
	build(&d);
	FLLM_ASSERT_EQ_U64(img_len, first_len);
	CU_ASSERT(memcmp(first, img_buf, img_len) == 0);
	d.meta.clock_khz = 300000;
	build(&d);
	CU_ASSERT(memcmp((uint8_t *)first + offsetof(struct axlf, m_header.uuid),
			 (uint8_t *)img_buf + offsetof(struct axlf, m_header.uuid), 16) != 0);
	free(first);
}

static void test_truncated(void)
{
	struct fllm_image_desc d;
	struct fllm_image img;
	char err[256];

	image_fixture(&d, 2);
	build(&d);
	for (size_t n = 0; n < img_len; n++) {
		err[0] = '\0';
		if (fllm_image_parse(img_buf, n, &img, err, sizeof(err)) != -EBADMSG) {
			fprintf(stderr, "length %zu of %zu accepted\n", n, img_len);
			CU_FAIL("truncated image accepted");
			return;
		}
		CU_ASSERT(err[0] != '\0');
	}
}

/* Offset of section kind in the built image. */
static uint64_t section_at(uint32_t kind)
{
	const struct axlf *top = img_buf;

	for (uint32_t i = 0; i < top->m_header.m_numSections; i++)
		if (top->m_sections[i].m_sectionKind == kind)
			return top->m_sections[i].m_sectionOffset;
	CU_FAIL("section missing");
	return 0;
}

/* Write v (size bytes) at off of a fresh image and expect -EBADMSG naming want. */
static void expect_bad(size_t off, const void *v, size_t size, const char *want)
{
	struct fllm_image_desc d;
	struct fllm_image img;
	char err[256] = "";
	int rc;

	image_fixture(&d, 2);
	build(&d);
	memcpy((uint8_t *)img_buf + off, v, size);
	rc = fllm_image_parse(img_buf, img_len, &img, err, sizeof(err));
	if (rc != -EBADMSG || !strstr(err, want))
		fprintf(stderr, "broken field at %zu: rc %d, message '%s', expected '%s'\n", off,
			rc, err, want);
	FLLM_ASSERT_EQ_U64(rc, (uint64_t)-EBADMSG);
	CU_ASSERT(strstr(err, want) != NULL);
}

static void test_broken_fields(void)
{
	size_t sh = offsetof(struct axlf, m_sections);
	uint64_t big = 1ull << 40, meta, mem, conn, ip;
	uint32_t u32;
	int32_t i32;
	struct fllm_image_desc d;

	image_fixture(&d, 2);
	build(&d);
	meta = section_at(USER_METADATA);
	mem = section_at(MEM_TOPOLOGY);
	conn = section_at(CONNECTIVITY);
	ip = section_at(IP_LAYOUT);
	expect_bad(0, "xclbin1", 8, "magic");
	expect_bad(offsetof(struct axlf, m_header.m_length), &big, 8, "header says");
	u32 = 0;
	expect_bad(offsetof(struct axlf, m_header.m_numSections), &u32, 4, "sections");
	u32 = 100;
	expect_bad(offsetof(struct axlf, m_header.m_numSections), &u32, 4, "sections");
	expect_bad(sh + offsetof(struct axlf_section_header, m_sectionOffset), &big, 8,
		   "outside");
	expect_bad(sh + offsetof(struct axlf_section_header, m_sectionSize), &big, 8, "outside");
	u32 = 8;
	expect_bad(sh + offsetof(struct axlf_section_header, m_sectionOffset), &u32, 4,
		   "overlaps the header");
	u32 = DEBUG_DATA;	/* MEM_TOPOLOGY (the first section) gone */
	expect_bad(sh + offsetof(struct axlf_section_header, m_sectionKind), &u32, 4,
		   "no MEM_TOPOLOGY");
	u32 = MEM_TOPOLOGY;	/* IP_LAYOUT (the second) becomes a second MEM_TOPOLOGY */
	expect_bad(sh + sizeof(struct axlf_section_header) +
		   offsetof(struct axlf_section_header, m_sectionKind), &u32, 4, "more than one");
	i32 = 0;
	expect_bad(mem, &i32, 4, "banks");
	i32 = 65;
	expect_bad(mem, &i32, 4, "banks");
	expect_bad(mem + 8 + offsetof(struct mem_data, m_tag), "HBM[0]xxxxxxxxxx", 16,
		   "NUL-terminated");
	u32 = 0;	/* bank 1 unused: its size no longer counts, the connections to it fail */
	expect_bad(mem + 8 + sizeof(struct mem_data) + offsetof(struct mem_data, m_used), &u32,
		   1, "bank 1");
	i32 = 2;
	expect_bad(ip, &i32, 4, "IP_LAYOUT");
	i32 = 7;	/* first connection's bank */
	expect_bad(conn + 4 + offsetof(struct connection, mem_data_index), &i32, 4, "bank 7");
	i32 = 3;
	expect_bad(conn + 4 + offsetof(struct connection, m_ip_layout_index), &i32, 4, "IP 3");
	i32 = 64;
	expect_bad(conn + 4 + offsetof(struct connection, arg_index), &i32, 4, "argument 64");
	expect_bad(meta, "FLLMIMX", 8, "magic");
	u32 = 0;
	expect_bad(meta + offsetof(struct fllm_image_meta, version), &u32, 4, "version 0");
	u32 = 999;
	expect_bad(meta + offsetof(struct fllm_image_meta, clock_khz), &u32, 4, "clock");
	u32 = 3;
	expect_bad(meta + offsetof(struct fllm_image_meta, mem_channels), &u32, 4,
		   "3 memory channels");
	expect_bad(meta + offsetof(struct fllm_image_meta, mem_size), &big, 8, "memory");
	u32 = 0;
	expect_bad(meta + offsetof(struct fllm_image_meta, cu_count), &u32, 4, "compute units");
	u32 = 17;
	expect_bad(meta + offsetof(struct fllm_image_meta, cu_count), &u32, 4, "compute units");
	u32 = 0x10000 | FLLM_CU_TEST;
	expect_bad(meta + offsetof(struct fllm_image_meta, cu), &u32, 4, "compute unit 0");
	u32 = 1;
	expect_bad(meta + offsetof(struct fllm_image_meta, cu) + 2 * 8, &u32, 4, "unused");
	u32 = 33;
	expect_bad(meta + offsetof(struct fllm_image_meta, lutgemm_slices), &u32, 4, "slices");
	expect_bad(meta + offsetof(struct fllm_image_meta, reserved) + 5, "x", 1, "reserved");
	u32 = 2;
	expect_bad(meta + offsetof(struct fllm_image_meta, mem_kind), &u32, 4, "memory kind");
}

static void test_versions(void)
{
	struct fllm_image_meta m;
	char err[256] = "", want[64];

	memset(&m, 0, sizeof(m));
	m.if_version = FLLM_CARD_IF_VERSION | 7;	/* other minor: compatible */
	m.numerics_version = FLLM_NUMERICS_VERSION;
	FLLM_ASSERT_EQ_U64(fllm_image_check_versions(&m, err, sizeof(err)), 0);
	m.if_version = (FLLM_CARD_IF_MAJOR + 1) << 16;
	FLLM_ASSERT_EQ_U64(fllm_image_check_versions(&m, err, sizeof(err)), (uint64_t)-ENOEXEC);
	snprintf(want, sizeof(want), "this build speaks %u.%u", FLLM_CARD_IF_MAJOR,
		 FLLM_CARD_IF_MINOR);
	CU_ASSERT(strstr(err, "interface 2.0") && strstr(err, want));
	m.if_version = FLLM_CARD_IF_VERSION;
	m.numerics_version = FLLM_NUMERICS_VERSION + 1;
	FLLM_ASSERT_EQ_U64(fllm_image_check_versions(&m, err, sizeof(err)), (uint64_t)-ENOEXEC);
	CU_ASSERT(strstr(err, "numerics version 2") && strstr(err, "expects 1"));
}

static void expect_desc_refused(struct fllm_image_desc *d, const char *want)
{
	char err[256] = "";
	void *out = NULL;
	size_t len;

	FLLM_ASSERT_EQ_U64(fllm_image_build(d, &out, &len, err, sizeof(err)), (uint64_t)-EINVAL);
	CU_ASSERT(strstr(err, want) != NULL);
	CU_ASSERT(out == NULL);
}

static void test_bad_desc(void)
{
	struct fllm_image_desc d;

	image_fixture(&d, 2);
	d.platform[0] = '\0';
	expect_desc_refused(&d, "platform");
	image_fixture(&d, 2);
	snprintf(d.platform, sizeof(d.platform), "a\"b");
	expect_desc_refused(&d, "platform");
	image_fixture(&d, 2);
	d.meta.clock_khz = 10;
	expect_desc_refused(&d, "clock");
	image_fixture(&d, 2);
	d.meta.mem_channels = 65;
	expect_desc_refused(&d, "channels");
	image_fixture(&d, 3);
	d.meta.mem_size += 4096;
	expect_desc_refused(&d, "memory size");
	image_fixture(&d, 2);
	d.meta.cu_count = 0;
	expect_desc_refused(&d, "compute units");
	image_fixture(&d, 2);
	d.bitstream_size = 10;
	expect_desc_refused(&d, "bitstream");
}

/* Seeded byte flips of a valid image: parse returns 0 or -EBADMSG, never crashes. */
static void test_mutations(void)
{
	struct fllm_image_desc d;
	struct fllm_image img;
	uint64_t s = 0x9e3779b97f4a7c15ull;
	uint8_t *copy;
	int ok = 0, bad = 0;

	image_fixture(&d, 2);
	build(&d);
	copy = malloc(img_len);
	CU_ASSERT_FATAL(copy != NULL);
	for (int i = 0; i < 3000; i++) {
		memcpy(copy, img_buf, img_len);
		for (int k = 0; k < 1 + i % 4; k++) {
			s ^= s << 13, s ^= s >> 7, s ^= s << 17;
			copy[s % img_len] ^= (uint8_t)(1u << (s >> 60 & 7));
		}
		int rc = fllm_image_parse(copy, img_len, &img, NULL, 0);

		CU_ASSERT(rc == 0 || rc == -EBADMSG);
		rc ? bad++ : ok++;
	}
	free(copy);
	CU_ASSERT(bad > 0 && ok > 0);	/* flips in the XML or padding stay valid */
}

static int fini(void)
{
	free(img_buf);
	img_buf = NULL;
	return 0;
}

int fllm_test_register(void)
{
	static CU_TestInfo tests[] = {
		{ "build then parse gives the description back", test_roundtrip },
		{ "equal descriptions give equal files", test_deterministic },
		{ "every truncation is refused", test_truncated },
		{ "each broken field is refused with a message", test_broken_fields },
		{ "interface and numerics versions", test_versions },
		{ "the writer refuses bad descriptions", test_bad_desc },
		{ "seeded byte flips never crash the reader", test_mutations },
		CU_TEST_INFO_NULL,
	};

	return fllm_test_add_suite("image", NULL, fini, tests);
}
