/*
 * fllm image create|inspect|verify: write a card image (.xclbin) for a card
 * description or a device, show one, and check one against this build and
 * optionally a device (docs/images.md).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "args.h"
#include "card_names.h"
#include "device_open.h"
#include "fllm_card.h"
#include "fllm_card_attention.h"
#include "fllm_card_vector.h"
#include "image_command.h"
#include "json.h"
#include "units.h"

#define IMAGE_DEFAULT_PLATFORM "xilinx_u280_gen3x16_xdma_1_202211_1"

int cli_image_load(const char *cmd, const char *path, void **buf, struct fllm_image *img)
{
	char err[256];
	size_t len;
	int rc;

	rc = fllm_image_read_file(path, buf, &len, err, sizeof(err));
	if (!rc) {
		rc = fllm_image_parse(*buf, len, img, err, sizeof(err));
		if (rc) {
			free(*buf);
			*buf = NULL;
		}
	}
	if (rc)
		fprintf(stderr, "fllm %s: %s: %s\n", cmd, path, err);
	return rc;
}

int cli_image_match_device(const char *cmd, const struct fllm_image *img, fllm_device *dev)
{
	const struct fllm_image_meta *m = &img->meta;
	fllm_device_info in;
	int bad = 0;

	if (fllm_device_info_get(dev, &in) != FLLM_OK) {
		fprintf(stderr, "fllm %s: cannot read the device's identity\n", cmd);
		return 1;
	}
	if (FLLM_CARD_IF_VERSION_MAJOR(in.if_version) != FLLM_CARD_IF_VERSION_MAJOR(m->if_version)) {
		fprintf(stderr, "fllm %s: device %s speaks interface %u.%u, the image %u.%u\n", cmd,
			in.name, FLLM_CARD_IF_VERSION_MAJOR(in.if_version),
			FLLM_CARD_IF_VERSION_MINOR(in.if_version),
			FLLM_CARD_IF_VERSION_MAJOR(m->if_version),
			FLLM_CARD_IF_VERSION_MINOR(m->if_version));
		bad++;
	}
	for (uint32_t i = 0; i < m->cu_count; i++) {
		uint32_t want = m->cu[i].info, found = 0;

		for (uint32_t j = 0; j < in.cu_count && j < FLLM_CU_INFO_MAX; j++)
			found |= in.cu_info[j] == want;
		if (!found) {
			fprintf(stderr, "fllm %s: device %s has no %s unit version %u (image unit %u)\n",
				cmd, in.name, cli_cu_type_name(FLLM_CU_INFO_TYPE(want)),
				FLLM_CU_INFO_VERSION(want), i);
			bad++;
		}
	}
	if (in.clock_khz != m->clock_khz) {
		fprintf(stderr, "fllm %s: device clock %u kHz, image %u kHz\n", cmd, in.clock_khz,
			m->clock_khz);
		bad++;
	}
	if (in.mem_size != m->mem_size || in.mem_channels != m->mem_channels) {
		fprintf(stderr, "fllm %s: device memory %" PRIu64 " bytes in %u channels, image %"
			PRIu64 " in %u\n", cmd, in.mem_size, in.mem_channels, m->mem_size,
			m->mem_channels);
		bad++;
	}
	return bad;
}

/* Parse "lutgemm,vector,..." into units of this build's versions. */
static int image_parse_units(const char *list, struct fllm_image_meta *m)
{
	static const struct { const char *name; uint32_t type, version; } known[] = {
		{ "test", FLLM_CU_TEST, 1 },
		{ "lutgemm", FLLM_CU_LUTGEMM, FLLM_LUTGEMM_VERSION },
		{ "vector", FLLM_CU_VECTOR, FLLM_VECTOR_VERSION },
		{ "attention", FLLM_CU_ATTENTION, FLLM_ATTN_VERSION },
	};
	const char *p = list;

	m->cu_count = 0;
	memset(m->cu, 0, sizeof(m->cu));
	while (*p) {
		size_t n = strcspn(p, ","), k;

		for (k = 0; k < sizeof(known) / sizeof(known[0]); k++)
			if (strlen(known[k].name) == n && !strncmp(p, known[k].name, n))
				break;
		if (k == sizeof(known) / sizeof(known[0]) || m->cu_count == FLLM_CU_MAX) {
			fprintf(stderr, "fllm image create: --units: unknown unit '%.*s' (test, "
				"lutgemm, vector, attention)\n", (int)n, p);
			return -1;
		}
		m->cu[m->cu_count++].info = FLLM_CU_INFO_MAKE(known[k].type, known[k].version);
		p += n + (p[n] == ',');
	}
	if (!m->cu_count) {
		fprintf(stderr, "fllm image create: --units: empty list\n");
		return -1;
	}
	return 0;
}

