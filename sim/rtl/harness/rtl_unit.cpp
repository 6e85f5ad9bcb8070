// The C API of fllm_rtl.h around the Verilated units: the test unit
// (Vtu_top), the LUT-GEMM unit (Vlg_top), the vector unit (Vvu_top) and
// the attention unit (Vat_top). All four have the same control ports (sim/rtl/common/cu_regs.sv) and
// differ in their number of memory ports, so one template drives them.
// Each cycle: the channel models drive the AXI inputs, the clock falls and
// the model settles, the handshakes are sampled, the clock rises, and what
// fired is applied to the models. No C++ exception leaves these functions.
#include <cerrno>
#include <cstring>
#include <memory>
#include <new>
#include <vector>

#include "Vat_top.h"
#include "Vlg_top.h"
#include "Vtu_top.h"
#include "Vvu_top.h"
#include "fllm_card.h"
#include "fllm_rtl.h"
#include "rtl_chan.hpp"
#include "verilated.h"

using fllm_rtl::Chan;

namespace {

// Bits [lsb, lsb + width) of a wide signal, width <= 64.
template <std::size_t N> uint64_t wbits(const VlWide<N> &w, unsigned lsb, unsigned width)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < width; i++)
		v |= (uint64_t)(w[(lsb + i) / 32] >> ((lsb + i) % 32) & 1u) << i;
	return v;
}

// The same of a signal of at most 64 bits (a unit with one memory port).
uint64_t wbits(uint64_t w, unsigned lsb, unsigned width)
{
	return width >= 64 ? w >> lsb : w >> lsb & (((uint64_t)1 << width) - 1);
}

// 64 bytes at word offset `word` of a wide signal, little-endian.
template <std::size_t N> void wput(VlWide<N> &w, unsigned word, const uint8_t *b)
{
	for (unsigned i = 0; i < 16; i++)
		w[word + i] = (uint32_t)b[4 * i] | (uint32_t)b[4 * i + 1] << 8 |
			      (uint32_t)b[4 * i + 2] << 16 | (uint32_t)b[4 * i + 3] << 24;
}

template <std::size_t N> void wget(const VlWide<N> &w, unsigned word, uint8_t *b)
{
	for (unsigned i = 0; i < 16; i++)
		for (unsigned j = 0; j < 4; j++)
			b[4 * i + j] = (uint8_t)(w[word + i] >> (8 * j));
}

// Register offsets of sim/rtl/common/cu_regs.sv.
enum : uint8_t {
	REG_CTRL = 0x00, REG_STATUS = 0x04, REG_MEM = 0x10, REG_CYCLES = 0x18, REG_RESULT = 0x20,
	REG_ARG = 0x40,
};

} // namespace

// What the C API sees of any unit.
struct fllm_rtl_unit {
	virtual ~fllm_rtl_unit() {}
	virtual void reset() = 0;
	virtual int start(uint8_t *mem, uint64_t mem_bytes, const uint64_t *arg) = 0;
	virtual int step(uint64_t cycles) = 0;
	virtual uint64_t cycle_now() const = 0;
	virtual void result(uint16_t *status, uint64_t *res, fllm_rtl_stats *st) = 0;

	// Windows of fllm_rtl_unit_watch() and the read bytes seen inside them.
	struct Win {
		uint64_t lo, hi;
	};
	std::vector<Win> watch;
	uint64_t watch_bytes = 0;

	// One read beat at card address a fired on a memory port.
	void watch_beat(uint64_t a)
	{
		for (const Win &w : watch)
			if (a >= w.lo && a < w.hi) {
				watch_bytes += 64;
				return;
			}
	}
};

