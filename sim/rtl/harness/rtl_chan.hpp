// An HBM-like channel behind one AXI4 port: bursts wait `latency` cycles,
// then beats flow at most bytes_per_cycle on average (a token bucket shared
// by reads and writes), with at most max_outstanding read bursts accepted.
// Data moves between the port and the card memory; an access outside it is
// counted as bad and reads as zeros.
#ifndef FLLM_RTL_CHAN_HPP
#define FLLM_RTL_CHAN_HPP

#include <cstdint>
#include <cstring>
#include <deque>

#include "fllm_rtl.h"

namespace fllm_rtl {

class Chan {
public:
	explicit Chan(const fllm_rtl_timing &t) : t_(t) {}

	// Forget everything in flight and the counters.
	void reset()
	{
		rq_.clear();
		awq_.clear();
		wq_.clear();
		bq_.clear();
		tokens_ = 0;
		outstanding_ = 0;
		clear_stats();
	}

	void clear_stats()
	{
		rbytes = wbytes = wbeats = bad = first = last = 0;
	}

	// Start of a cycle: refill the bucket.
	void tick()
	{
		double cap = t_.bytes_per_cycle < 64 ? 128.0 : 2 * t_.bytes_per_cycle;

		tokens_ += t_.bytes_per_cycle;
		if (tokens_ > cap)
			tokens_ = cap;
	}

	// Inputs the port sees this cycle.
	bool arready() const { return outstanding_ < t_.max_outstanding; }
	bool rvalid(uint64_t now) const
	{
		return !rq_.empty() && rq_.front().ready <= now && tokens_ >= 64;
	}
	bool rlast() const { return !rq_.empty() && rq_.front().done + 1 == rq_.front().beats; }
	// Card address of the beat rvalid() offers.
	uint64_t raddr() const { return rq_.front().addr + 64ull * rq_.front().done; }
	// The beat rvalid() offers: 64 bytes of card memory.
	void rdata(const uint8_t *mem, uint64_t mem_bytes, uint8_t *out)
	{
		const Burst &b = rq_.front();
		uint64_t a = b.addr + 64ull * b.done;

		if (a <= mem_bytes && mem_bytes - a >= 64)
			memcpy(out, mem + a, 64);
		else
			memset(out, 0, 64);
	}
	bool awready() const { return awq_.size() < 8; }
	bool wready() const { return wq_.size() < 8 && tokens_ >= 64 + (rvalid_now_ ? 64 : 0); }
	bool bvalid(uint64_t now) const { return !bq_.empty() && bq_.front() <= now; }

	// Remember whether a read beat is offered this cycle (it has the bucket first).
	void offer(uint64_t now) { rvalid_now_ = rvalid(now); }

	// End of a cycle: apply what fired.
	void ar_fire(uint64_t addr, uint32_t beats, uint64_t now, uint64_t mem_bytes)
	{
		if (addr > mem_bytes || mem_bytes - addr < 64ull * beats)
			bad++;
		rq_.push_back({ addr, beats, 0, now + t_.latency });
		outstanding_++;
	}
	void r_fire(uint64_t now)
	{
		Burst &b = rq_.front();

		tokens_ -= 64;
		rbytes += 64;
		if (!first)
			first = now;
		last = now;
		if (++b.done == b.beats) {
			rq_.pop_front();
			outstanding_--;
		}
	}
	void aw_fire(uint64_t addr) { awq_.push_back(addr); }
	void w_fire(const uint8_t *data, uint64_t strb)
	{
		WBeat w;

		memcpy(w.data, data, 64);
		w.strb = strb;
		wq_.push_back(w);
		tokens_ -= 64;
	}
	// Pair addresses with data in order and write them to memory.
	void commit(uint8_t *mem, uint64_t mem_bytes, uint64_t now)
	{
		while (!awq_.empty() && !wq_.empty()) {
			uint64_t a = awq_.front();
			const WBeat &w = wq_.front();

			if (a <= mem_bytes && mem_bytes - a >= 64) {
				for (int i = 0; i < 64; i++)
					if (w.strb >> i & 1) {
						mem[a + i] = w.data[i];
						wbytes++;
					}
			} else {
				bad++;
			}
			wbeats++;
			bq_.push_back(now + t_.latency);
			awq_.pop_front();
			wq_.pop_front();
		}
	}
	void b_fire() { bq_.pop_front(); }

	uint64_t rbytes = 0, wbytes = 0, wbeats = 0, bad = 0, first = 0, last = 0;

private:
	struct Burst {
		uint64_t addr;
		uint32_t beats, done;
		uint64_t ready;
	};
	struct WBeat {
		uint8_t data[64];
		uint64_t strb;
	};
	fllm_rtl_timing t_;
	std::deque<Burst> rq_;
	std::deque<uint64_t> awq_;
	std::deque<WBeat> wq_;
	std::deque<uint64_t> bq_;
	double tokens_ = 0;
	uint32_t outstanding_ = 0;
	bool rvalid_now_ = false;
};

} // namespace fllm_rtl

#endif // FLLM_RTL_CHAN_HPP
