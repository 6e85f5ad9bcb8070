/* Status codes: one English line for each value of fllm_status. */
#include "fllm/fllm.h"

/* Text for status; unknown values get a generic text, never NULL. */
const char *fllm_status_str(fllm_status status)
{
	switch (status) {
	case FLLM_OK: return "success";
	case FLLM_E_INVALID_ARG: return "invalid argument";
	case FLLM_E_NO_MEMORY: return "out of host memory";
	case FLLM_E_NO_DEVICE: return "no such device";
	case FLLM_E_OUT_OF_RANGE: return "access outside the buffer object";
	case FLLM_E_NO_CARD_MEMORY: return "out of card memory";
	case FLLM_E_TIMEOUT: return "timed out";
	case FLLM_E_BUSY: return "queue full, try again";
	case FLLM_E_IO: return "device input/output failed";
	case FLLM_E_CARD: return "command failed on the card";
	case FLLM_E_WATCHDOG: return "compute unit hung and was reset by the watchdog";
	case FLLM_E_VERSION: return "card interface version not supported";
	case FLLM_E_UNSUPPORTED: return "operation not supported by this backend";
	case FLLM_E_STATE: return "object not in a state for this call";
	case FLLM_E_DEVICE_LOST: return "card reported a fatal error; reset needed";
	case FLLM_E_FORMAT: return "malformed file or record";
	case FLLM_E_PERMISSION: return "operation not permitted";
	}
	return "unknown status";
}