namespace {

// A Verilated unit Top with NP memory ports.
template <class Top, unsigned NP> class Unit final : public fllm_rtl_unit {
public:
	explicit Unit(const fllm_rtl_timing &t, const char *name)
		: ctx(new VerilatedContext), top(new Top(ctx.get(), name)), ch(NP, Chan(t)),
		  ctl(t)
	{
		reset();
	}
	~Unit() override { top->final(); }

	void reset() override;
	int start(uint8_t *m, uint64_t mb, const uint64_t *arg) override;
	int step(uint64_t cycles) override
	{
		for (uint64_t i = 0; i < cycles && !top->irq; i++)
			cycle();
		return top->irq ? 1 : 0;
	}
	uint64_t cycle_now() const override { return now; }
	void result(uint16_t *status, uint64_t *res, fllm_rtl_stats *st) override;

private:
	std::unique_ptr<VerilatedContext> ctx;
	std::unique_ptr<Top> top;
	std::vector<Chan> ch;		// (NP) memory ports
	Chan ctl;			// control port
	uint8_t *mem = nullptr;		// (mem_bytes) card memory of the command
	uint64_t mem_bytes = 0;
	uint64_t now = 0, t0 = 0;
	bool running = false;
	// register values last written (a write is skipped when it would not change one)
	uint64_t reg_mem = 0, reg_arg[FLLM_RTL_ARGS] = {};
	// AXI4-Lite outputs sampled before the last rising edge
	bool l_awready = false, l_wready = false, l_bvalid = false, l_arready = false;
	bool l_rvalid = false;
	uint32_t l_rdata = 0;

	void cycle();
	void lite_write(uint8_t addr, uint32_t v);
	void lite_write64(uint8_t addr, uint64_t v);
	uint32_t lite_read(uint8_t addr);
	uint64_t lite_read64(uint8_t addr)
	{
		return lite_read(addr) | (uint64_t)lite_read(addr + 4) << 32;
	}
};

// One kernel-clock cycle of the unit and its channels.
template <class Top, unsigned NP> void Unit<Top, NP>::cycle()
{
	Top &t = *top;
	uint32_t arready = 0, rvalid = 0, awready = 0, wready = 0, bvalid = 0;
	uint8_t beat[64];

	for (unsigned e = 0; e < NP; e++) {
		Chan &c = ch[e];

		c.tick();
		c.offer(now);
		arready |= (uint32_t)c.arready() << e;
		if (c.rvalid(now)) {
			rvalid |= 1u << e;
			c.rdata(mem, mem_bytes, beat);
			wput(t.m_rdata, 16 * e, beat);
		}
		awready |= (uint32_t)c.awready() << e;
		wready |= (uint32_t)c.wready() << e;
		bvalid |= (uint32_t)c.bvalid(now) << e;
	}
	t.m_arready = arready;
	t.m_rvalid = rvalid;
	t.m_awready = awready;
	t.m_wready = wready;
	t.m_bvalid = bvalid;
	ctl.tick();
	ctl.offer(now);
	t.c_arready = ctl.arready();
	t.c_rvalid = ctl.rvalid(now);
	t.c_rlast = ctl.rlast();
	if (t.c_rvalid) {
		ctl.rdata(mem, mem_bytes, beat);
		wput(t.c_rdata, 0, beat);
	}

	t.clk = 0;
	t.eval();
	uint32_t arf = t.m_arvalid & arready, rf = rvalid & t.m_rready;
	uint32_t awf = t.m_awvalid & awready, wf = t.m_wvalid & wready, bf = bvalid & t.m_bready;
	bool c_arf = t.c_arvalid && t.c_arready, c_rf = t.c_rvalid && t.c_rready;
	uint64_t c_addr = t.c_araddr;
	uint32_t c_len = t.c_arlen + 1u;
	l_awready = t.s_awready;
	l_wready = t.s_wready;
	l_bvalid = t.s_bvalid;
	l_arready = t.s_arready;
	l_rvalid = t.s_rvalid;
	l_rdata = t.s_rdata;
	struct { uint64_t addr; uint32_t beats; } ar[NP];
	uint64_t aw[NP], strb[NP];
	uint8_t wd[NP][64];
	for (unsigned e = 0; e < NP; e++) {
		if (arf >> e & 1) {
			ar[e].addr = wbits(t.m_araddr, 64 * e, 64);
			ar[e].beats = (uint32_t)wbits(t.m_arlen, 8 * e, 8) + 1;
		}
		if (awf >> e & 1)
			aw[e] = wbits(t.m_awaddr, 64 * e, 64);
		if (wf >> e & 1) {
			wget(t.m_wdata, 16 * e, wd[e]);
			strb[e] = wbits(t.m_wstrb, 64 * e, 64);
		}
	}
	t.clk = 1;
	t.eval();

	for (unsigned e = 0; e < NP; e++) {
		Chan &c = ch[e];

		if (rf >> e & 1) {
			if (!watch.empty())
				watch_beat(c.raddr());
			c.r_fire(now);
		}
		if (arf >> e & 1)
			c.ar_fire(ar[e].addr, ar[e].beats, now, mem_bytes);
		if (awf >> e & 1)
			c.aw_fire(aw[e]);
		if (wf >> e & 1)
			c.w_fire(wd[e], strb[e]);
		if (bf >> e & 1)
			c.b_fire();
		c.commit(mem, mem_bytes, now);
	}
	if (c_rf)
		ctl.r_fire(now);
	if (c_arf)
		ctl.ar_fire(c_addr, c_len, now, mem_bytes);
	now++;
}

// One AXI4-Lite register write.
template <class Top, unsigned NP> void Unit<Top, NP>::lite_write(uint8_t addr, uint32_t v)
{
	Top &t = *top;

	t.s_awvalid = 1;
	t.s_awaddr = addr;
	t.s_wvalid = 1;
	t.s_wdata = v;
	t.s_bready = 1;
	for (;;) {
		cycle();
		if (l_awready)
			t.s_awvalid = 0;
		if (l_wready)
			t.s_wvalid = 0;
		if (l_bvalid)
			break;
	}
	t.s_bready = 0;
}

template <class Top, unsigned NP> void Unit<Top, NP>::lite_write64(uint8_t addr, uint64_t v)
{
	lite_write(addr, (uint32_t)v);
	lite_write(addr + 4, (uint32_t)(v >> 32));
}

// One AXI4-Lite register read.
template <class Top, unsigned NP> uint32_t Unit<Top, NP>::lite_read(uint8_t addr)
{
	Top &t = *top;

	t.s_arvalid = 1;
	t.s_araddr = addr;
	t.s_rready = 1;
	for (;;) {
		cycle();
		if (l_arready)
			t.s_arvalid = 0;
		if (l_rvalid)
			break;
	}
	t.s_rready = 0;
	return l_rdata;
}

// Hold reset for a few cycles with every channel empty.
template <class Top, unsigned NP> void Unit<Top, NP>::reset()
{
	for (Chan &c : ch)
		c.reset();
	ctl.reset();
	top->s_awvalid = top->s_wvalid = top->s_bready = 0;
	top->s_arvalid = top->s_rready = 0;
	top->rst = 1;
	for (int i = 0; i < 4; i++)
		cycle();
	top->rst = 0;
	running = false;
	now = 0;
	reg_mem = 0;
	memset(reg_arg, 0, sizeof(reg_arg));
}

template <class Top, unsigned NP>
int Unit<Top, NP>::start(uint8_t *m, uint64_t mb, const uint64_t *arg)
{
	if (running)
		return -EBUSY;
	mem = m;
	mem_bytes = mb;
	for (Chan &c : ch)
		c.clear_stats();
	ctl.clear_stats();
	watch_bytes = 0;
	for (unsigned i = 0; i < FLLM_RTL_ARGS; i++)
		if (arg[i] != reg_arg[i]) {
			lite_write64((uint8_t)(REG_ARG + 8 * i), arg[i]);
			reg_arg[i] = arg[i];
		}
	if (mb != reg_mem) {
		lite_write64(REG_MEM, mb);
		reg_mem = mb;
	}
	t0 = now;
	lite_write(REG_CTRL, 1);
	running = true;
	return 0;
}

template <class Top, unsigned NP>
void Unit<Top, NP>::result(uint16_t *status, uint64_t *res, fllm_rtl_stats *st)
{
	*status = (uint16_t)(lite_read(REG_STATUS) >> 8 & 0xff);
	*res = lite_read64(REG_RESULT);
	running = false;
	if (!st)
		return;
	memset(st, 0, sizeof(*st));
	st->cycles = lite_read64(REG_CYCLES);
	st->ports = NP;
	for (unsigned e = 0; e < NP; e++) {
		const Chan &c = ch[e];

		st->read_bytes += c.rbytes;
		st->write_bytes += c.wbytes;
		st->write_beats += c.wbeats;
		st->bad_accesses += c.bad;
		st->port_read_bytes[e] = c.rbytes;
		st->port_first_beat[e] = c.first ? c.first - t0 : 0;
		st->port_last_beat[e] = c.last ? c.last - t0 : 0;
	}
	st->ctl_bytes = ctl.rbytes;
	st->bad_accesses += ctl.bad;
	st->watch_read_bytes = watch_bytes;
}

} // namespace

