/* placeholder */
#include "attn_tests.h"
int at_register_accuracy(void)
{
	return 0;
}
