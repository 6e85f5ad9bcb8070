// The C API of fllm_rtl.h around the Verilated LUT-GEMM unit (Vlg_top).
// Each cycle: the channel models drive the AXI inputs, the clock falls and
// the model settles, the handshakes are sampled, the clock rises, and what
// fired is applied to the models. No C++ exception leaves these functions.
#include <cerrno>
#include <cstring>
#include <memory>
#include <new>
#include <vector>

#include "Vlg_top.h"
#include "fllm_rtl.h"
#include "rtl_chan.hpp"
#include "verilated.h"

using fllm_rtl::Chan;

namespace {

constexpr unsigned NE = FLLM_RTL_ENGINES_MAX;

// Bits [lsb, lsb + width) of a wide signal, width <= 64.
template <std::size_t N> uint64_t wbits(const VlWide<N> &w, unsigned lsb, unsigned width)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < width; i++)
		v |= (uint64_t)(w[(lsb + i) / 32] >> ((lsb + i) % 32) & 1u) << i;
	return v;
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

// Register offsets of the control block (sim/rtl/lutgemm/lg_ctl.sv).
enum : uint8_t {
	REG_CTRL = 0x00, REG_STATUS = 0x04, REG_PARAMS = 0x08, REG_PARAMS_BYTES = 0x10,
	REG_MEM = 0x18, REG_CYCLES = 0x20,
};

} // namespace

struct fllm_rtl_lutgemm {
	std::unique_ptr<VerilatedContext> ctx;
	std::unique_ptr<Vlg_top> top;
	std::vector<Chan> ch;		// (NE) engine ports
	std::unique_ptr<Chan> ctl;	// control port
	uint8_t *mem = nullptr;		// (mem_bytes) card memory of the command
	uint64_t mem_bytes = 0;
	uint64_t now = 0, start = 0;
	bool running = false;
	// AXI4-Lite outputs sampled before the last rising edge
	bool l_awready = false, l_wready = false, l_bvalid = false, l_arready = false;
	bool l_rvalid = false;
	uint32_t l_rdata = 0;

	void cycle();
	void lite_write(uint8_t addr, uint32_t v);
	uint32_t lite_read(uint8_t addr);
	void reset();
};

