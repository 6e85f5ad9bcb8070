/* Names of card-interface values (see card_names.h). */
#include "card_names.h"

#include <stdio.h>
#include <string.h>

#include "fllm_card.h"

/* Compute-unit type name; the list follows enum fllm_cu_type. */
const char *cli_cu_type_name(uint32_t type)
{
	switch (type) {
	case FLLM_CU_NONE:
		return "none";
	case FLLM_CU_TEST:
		return "test";
	case FLLM_CU_LUTGEMM:
		return "lutgemm";
	case FLLM_CU_ATTENTION:
		return "attention";
	case FLLM_CU_VECTOR:
		return "vector";
	}
	return "unknown";
}

/* Card error name, from FLLM_CARD_ERR_LIST. */
const char *cli_card_err_name(uint32_t err)
{
#define CLI_CARD_ERR_NAME(e, name) [e] = name,
	static const char *const names[] = { FLLM_CARD_ERR_LIST(CLI_CARD_ERR_NAME) };
#undef CLI_CARD_ERR_NAME

	if (err < FLLM_CARD_ERR_COUNT && names[err])
		return names[err];
	return "unknown";
}

/* Capability names, in bit order. */
const char *cli_caps_names(uint32_t caps, char *buf, size_t len)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} known[] = {
		{ FLLM_CAP_DMA, "dma" },	   { FLLM_CAP_MSIX, "msix" },
		{ FLLM_CAP_TELEMETRY, "telemetry" }, { FLLM_CAP_WATCHDOG, "watchdog" },
		{ FLLM_CAP_HBM, "hbm" },	   { FLLM_CAP_SIMULATED, "simulated" },
	};
	size_t i, used = 0;
	char word[16];
	const char *name;
	int bit;

	buf[0] = '\0';
	for (bit = 0; bit < 32; bit++) {
		if (!(caps & (1u << bit)))
			continue;
		name = NULL;
		for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			if (known[i].bit == (1u << bit))
				name = known[i].name;
		if (!name) {
			snprintf(word, sizeof(word), "bit%d", bit);
			name = word;
		}
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%s",
					 used ? " " : "", name);
	}
	return buf;
}
