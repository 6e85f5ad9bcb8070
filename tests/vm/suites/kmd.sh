# kmd: the driver's own ioctl tests, the uapi and backend checks, the units'
# parameter blocks through the driver (test_kmd_units), and the
# interrupt fallback: the same ioctl tests with the driver forced to poll.
B=$FLLM_BIN
no_bos_left() {
	expect_eq "BOs left" "$(card_attr memory/bos)" 0
}
run load load_fllm
run test_kmd_uapi "$B/test_kmd_uapi"
run test_kmd_backend "$B/test_kmd_backend"
run test_kmd_ioctl "$B/test_kmd_ioctl"
run test_kmd_units "$B/test_kmd_units"
run no_bos_left no_bos_left
run unload unload_fllm
run load_poll load_fllm irq_mode=0
run irq_mode_poll expect_eq irq_mode "$(card_attr irq_mode)" poll
run test_kmd_ioctl_poll "$B/test_kmd_ioctl"
run no_bos_left_poll no_bos_left
run unload_poll unload_fllm
