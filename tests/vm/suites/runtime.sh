# runtime: the runtime's CUnit suites and `fllm validate` on the kmd backend
# (kmd:0, the card model behind fllm.ko), then a clean unload.
export FLLM_TEST_DEVICE=kmd:0
B=$FLLM_BIN
no_bos_left() {
	expect_eq "BOs after the suites" "$(card_attr memory/bos)" 0
}
# each program starts from a freshly probed card, as each emu test opens a new one
for t in test_device test_bo test_cmdlist; do
	run "load_$t" load_fllm
	run "$t" "$B/$t"
	run "no_bos_left_$t" no_bos_left
	run "unload_$t" unload_fllm
done
run load load_fllm
run devices sh -c "$B/fllm devices && $B/fllm devices | grep -q 'kmd:0'"
run validate "$B/fllm" validate --device kmd:0
run no_bos_left no_bos_left
run unload unload_fllm
