/* Status codes: one English line for each value of fllm_status. */
#include "fllm/fllm.h"

/* Text for status; unknown values get a generic text, never NULL. */
const char *fllm_status_str(fllm_status status)
{
#define FLLM_STATUS_CASE(name, value, text) \
	case name:                          \
		return text;
	switch (status) {
	FLLM_STATUS_LIST(FLLM_STATUS_CASE)
	}
#undef FLLM_STATUS_CASE
	return "unknown status";
}
