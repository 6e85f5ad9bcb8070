/*
 * The EMBEDDED_METADATA section: the XML in which XRT looks up a kernel's
 * arguments (name, index, register offset, size, address qualifier, port)
 * and its instances. Only the elements and attributes XRT reads are written.
 */
#include <stdio.h>

#include "image_internal.h"

/* The LUT-GEMM kernel: control port, one master per pointer, its arguments. */
static void xml_lutgemm(struct img_buf *b)
{
	char name[16];

	img_buf_printf(b, "        <kernel name=\"%s\" language=\"c\" "
		       "vlnv=\"fllm:hls:%s:1.0\" preferredWorkGroupSizeMultiple=\"0\" "
		       "workGroupSize=\"1\" interrupt=\"true\" hwControlProtocol=\"ap_ctrl_hs\">\n",
		       IMG_LG_KERNEL, IMG_LG_KERNEL);
	img_buf_printf(b, "          <port name=\"S_AXI_CONTROL\" mode=\"slave\" range=\"0x1000\" "
		       "dataWidth=\"32\" portType=\"addressable\" base=\"0x0\"/>\n");
	for (uint32_t i = 0; i < IMG_LG_PTR_ARGS; i++)
		img_buf_printf(b, "          <port name=\"M_AXI_%s\" mode=\"master\" "
			       "range=\"0xFFFFFFFFFFFFFFFF\" dataWidth=\"512\" "
			       "portType=\"addressable\" base=\"0x0\"/>\n",
			       img_lg_arg_name(i, name, sizeof(name)));
	for (uint32_t i = 0; i < IMG_LG_ARGS; i++) {
		int ptr = i < IMG_LG_PTR_ARGS;
		char port[24];

		snprintf(port, sizeof(port), ptr ? "M_AXI_%s" : "S_AXI_CONTROL",
			 img_lg_arg_name(i, name, sizeof(name)));
		img_buf_printf(b, "          <arg name=\"%s\" addressQualifier=\"%d\" id=\"%u\" "
			       "port=\"%s\" size=\"0x8\" offset=\"0x%x\" hostOffset=\"0x0\" "
			       "hostSize=\"0x8\" type=\"%s\"/>\n",
			       img_lg_arg_name(i, name, sizeof(name)), ptr, i, port,
			       img_lg_arg_offset(i), ptr ? "void*" : "unsigned long");
	}
	img_buf_printf(b, "          <instance name=\"%s\">\n"
		       "            <addrRemap base=\"0x%llx\" range=\"0x10000\" "
		       "port=\"S_AXI_CONTROL\"/>\n          </instance>\n        </kernel>\n",
		       IMG_LG_INSTANCE, (unsigned long long)IMG_LG_BASE);
}

void img_xml_write(struct img_buf *b, const struct fllm_image_desc *desc, int has_lutgemm)
{
	const struct fllm_image_meta *m = &desc->meta;

	img_buf_printf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		       "<project name=\"fllm\">\n"
		       "  <platform vendor=\"xilinx\" boardid=\"\" name=\"%s\" "
		       "featureRomTime=\"0\">\n"
		       "    <version major=\"1\" minor=\"0\"/>\n"
		       "    <device name=\"fpga0\" fpgaDevice=\"\" addrWidth=\"0\">\n"
		       "      <core name=\"OCL_REGION_0\" target=\"hw\" type=\"clc_region\" "
		       "clockFreq=\"0MHz\" numComputeUnits=\"%u\">\n"
		       "        <kernelClocks>\n"
		       "          <clock port=\"KERNEL_CLK\" frequency=\"%uMHz\"/>\n"
		       "        </kernelClocks>\n",
		       desc->platform, has_lutgemm ? 1u : 0u, m->clock_khz / 1000u);
	if (has_lutgemm)
		xml_lutgemm(b);
	img_buf_printf(b, "      </core>\n    </device>\n  </platform>\n</project>\n");
}