/* Take units, clock and memory from an open device. */
static int image_from_device(const char *name, struct fllm_image_meta *m)
{
	fllm_device_info in;
	fllm_device *dev;
	int rc = -1;

	if (cli_device_open("image create", name, &dev) != FLLM_OK)
		return -1;
	if (fllm_device_info_get(dev, &in) != FLLM_OK)
		goto out;
	m->if_version = in.if_version;
	m->clock_khz = in.clock_khz;
	m->mem_size = in.mem_size;
	m->mem_channels = in.mem_channels;
	m->mem_chan_mbps = in.mem_chan_mbps;
	m->cu_count = 0;
	for (uint32_t i = 0; i < in.cu_count && i < FLLM_CU_INFO_MAX && i < FLLM_CU_MAX; i++) {
		uint32_t caps = 0;

		if (FLLM_CU_INFO_TYPE(in.cu_info[i]) == FLLM_CU_NONE)
			continue;
		if (fllm_device_reg_read(dev, FLLM_REG_CU_CAPS(i), &caps) != FLLM_OK)
			goto out;
		m->cu[m->cu_count].info = in.cu_info[i];
		m->cu[m->cu_count++].caps = caps;
	}
	rc = 0;
out:
	if (rc)
		fprintf(stderr, "fllm image create: cannot read %s's identity\n", name);
	fllm_device_close(dev);
	return rc;
}

/* Parse "MAJOR.MINOR" into major<<16|minor. */
static int image_parse_if(const char *text, uint32_t *out)
{
	unsigned int major, minor;
	char end;

	if (sscanf(text, "%u.%u%c", &major, &minor, &end) != 2 || major > 0xffff ||
	    minor > 0xffff) {
		fprintf(stderr, "fllm image create: --if-version: '%s' is not MAJOR.MINOR\n", text);
		return -1;
	}
	*out = (major << 16) | minor;
	return 0;
}

