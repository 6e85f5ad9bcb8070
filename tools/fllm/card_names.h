/* Names of card-interface values (fllm_card.h) as the CLI prints them. */
#ifndef FLLM_CLI_CARD_NAMES_H
#define FLLM_CLI_CARD_NAMES_H

#include <stddef.h>
#include <stdint.h>

/* "lutgemm" for FLLM_CU_LUTGEMM; "unknown" for values not in the header. */
const char *cli_cu_type_name(uint32_t type);
/* "watchdog" for FLLM_CARD_ERR_WATCHDOG, "ok" for 0. */
const char *cli_card_err_name(uint32_t err);
/* Space-separated names of the set FLLM_CAP_* bits into buf ("" for none;
 * unknown bits as "bitN"). Returns buf. */
const char *cli_caps_names(uint32_t caps, char *buf, size_t len);

#endif /* FLLM_CLI_CARD_NAMES_H */
