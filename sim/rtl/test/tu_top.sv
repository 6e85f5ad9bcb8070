// The test unit (FLLM_CU_TEST, FLLM_OP_TEST) in RTL, matching
// hls/test_unit.c: FILL writes a pattern over [addr, addr + bytes) one
// 512-bit beat per cycle (byte enables trim the 8-aligned ends), CHECK
// reads the range in bursts and counts the 64-bit words that differ from
// the pattern, SPIN counts seed cycles (forever for seed = ~0). The
// firmware has validated the argument (fw_validate): the range lies in
// card memory, addr and bytes are multiples of 8.
//
// Registers: sim/rtl/common/cu_regs.sv; arguments 0-4 are struct
// fllm_cmd_test's op, addr, bytes, pattern and seed; RESULT is CHECK's count.
`include "cu_ports.svh"

module tu_top (
    `CU_REG_PORTS,
    // control read port: the unit has no parameter block (unused, tied off)
    /* verilator lint_off UNUSEDSIGNAL */
    `CU_CTL_PORTS,
    /* verilator lint_on UNUSEDSIGNAL */
    // the memory port
    `CU_MEM_PORTS(1)
);
  localparam logic [63:0] OP_FILL = 64'd0, OP_CHECK = 64'd1, OP_SPIN = 64'd2;

  logic             start, finish;
  /* verilator lint_off UNUSEDSIGNAL */
  logic [383:0] arg;          // word 5 is reserved
  logic [63:0]      mem_bytes;    // the firmware checked the range against it
  /* verilator lint_on UNUSEDSIGNAL */
  logic [63:0]      result;

  cu_regs #(.ID(32'h5455_0001)) regs (
    `CU_REG_CONNECT, .start, .arg, .mem_bytes, .finish, .finish_err(8'd0), .finish_result(result)
  );

  assign c_arvalid = 1'b0;
  assign c_araddr = '0;
  assign c_arlen = '0;
  assign c_rready = 1'b0;

  // fllm_pattern_word (card/include/fllm_pattern.h)
  function automatic logic [63:0] pattern_word(input logic [63:0] pattern,
                                               input logic [63:0] seed,
                                               input logic [5:0] index,   // % 64
                                               input logic [63:0] addr);
    logic [63:0] z;
    logic [5:0]  w;
    case (pattern)
      64'd0: pattern_word = seed;
      64'd1: begin
        w = index + seed[5:0];   // (index + seed) % 64
        pattern_word = 64'd1 << w;
      end
      64'd2: pattern_word = addr ^ seed;
      64'd3: begin
        z = (addr ^ seed) + 64'h9e37_79b9_7f4a_7c15;
        z = (z ^ (z >> 30)) * 64'hbf58_476d_1ce4_e5b9;
        z = (z ^ (z >> 27)) * 64'h94d0_49bb_1331_11eb;
        pattern_word = z ^ (z >> 31);
      end
      default: pattern_word = 64'd0;
    endcase
  endfunction

  typedef enum logic [2:0] { T_IDLE, T_FILL, T_CHECK, T_SPIN, T_DRAIN, T_DONE } tst_t;

  tst_t        st;
  logic [63:0] lo, hi;          // the range [lo, hi) of the command
  logic [63:0] wa;              // FILL: next beat to write; CHECK: next burst to ask
  logic [63:0] ra;              // CHECK: next beat to receive
  logic [63:0] end64;           // first 64-byte line after the range
  logic [63:0] pending;         // FILL: writes not yet acknowledged
  logic [63:0] spin;
  logic        aw_done, w_done;

  // beat at line address a: the pattern and which words lie in the range
  logic [511:0] beat_data;
  logic [7:0]   beat_in;
  logic [63:0]  beat_line;

  assign beat_line = (st == T_FILL) ? wa : ra;
  always_comb begin
    for (int j = 0; j < 8; j++) begin
      logic [63:0] a;
      a = beat_line + 64'(8 * j);
      beat_in[j] = a >= lo && a < hi;
      beat_data[64 * j +: 64] = pattern_word(arg[192 +: 64], arg[256 +: 64], 6'((a - lo) >> 3), a);
    end
  end

  // FILL: a beat leaves once its address and its data are both taken; a
  // write response retires one
  logic aw_ok, w_ok, beat_sent, b_in;
  assign aw_ok = aw_done || m_awready[0];
  assign w_ok = w_done || m_wready[0];
  assign beat_sent = st == T_FILL && wa != end64 && aw_ok && w_ok;
  assign b_in = m_bvalid[0] && pending != 64'd0;

  // CHECK's next burst: up to 64 beats, never across a 4 KB boundary
  logic [63:0] left, to4k;
  logic [7:0]  blen;
  always_comb begin
    left = (end64 - wa) >> 6;
    to4k = 64'd64 - 64'(wa[11:6]);
    blen = 8'((left < to4k ? left : to4k) - 64'd1);
  end

  assign m_awvalid[0] = st == T_FILL && wa != end64 && !aw_done;
  assign m_awaddr = wa;
  assign m_wvalid[0] = st == T_FILL && wa != end64 && !w_done;
  assign m_wdata = beat_data;
  always_comb
    for (int j = 0; j < 8; j++)
      m_wstrb[8 * j +: 8] = {8{beat_in[j]}};
  assign m_bready[0] = 1'b1;
  assign m_arvalid[0] = st == T_CHECK && wa != end64;
  assign m_araddr = wa;
  assign m_arlen = blen;
  assign m_rready[0] = 1'b1;

  always_ff @(posedge clk) begin
    finish <= 1'b0;
    if (rst) begin
      st <= T_IDLE;
      lo <= '0;
      hi <= '0;
      wa <= '0;
      ra <= '0;
      end64 <= '0;
      pending <= '0;
      spin <= '0;
      aw_done <= 1'b0;
      w_done <= 1'b0;
      result <= '0;
    end else begin
      pending <= pending + 64'(beat_sent) - 64'(b_in);
      case (st)
        T_IDLE: if (start) begin
          lo <= arg[64 +: 64];
          hi <= arg[64 +: 64] + arg[128 +: 64];
          wa <= {arg[70 +: 58], 6'd0};
          ra <= {arg[70 +: 58], 6'd0};
          end64 <= (arg[128 +: 64] == 64'd0) ? {arg[70 +: 58], 6'd0} :
                   {arg[70 +: 58], 6'd0} + ((64'(arg[64 +: 6]) + arg[128 +: 64] + 64'd63) & ~64'd63);
          pending <= '0;
          aw_done <= 1'b0;
          w_done <= 1'b0;
          result <= '0;
          spin <= 64'd1;
          case (arg[0 +: 64])
            OP_FILL: st <= T_FILL;
            OP_CHECK: st <= T_CHECK;
            OP_SPIN: st <= T_SPIN;
            default: st <= T_DONE;
          endcase
        end
        T_FILL: begin
          if (wa == end64) begin
            st <= T_DRAIN;
          end else if (beat_sent) begin
            wa <= wa + 64'd64;
            aw_done <= 1'b0;
            w_done <= 1'b0;
          end else begin
            aw_done <= aw_ok;
            w_done <= w_ok;
          end
        end
        T_DRAIN: if (pending - 64'(b_in) == 64'd0)
          st <= T_DONE;
        T_CHECK: begin
          if (m_arvalid[0] && m_arready[0])
            wa <= wa + ((64'(blen) + 64'd1) << 6);
          if (m_rvalid[0]) begin
            logic [63:0] bad;
            bad = '0;
            for (int j = 0; j < 8; j++)
              bad = bad + 64'(beat_in[j] && m_rdata[64 * j +: 64] != beat_data[64 * j +: 64]);
            result <= result + bad;
            ra <= ra + 64'd64;
            if (ra + 64'd64 == end64)
              st <= T_DONE;
          end else if (ra == end64) begin
            st <= T_DONE;
          end
        end
        T_SPIN: begin
          // seed = ~0: forever, until the watchdog resets the unit
          if (spin >= arg[256 +: 64] && arg[256 +: 64] != 64'hffff_ffff_ffff_ffff)
            st <= T_DONE;
          spin <= spin + 64'd1;
        end
        T_DONE: begin
          finish <= 1'b1;
          st <= T_IDLE;
        end
        default: st <= T_IDLE;
      endcase
    end
  end
endmodule