static int image_create(int argc, char **argv)
{
	static const char synopsis[] = "[-o FILE] [--device D | --mem SIZE --channels N "
				       "--clock-khz K --units LIST] [--bitstream FILE]";
	static const char summary[] =
		"Write a card image (.xclbin) for the card interface and numerics of this build.\n"
		"Units, clock and memory come from --device, else from the options (defaults:\n"
		"the U280-class reference card: 8 GiB HBM in 32 channels, 300 MHz, all units).";
	const char *out = "fllm.xclbin", *device = NULL, *units = NULL, *bitstream = NULL;
	const char *platform = IMAGE_DEFAULT_PLATFORM, *ifv = NULL, *pos[1];
	uint64_t mem = 0, channels = 0, clock = 0, mbps = 0, numerics = 0, stamp = 0;
	uint64_t slices = FLLM_LUTGEMM_SLICES_MAX;
	int ddr = 0, npos, rc;
	struct fllm_image_desc d;
	void *bits = NULL, *img = NULL;
	size_t bits_len = 0, img_len = 0;
	char err[256];
	FILE *f;
	struct cli_opt opts[] = {
		{ "-o", CLI_OPT_STRING, &out, "FILE", "image file to write (fllm.xclbin)", 0, 0 },
		{ "--device", CLI_OPT_STRING, &device, "D",
		  "take units, clock and memory from device D", 0, 0 },
		{ "--mem", CLI_OPT_SIZE, &mem, "SIZE", "card memory (8G)", 1 << 20, 1ull << 40 },
		{ "--channels", CLI_OPT_U64, &channels, "N", "memory channels (32)", 1,
		  FLLM_IMAGE_CHANNELS_MAX },
		{ "--ddr", CLI_OPT_FLAG, &ddr, NULL, "memory banks are DDR (default HBM)", 0, 0 },
		{ "--chan-mbps", CLI_OPT_U64, &mbps, "MBPS", "peak MB/s per channel (14375)", 1,
		  1000000 },
		{ "--clock-khz", CLI_OPT_U64, &clock, "K", "kernel clock in kHz (300000)", 1000,
		  2000000 },
		{ "--units", CLI_OPT_STRING, &units, "LIST",
		  "compute units, e.g. lutgemm,vector,attention,test (all)", 0, 0 },
		{ "--lutgemm-slices", CLI_OPT_U64, &slices, "N",
		  "weight ports of the LUT-GEMM unit (32)", 1, FLLM_LUTGEMM_SLICES_MAX },
		{ "--platform", CLI_OPT_STRING, &platform, "VBNV",
		  "target platform name (" IMAGE_DEFAULT_PLATFORM ")", 0, 0 },
		{ "--bitstream", CLI_OPT_STRING, &bitstream, "FILE",
		  "add a BITSTREAM section (a Vitis build's output)", 0, 0 },
		{ "--timestamp", CLI_OPT_U64, &stamp, "SECONDS",
		  "build time to record (now; fixed values give identical files)", 0, 0 },
		{ "--if-version", CLI_OPT_STRING, &ifv, "MAJOR.MINOR",
		  "record another interface version (to test refusals)", 0, 0 },
		{ "--numerics-version", CLI_OPT_U64, &numerics, "N",
		  "record another numerics version (to test refusals)", 1, 0xffffffffu },
		{ NULL, CLI_OPT_FLAG, NULL, NULL, NULL, 0, 0 },
	};

	rc = cli_args_command(argc, argv, opts, pos, 0, &npos, synopsis, summary);
	if (rc >= 0)
		return rc;
	fllm_image_desc_init(&d);
	d.meta.clock_khz = 300000;
	d.meta.mem_size = 8ull << 30;
	d.meta.mem_channels = 32;
	d.meta.mem_chan_mbps = 14375;
	image_parse_units("test,lutgemm,vector,attention", &d.meta);
	if (device && image_from_device(device, &d.meta))
		return CLI_EXIT_NO_DEVICE;
	if (units && image_parse_units(units, &d.meta))
		return CLI_EXIT_USAGE;
	if (ifv && image_parse_if(ifv, &d.meta.if_version))
		return CLI_EXIT_USAGE;
	d.meta.numerics_version = numerics ? (uint32_t)numerics : d.meta.numerics_version;
	d.meta.mem_size = mem ? mem : d.meta.mem_size;
	d.meta.mem_channels = channels ? (uint32_t)channels : d.meta.mem_channels;
	d.meta.mem_chan_mbps = mbps ? (uint32_t)mbps : d.meta.mem_chan_mbps;
	d.meta.clock_khz = clock ? (uint32_t)clock : d.meta.clock_khz;
	d.meta.mem_kind = ddr ? FLLM_IMAGE_MEM_DDR : FLLM_IMAGE_MEM_HBM;
	d.meta.timestamp = stamp ? stamp : (uint64_t)time(NULL);
	for (uint32_t i = 0; i < d.meta.cu_count; i++)
		if (FLLM_CU_INFO_TYPE(d.meta.cu[i].info) == FLLM_CU_LUTGEMM)
			d.meta.lutgemm_slices = (uint32_t)slices;
	snprintf(d.platform, sizeof(d.platform), "%s", platform);
	if (bitstream) {
		rc = fllm_image_read_file(bitstream, &bits, &bits_len, err, sizeof(err));
		if (rc) {
			fprintf(stderr, "fllm image create: --bitstream: %s\n", err);
			return CLI_EXIT_FAIL;
		}
		if (!bits_len) {
			fprintf(stderr, "fllm image create: --bitstream: %s is empty\n", bitstream);
			free(bits);
			return CLI_EXIT_FAIL;
		}
		d.bitstream = bits;
		d.bitstream_size = bits_len;
	}
	rc = fllm_image_build(&d, &img, &img_len, err, sizeof(err));
	free(bits);
	if (rc) {
		fprintf(stderr, "fllm image create: %s\n", err);
		return CLI_EXIT_USAGE;
	}
	f = fopen(out, "wb");
	if (!f || fwrite(img, 1, img_len, f) != img_len || fclose(f)) {
		fprintf(stderr, "fllm image create: cannot write %s\n", out);
		if (f)
			fclose(f);
		free(img);
		return CLI_EXIT_FAIL;
	}
	free(img);
	printf("wrote %s: %zu bytes, interface %u.%u, numerics %u, %u units\n", out, img_len,
	       FLLM_CARD_IF_VERSION_MAJOR(d.meta.if_version),
	       FLLM_CARD_IF_VERSION_MINOR(d.meta.if_version), d.meta.numerics_version,
	       d.meta.cu_count);
	return CLI_EXIT_OK;
}

