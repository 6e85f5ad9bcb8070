/* fllm devices [--json]: every device the runtime can see, with PCIe facts. */
#include <stdio.h>
#include <stdlib.h>

#include "args.h"
#include "commands.h"
#include "fllm/fllm.h"
#include "json.h"
#include "units.h"

/* "0000:03:00.0" */
static void devices_bdf(const fllm_pci_info *p, char *buf, size_t len)
{
	snprintf(buf, len, "%04x:%02x:%02x.%x", (unsigned int)p->domain, p->bus, p->dev,
		 p->func);
}

/* "8.0 GT/s x16", or "unknown" when the link facts are missing. */
static void devices_link(unsigned int gen, unsigned int width, char *buf, size_t len)
{
	if (!gen && !width)
		snprintf(buf, len, "unknown");
	else
		snprintf(buf, len, "%.1f GT/s x%u", cli_pcie_gts(gen), width);
}

/* The indented PCIe block under a device's table row. */
static void devices_print_pci(const fllm_pci_info *p)
{
	char bdf[32], cur[32], max[32], size[32];
	int i, any = 0;

	devices_bdf(p, bdf, sizeof(bdf));
	devices_link(p->link_speed_cur, p->link_width_cur, cur, sizeof(cur));
	devices_link(p->link_speed_max, p->link_width_max, max, sizeof(max));
	printf("    pci id     %04x:%04x (subsystem %04x:%04x)\n", p->vendor_id, p->device_id,
	       p->subsys_vendor_id, p->subsys_device_id);
	printf("    product    %s\n", p->product[0] ? p->product : "(not in pci.ids)");
	printf("    slot       %s\n", bdf);
	printf("    link       %s (max %s)\n", cur, max);
	if (p->numa_node >= 0)
		printf("    numa node  %d\n", p->numa_node);
	else
		printf("    numa node  unknown\n");
	printf("    bars      ");
	for (i = 0; i < 6; i++) {
		if (!p->bar_size[i])
			continue;
		printf("%s BAR%d %s", any ? "," : "", i,
		       cli_format_bytes(p->bar_size[i], size, sizeof(size)));
		any = 1;
	}
	printf("%s\n", any ? "" : " unknown");
	printf("    driver     %s\n", p->driver[0] ? p->driver : "(none)");
}

static void devices_print_text(const fllm_device_desc *d, size_t n)
{
	size_t i;

	printf("%-22s %-8s %-5s %s\n", "NAME", "BACKEND", "OPEN", "DESCRIPTION");
	for (i = 0; i < n; i++) {
		printf("%-22s %-8s %-5s %s\n", d[i].name, d[i].backend,
		       d[i].openable ? "yes" : "no", d[i].description);
		if (d[i].is_pci)
			devices_print_pci(&d[i].pci);
	}
	printf("%zu device%s\n", n, n == 1 ? "" : "s");
}

static void devices_json_pci(struct cli_json *j, const fllm_pci_info *p)
{
	char buf[32];
	int i;

	cli_json_object_begin(j, "pci");
	snprintf(buf, sizeof(buf), "%04x", p->vendor_id);
	cli_json_str(j, "vendor_id", buf);
	snprintf(buf, sizeof(buf), "%04x", p->device_id);
	cli_json_str(j, "device_id", buf);
	snprintf(buf, sizeof(buf), "%04x", p->subsys_vendor_id);
	cli_json_str(j, "subsys_vendor_id", buf);
	snprintf(buf, sizeof(buf), "%04x", p->subsys_device_id);
	cli_json_str(j, "subsys_device_id", buf);
	cli_json_str(j, "product", p->product);
	devices_bdf(p, buf, sizeof(buf));
	cli_json_str(j, "bdf", buf);
	cli_json_u64(j, "link_gen_cur", p->link_speed_cur);
	cli_json_double(j, "link_gts_cur", cli_pcie_gts(p->link_speed_cur));
	cli_json_u64(j, "link_width_cur", p->link_width_cur);
	cli_json_u64(j, "link_gen_max", p->link_speed_max);
	cli_json_double(j, "link_gts_max", cli_pcie_gts(p->link_speed_max));
	cli_json_u64(j, "link_width_max", p->link_width_max);
	cli_json_i64(j, "numa_node", p->numa_node);
	cli_json_array_begin(j, "bar_sizes");
	for (i = 0; i < 6; i++)
		cli_json_u64(j, NULL, p->bar_size[i]);
	cli_json_array_end(j);
	cli_json_str(j, "driver", p->driver);
	cli_json_object_end(j);
}

static void devices_print_json(const fllm_device_desc *d, size_t n)
{
	struct cli_json j;
	size_t i;

	cli_json_init(&j, stdout);
	cli_json_object_begin(&j, NULL);
	cli_json_array_begin(&j, "devices");
	for (i = 0; i < n; i++) {
		cli_json_object_begin(&j, NULL);
		cli_json_str(&j, "name", d[i].name);
		cli_json_str(&j, "backend", d[i].backend);
		cli_json_bool(&j, "openable", d[i].openable);
		cli_json_str(&j, "description", d[i].description);
		if (d[i].is_pci)
			devices_json_pci(&j, &d[i].pci);
		cli_json_object_end(&j);
	}
	cli_json_array_end(&j);
	cli_json_object_end(&j);
	cli_json_end(&j);
}

/* List devices twice if needed: once for the count, once to fill. */
int cli_cmd_devices(int argc, char **argv)
{
	static const char synopsis[] = "[--json]";
	static const char summary[] =
		"List every device the runtime can see: emulated cards and fllm-capable PCIe\n"
		"devices with their link, NUMA node, BARs and bound driver.";
	fllm_device_desc *descs;
	fllm_status st;
	size_t n = 0, cap;
	int json = 0, npos, rc;
	struct cli_opt opts[] = {
		{ "--json", CLI_OPT_FLAG, &json, NULL, "print one JSON document", 0, 0 },
		{ NULL, CLI_OPT_FLAG, NULL, NULL, NULL, 0, 0 },
	};

	rc = cli_args_command(argc, argv, opts, NULL, 0, &npos, synopsis, summary);
	if (rc >= 0)
		return rc;
	st = fllm_device_list(NULL, 0, &n);
	if (st != FLLM_OK)
		goto err_list;
	cap = n + 4;	/* room for devices that appear meanwhile */
	descs = calloc(cap, sizeof(*descs));
	if (!descs) {
		st = FLLM_E_NO_MEMORY;
		goto err_list;
	}
	st = fllm_device_list(descs, cap, &n);
	if (st != FLLM_OK)
		goto err_free;
	if (n > cap)
		n = cap;
	if (json)
		devices_print_json(descs, n);
	else
		devices_print_text(descs, n);
	free(descs);
	return CLI_EXIT_OK;

err_free:
	free(descs);
err_list:
	fprintf(stderr, "fllm devices: listing devices failed: %s\n", fllm_status_str(st));
	return CLI_EXIT_FAIL;
}
