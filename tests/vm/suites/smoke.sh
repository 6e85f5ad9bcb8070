# smoke: the module loads against the card model, the card looks right in
# sysfs, and it unloads cleanly.
smoke_sysfs() {
	expect_eq if_version "$(card_attr if_version)" "1.1" &&
	expect_eq irq_mode "$(card_attr irq_mode)" "msix" &&
	expect_eq channels "$(card_attr memory/channels)" "8" &&
	expect_eq total "$(card_attr memory/total)" "1073741824" &&
	expect_eq bos "$(card_attr memory/bos)" "0" &&
	[ "$(card_attr telemetry/power_mw)" -gt 0 ] &&
	grep -H . /sys/class/fllm/fllm0/*_version /sys/class/fllm/fllm0/caps /sys/class/fllm/fllm0/irq_mode /sys/class/fllm/fllm0/memory/* /sys/class/fllm/fllm0/telemetry/* /sys/class/fllm/fllm0/link/*
}
run load load_fllm
run sysfs smoke_sysfs
run unload unload_fllm