static void image_print(const struct fllm_image *img)
{
	const struct fllm_image_meta *m = &img->meta;
	char size[32], kbuf[16], verr[256];

	printf("xclbin         version %u.%u.%u, %" PRIu64 " bytes, platform %s\n",
	       img->xclbin_major, img->xclbin_minor, img->xclbin_patch, img->length,
	       img->platform);
	printf("uuid           ");
	for (int i = 0; i < 16; i++)
		printf("%02x", img->uuid[i]);
	printf("\ninterface      %u.%u\nnumerics       %u\n",
	       FLLM_CARD_IF_VERSION_MAJOR(m->if_version), FLLM_CARD_IF_VERSION_MINOR(m->if_version),
	       m->numerics_version);
	printf("this build     %s\n", fllm_image_check_versions(m, verr, sizeof(verr)) ?
	       verr : "compatible");
	printf("clock          %.3f MHz\n", m->clock_khz / 1000.0);
	printf("memory         %s %s in %u channels, %u MB/s each\n",
	       cli_format_bytes(m->mem_size, size, sizeof(size)),
	       m->mem_kind == FLLM_IMAGE_MEM_HBM ? "HBM" : "DDR", m->mem_channels,
	       m->mem_chan_mbps);
	printf("compute units  %u\n", m->cu_count);
	for (uint32_t i = 0; i < m->cu_count; i++)
		printf("  cu%-2u         %-10s version %u caps 0x%08x%s\n", i,
		       cli_cu_type_name(FLLM_CU_INFO_TYPE(m->cu[i].info)),
		       FLLM_CU_INFO_VERSION(m->cu[i].info), m->cu[i].caps,
		       FLLM_CU_INFO_TYPE(m->cu[i].info) == FLLM_CU_LUTGEMM ? "" : "");
	printf("lutgemm slices %u\n", m->lutgemm_slices);
	printf("kernels        %u\n", img->n_kernels);
	for (uint32_t k = 0; k < img->n_kernels; k++)
		printf("  %s at 0x%" PRIx64 ", %u connected arguments\n", img->kernel[k].name,
		       img->kernel[k].base, img->kernel[k].n_args);
	printf("bitstream      %s\n", img->bitstream ? "present" : "none (not a Vitis build)");
	printf("sections       %u\n", img->n_sections);
	for (uint32_t i = 0; i < img->n_sections; i++)
		printf("  %-18s %-16s offset %8" PRIu64 " size %8" PRIu64 "\n",
		       fllm_image_section_name(img->sec[i].kind, kbuf, sizeof(kbuf)),
		       img->sec[i].name, img->sec[i].offset, img->sec[i].size);
}

