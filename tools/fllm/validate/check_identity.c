/* Check "identity": the card answers with the fllm magic and a version we speak. */
#include "check.h"
#include "fllm_card.h"

/* Read MAGIC and IF_VERSION through the diagnostic register path and compare
 * them with the header and with what fllm_device_info reported. */
void val_check_identity(struct val_ctx *ctx, struct val_result *res)
{
	uint32_t magic, ver;
	fllm_status st;

	st = fllm_device_reg_read(ctx->dev, FLLM_REG_MAGIC, &magic);
	if (st != FLLM_OK) {
		val_fail(res, "reading MAGIC: %s", fllm_status_str(st));
		return;
	}
	if (magic != FLLM_CARD_MAGIC) {
		val_fail(res, "MAGIC is 0x%08x, expected 0x%08x", magic, FLLM_CARD_MAGIC);
		return;
	}
	st = fllm_device_reg_read(ctx->dev, FLLM_REG_IF_VERSION, &ver);
	if (st != FLLM_OK) {
		val_fail(res, "reading IF_VERSION: %s", fllm_status_str(st));
		return;
	}
	if (FLLM_CARD_IF_VERSION_MAJOR(ver) != FLLM_CARD_IF_MAJOR) {
		val_fail(res, "interface %u.%u, this tool speaks major %u",
				FLLM_CARD_IF_VERSION_MAJOR(ver), FLLM_CARD_IF_VERSION_MINOR(ver),
				FLLM_CARD_IF_MAJOR);
		return;
	}
	if (ver != ctx->info.if_version) {
		val_fail(res, "IF_VERSION 0x%08x differs from device info 0x%08x", ver,
				ctx->info.if_version);
		return;
	}
	val_pass(res, "magic 0x%08x, interface %u.%u", magic, FLLM_CARD_IF_VERSION_MAJOR(ver),
		 FLLM_CARD_IF_VERSION_MINOR(ver));
}