extern "C" {

const char *fllm_rtl_unavailable(void)
{
	return nullptr;
}

int fllm_rtl_unit_create(uint32_t cu_type, const struct fllm_rtl_timing *t,
			 struct fllm_rtl_unit **out)
{
	*out = nullptr;
	if (!t || !(t->bytes_per_cycle > 0 && t->bytes_per_cycle <= 64) || t->latency > 100000 ||
	    t->max_outstanding < 1 || t->max_outstanding > 256)
		return -EINVAL;
	try {
		switch (cu_type) {
		case FLLM_CU_TEST:
			*out = new Unit<Vtu_top, 1>(*t, "tu_top");
			return 0;
		case FLLM_CU_LUTGEMM:
			*out = new Unit<Vlg_top, FLLM_RTL_PORTS_MAX>(*t, "lg_top");
			return 0;
		case FLLM_CU_VECTOR:
			*out = new Unit<Vvu_top, 1>(*t, "vu_top");
			return 0;
		case FLLM_CU_ATTENTION:
			*out = new Unit<Vat_top, 1>(*t, "at_top");
			return 0;
		default:
			return -EINVAL;
		}
	} catch (...) {
		return -ENOMEM;
	}
}

void fllm_rtl_unit_destroy(struct fllm_rtl_unit *u)
{
	delete u;
}

int fllm_rtl_unit_watch(struct fllm_rtl_unit *u, uint32_t n, const uint64_t *lo,
			const uint64_t *hi)
{
	if (n > FLLM_RTL_WATCH_MAX)
		return -EINVAL;
	u->watch.clear();
	try {
		for (uint32_t i = 0; i < n; i++)
			if (lo[i] < hi[i])
				u->watch.push_back({ lo[i], hi[i] });
	} catch (...) {
		u->watch.clear();
		return -ENOMEM;
	}
	return 0;
}

void fllm_rtl_unit_reset(struct fllm_rtl_unit *u)
{
	u->reset();
}

int fllm_rtl_unit_start(struct fllm_rtl_unit *u, uint8_t *mem, uint64_t mem_bytes,
			const uint64_t arg[FLLM_RTL_ARGS])
{
	return u->start(mem, mem_bytes, arg);
}

int fllm_rtl_unit_step(struct fllm_rtl_unit *u, uint64_t cycles)
{
	return u->step(cycles);
}

uint64_t fllm_rtl_unit_cycle(const struct fllm_rtl_unit *u)
{
	return u->cycle_now();
}

void fllm_rtl_unit_result(struct fllm_rtl_unit *u, uint16_t *status, uint64_t *result,
			  struct fllm_rtl_stats *st)
{
	u->result(status, result, st);
}

int fllm_rtl_unit_run(struct fllm_rtl_unit *u, uint8_t *mem, uint64_t mem_bytes,
		      const uint64_t arg[FLLM_RTL_ARGS], uint64_t max_cycles, uint16_t *status,
		      uint64_t *result, struct fllm_rtl_stats *st)
{
	int rc = u->start(mem, mem_bytes, arg);

	if (rc)
		return rc;
	if (!u->step(max_cycles)) {
		u->reset();
		return -ETIMEDOUT;
	}
	u->result(status, result, st);
	return 0;
}

} // extern "C"