static void image_json(const struct fllm_image *img)
{
	const struct fllm_image_meta *m = &img->meta;
	char uuid[33], kbuf[16], ver[32];
	struct cli_json j;

	for (int i = 0; i < 16; i++)
		snprintf(uuid + 2 * i, 3, "%02x", img->uuid[i]);
	cli_json_init(&j, stdout);
	cli_json_object_begin(&j, NULL);
	cli_json_u64(&j, "length", img->length);
	cli_json_str(&j, "platform", img->platform);
	cli_json_str(&j, "uuid", uuid);
	snprintf(ver, sizeof(ver), "%u.%u", FLLM_CARD_IF_VERSION_MAJOR(m->if_version),
		 FLLM_CARD_IF_VERSION_MINOR(m->if_version));
	cli_json_str(&j, "interface_version", ver);
	cli_json_u64(&j, "numerics_version", m->numerics_version);
	cli_json_bool(&j, "compatible", fllm_image_check_versions(m, NULL, 0) == 0);
	cli_json_u64(&j, "clock_khz", m->clock_khz);
	cli_json_str(&j, "mem_kind", m->mem_kind == FLLM_IMAGE_MEM_HBM ? "hbm" : "ddr");
	cli_json_u64(&j, "mem_size", m->mem_size);
	cli_json_u64(&j, "mem_channels", m->mem_channels);
	cli_json_u64(&j, "mem_chan_mbps", m->mem_chan_mbps);
	cli_json_u64(&j, "lutgemm_slices", m->lutgemm_slices);
	cli_json_u64(&j, "timestamp", m->timestamp);
	cli_json_array_begin(&j, "compute_units");
	for (uint32_t i = 0; i < m->cu_count; i++) {
		cli_json_object_begin(&j, NULL);
		cli_json_str(&j, "type", cli_cu_type_name(FLLM_CU_INFO_TYPE(m->cu[i].info)));
		cli_json_u64(&j, "version", FLLM_CU_INFO_VERSION(m->cu[i].info));
		cli_json_u64(&j, "caps", m->cu[i].caps);
		cli_json_object_end(&j);
	}
	cli_json_array_end(&j);
	cli_json_array_begin(&j, "kernels");
	for (uint32_t k = 0; k < img->n_kernels; k++) {
		cli_json_object_begin(&j, NULL);
		cli_json_str(&j, "name", img->kernel[k].name);
		cli_json_u64(&j, "base", img->kernel[k].base);
		cli_json_u64(&j, "connected_args", img->kernel[k].n_args);
		cli_json_object_end(&j);
	}
	cli_json_array_end(&j);
	cli_json_u64(&j, "bitstream_size", img->bitstream_size);
	cli_json_array_begin(&j, "sections");
	for (uint32_t i = 0; i < img->n_sections; i++) {
		cli_json_object_begin(&j, NULL);
		cli_json_str(&j, "kind", fllm_image_section_name(img->sec[i].kind, kbuf,
								 sizeof(kbuf)));
		cli_json_str(&j, "name", img->sec[i].name);
		cli_json_u64(&j, "offset", img->sec[i].offset);
		cli_json_u64(&j, "size", img->sec[i].size);
		cli_json_object_end(&j);
	}
	cli_json_array_end(&j);
	cli_json_object_end(&j);
	cli_json_end(&j);
}