// One kernel-clock cycle of the unit and its channels.
void fllm_rtl_lutgemm::cycle()
{
	Vlg_top &t = *top;
	uint32_t arready = 0, rvalid = 0, awready = 0, wready = 0, bvalid = 0;
	uint8_t beat[64];

	for (unsigned e = 0; e < NE; e++) {
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
	ctl->tick();
	ctl->offer(now);
	t.c_arready = ctl->arready();
	t.c_rvalid = ctl->rvalid(now);
	t.c_rlast = ctl->rlast();
	if (t.c_rvalid) {
		ctl->rdata(mem, mem_bytes, beat);
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
	struct { uint64_t addr; uint32_t beats; } ar[NE];
	uint64_t aw[NE], strb[NE];
	uint8_t wd[NE][64];
	for (unsigned e = 0; e < NE; e++) {
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

	for (unsigned e = 0; e < NE; e++) {
		Chan &c = ch[e];

		if (rf >> e & 1)
			c.r_fire(now);
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
		ctl->r_fire(now);
	if (c_arf)
		ctl->ar_fire(c_addr, c_len, now, mem_bytes);
	now++;
}

// One AXI4-Lite register write.
void fllm_rtl_lutgemm::lite_write(uint8_t addr, uint32_t v)
{
	Vlg_top &t = *top;

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

// One AXI4-Lite register read.
uint32_t fllm_rtl_lutgemm::lite_read(uint8_t addr)
{
	Vlg_top &t = *top;

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
void fllm_rtl_lutgemm::reset()
{
	for (Chan &c : ch)
		c.reset();
	ctl->reset();
	top->s_awvalid = top->s_wvalid = top->s_bready = 0;
	top->s_arvalid = top->s_rready = 0;
	top->rst = 1;
	for (int i = 0; i < 4; i++)
		cycle();
	top->rst = 0;
	running = false;
	now = 0;
}

extern "C" {

const char *fllm_rtl_lutgemm_unavailable(void)
{
	return nullptr;
}

int fllm_rtl_lutgemm_create(const struct fllm_rtl_timing *t, struct fllm_rtl_lutgemm **out)
{
	*out = nullptr;
	if (!t || !(t->bytes_per_cycle > 0 && t->bytes_per_cycle <= 64) || t->latency > 100000 ||
	    t->max_outstanding < 1 || t->max_outstanding > 256)
		return -EINVAL;
	try {
		std::unique_ptr<fllm_rtl_lutgemm> u(new fllm_rtl_lutgemm);

		u->ctx.reset(new VerilatedContext);
		u->top.reset(new Vlg_top(u->ctx.get(), "lg_top"));
		u->ch.assign(NE, Chan(*t));
		u->ctl.reset(new Chan(*t));
		u->reset();
		*out = u.release();
		return 0;
	} catch (const std::bad_alloc &) {
		return -ENOMEM;
	} catch (...) {
		return -ENOMEM;
	}
}

void fllm_rtl_lutgemm_destroy(struct fllm_rtl_lutgemm *u)
{
	if (!u)
		return;
	u->top->final();
	delete u;
}

void fllm_rtl_lutgemm_reset(struct fllm_rtl_lutgemm *u)
{
	u->reset();
}

int fllm_rtl_lutgemm_start(struct fllm_rtl_lutgemm *u, uint8_t *mem, uint64_t mem_bytes,
			   uint64_t params, uint64_t params_bytes)
{
	if (u->running)
		return -EBUSY;
	u->mem = mem;
	u->mem_bytes = mem_bytes;
	for (Chan &c : u->ch)
		c.clear_stats();
	u->ctl->clear_stats();
	u->lite_write(REG_PARAMS, (uint32_t)params);
	u->lite_write(REG_PARAMS + 4, (uint32_t)(params >> 32));
	u->lite_write(REG_PARAMS_BYTES, (uint32_t)params_bytes);
	u->lite_write(REG_PARAMS_BYTES + 4, (uint32_t)(params_bytes >> 32));
	u->lite_write(REG_MEM, (uint32_t)mem_bytes);
	u->lite_write(REG_MEM + 4, (uint32_t)(mem_bytes >> 32));
	u->start = u->now;
	u->lite_write(REG_CTRL, 1);
	u->running = true;
	return 0;
}

int fllm_rtl_lutgemm_step(struct fllm_rtl_lutgemm *u, uint64_t cycles)
{
	for (uint64_t i = 0; i < cycles && !u->top->irq; i++)
		u->cycle();
	return u->top->irq ? 1 : 0;
}

uint64_t fllm_rtl_lutgemm_cycle(const struct fllm_rtl_lutgemm *u)
{
	return u->now;
}

void fllm_rtl_lutgemm_result(struct fllm_rtl_lutgemm *u, uint16_t *status,
			     struct fllm_rtl_stats *st)
{
	uint32_t s = u->lite_read(REG_STATUS);

	*status = (uint16_t)(s >> 8 & 0xff);
	u->running = false;
	if (!st)
		return;
	memset(st, 0, sizeof(*st));
	st->cycles = u->lite_read(REG_CYCLES) | (uint64_t)u->lite_read(REG_CYCLES + 4) << 32;
	st->engines = NE;
	for (unsigned e = 0; e < NE; e++) {
		const Chan &c = u->ch[e];

		st->read_bytes += c.rbytes;
		st->write_bytes += c.wbytes;
		st->write_beats += c.wbeats;
		st->bad_accesses += c.bad;
		st->port_read_bytes[e] = c.rbytes;
		st->port_first_beat[e] = c.first ? c.first - u->start : 0;
		st->port_last_beat[e] = c.last ? c.last - u->start : 0;
	}
	st->ctl_bytes = u->ctl->rbytes;
	st->bad_accesses += u->ctl->bad;
}

int fllm_rtl_lutgemm_run(struct fllm_rtl_lutgemm *u, uint8_t *mem, uint64_t mem_bytes,
			 uint64_t params, uint64_t params_bytes, uint64_t max_cycles,
			 uint16_t *status, struct fllm_rtl_stats *st)
{
	int rc = fllm_rtl_lutgemm_start(u, mem, mem_bytes, params, params_bytes);

	if (rc)
		return rc;
	if (!fllm_rtl_lutgemm_step(u, max_cycles)) {
		u->reset();
		return -ETIMEDOUT;
	}
	fllm_rtl_lutgemm_result(u, status, st);
	return 0;
}

} // extern "C"