static int image_inspect(int argc, char **argv)
{
	static const char synopsis[] = "FILE [--json]";
	static const char summary[] = "Check a card image and show its sections and metadata.";
	const char *pos[1] = { NULL };
	struct fllm_image img;
	int json = 0, npos, rc;
	void *buf;
	struct cli_opt opts[] = {
		{ "--json", CLI_OPT_FLAG, &json, NULL, "print one JSON document", 0, 0 },
		{ NULL, CLI_OPT_FLAG, NULL, NULL, NULL, 0, 0 },
	};

	rc = cli_args_command(argc, argv, opts, pos, 1, &npos, synopsis, summary);
	if (rc >= 0)
		return rc;
	if (npos != 1) {
		fprintf(stderr, "fllm image inspect: give one image file\n");
		return CLI_EXIT_USAGE;
	}
	if (cli_image_load("image inspect", pos[0], &buf, &img))
		return CLI_EXIT_FAIL;
	if (json)
		image_json(&img);
	else
		image_print(&img);
	free(buf);
	return CLI_EXIT_OK;
}

static int image_verify(int argc, char **argv)
{
	static const char synopsis[] = "FILE [--device D]";
	static const char summary[] =
		"Check a card image's interface and numerics versions against this build and,\n"
		"with --device, its units, clock and memory against a device.";
	const char *pos[1] = { NULL }, *device = NULL;
	struct fllm_image img;
	fllm_device *dev;
	char err[256];
	int npos, rc, bad;
	void *buf;
	struct cli_opt opts[] = {
		{ "--device", CLI_OPT_STRING, &device, "D", "also compare with device D", 0, 0 },
		{ NULL, CLI_OPT_FLAG, NULL, NULL, NULL, 0, 0 },
	};

	rc = cli_args_command(argc, argv, opts, pos, 1, &npos, synopsis, summary);
	if (rc >= 0)
		return rc;
	if (npos != 1) {
		fprintf(stderr, "fllm image verify: give one image file\n");
		return CLI_EXIT_USAGE;
	}
	if (cli_image_load("image verify", pos[0], &buf, &img))
		return CLI_EXIT_FAIL;
	rc = fllm_image_check_versions(&img.meta, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "fllm image verify: %s: %s\n", pos[0], err);
		free(buf);
		return CLI_EXIT_FAIL;
	}
	printf("%s: interface %u.%u and numerics %u match this build\n", pos[0],
	       FLLM_CARD_IF_VERSION_MAJOR(img.meta.if_version),
	       FLLM_CARD_IF_VERSION_MINOR(img.meta.if_version), img.meta.numerics_version);
	if (device) {
		if (cli_device_open("image verify", device, &dev) != FLLM_OK) {
			free(buf);
			return CLI_EXIT_NO_DEVICE;
		}
		bad = cli_image_match_device("image verify", &img, dev);
		fllm_device_close(dev);
		if (bad) {
			free(buf);
			return CLI_EXIT_FAIL;
		}
		printf("%s: units, clock and memory match %s\n", pos[0], device);
	}
	free(buf);
	return CLI_EXIT_OK;
}

/* fllm image SUBCOMMAND ...; the subcommand's argv[0] becomes "image SUB" for messages. */
int cli_cmd_image(int argc, char **argv)
{
	static char create[] = "image create", inspect[] = "image inspect",
		    verify[] = "image verify";

	if (argc >= 2 && !strcmp(argv[1], "create"))
		return argv[1] = create, image_create(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "inspect"))
		return argv[1] = inspect, image_inspect(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "verify"))
		return argv[1] = verify, image_verify(argc - 1, argv + 1);
	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("usage: fllm image create|inspect|verify ...  (fllm image SUB --help)\n");
		return CLI_EXIT_OK;
	}
	fprintf(stderr, "usage: fllm image create|inspect|verify ...  (fllm image SUB --help)\n");
	return CLI_EXIT_USAGE;
}
