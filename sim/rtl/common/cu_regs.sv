// The AXI4-Lite register block every compute unit of the card shares: the
// command's argument, the card's memory size, start, status, the cycle
// count and the result of the last command. The unit sees a start pulse
// and the argument, and reports back with one finish pulse.
//
// Registers (32-bit, byte offsets; 64-bit values low word first):
//   0x00 CTRL     W  bit 0: start (ignored while busy)
//   0x04 STATUS   R  bit 0 done, bit 1 busy, bits 15:8 enum fllm_card_err
//   0x08 ID       R  the unit's identity (a tag and its port count)
//   0x10/0x14 MEM    RW card memory bytes (the card build's constant)
//   0x18/0x1c CYCLES R  cycles of the last command, start to finish
//   0x20/0x24 RESULT R  the last command's result (unit specific)
//   0x40 + 8i (+4)   RW argument word i, i = 0..5: the command's 48-byte
//                       argument (struct fllm_cmd_cu, struct fllm_cmd_test)
// MEM and the arguments ignore writes while a command runs.
`include "cu_ports.svh"

module cu_regs #(
    parameter logic [31:0] ID = 32'h0
) (
    `CU_REG_PORTS,
    output logic        start,
    output logic [383:0] arg,        // argument word i at [64 * i +: 64]
    output logic [63:0] mem_bytes,
    input  logic        finish,
    input  logic [7:0]  finish_err,
    input  logic [63:0] finish_result
);
  logic        aw_have, w_have, done, busy;
  logic [7:0]  aw_q, err;
  logic [31:0] w_q;
  logic [63:0] cycles, cyc_cnt, result;

  assign s_awready = !aw_have && !s_bvalid;
  assign s_wready  = !w_have && !s_bvalid;
  assign s_arready = !s_rvalid;
  assign irq = done;

  // the register a read returns
  function automatic logic [31:0] rd(input logic [7:0] a);
    logic [63:0] v;
    case (a[7:3])
      5'h02: v = mem_bytes;
      5'h03: v = cycles;
      5'h04: v = result;
      5'h08, 5'h09, 5'h0a, 5'h0b, 5'h0c, 5'h0d: v = arg[{a[5:3], 6'd0} +: 64];
      default: v = '0;
    endcase
    case (a)
      8'h04: rd = {16'h0, err, 6'h0, busy, done};
      8'h08: rd = ID;
      default: rd = a[2] ? v[63:32] : v[31:0];
    endcase
  endfunction

  always_ff @(posedge clk) begin
    start <= 1'b0;
    if (rst) begin
      aw_have <= 1'b0;
      w_have <= 1'b0;
      s_bvalid <= 1'b0;
      s_rvalid <= 1'b0;
      s_rdata <= '0;
      aw_q <= '0;
      w_q <= '0;
      arg <= '0;
      mem_bytes <= '0;
      done <= 1'b0;
      busy <= 1'b0;
      err <= '0;
      cycles <= '0;
      cyc_cnt <= '0;
      result <= '0;
    end else begin
      if (s_awvalid && s_awready) begin
        aw_have <= 1'b1;
        aw_q <= s_awaddr;
      end
      if (s_wvalid && s_wready) begin
        w_have <= 1'b1;
        w_q <= s_wdata;
      end
      if (aw_have && w_have) begin
        aw_have <= 1'b0;
        w_have <= 1'b0;
        s_bvalid <= 1'b1;
        if (aw_q == 8'h00 && w_q[0] && !busy) begin
          start <= 1'b1;
          busy <= 1'b1;
          done <= 1'b0;
          cyc_cnt <= 64'd1;
        end else if (busy) begin
          // the command's argument and the memory size hold while it runs
        end else if (aw_q[7:3] == 5'h02) begin
          if (aw_q[2]) mem_bytes[63:32] <= w_q;
          else mem_bytes[31:0] <= w_q;
        end else if (aw_q[7:6] == 2'b01 && aw_q[5:3] < 3'd6) begin
          arg[{aw_q[5:2], 5'd0} +: 32] <= w_q;
        end
      end
      if (s_bvalid && s_bready)
        s_bvalid <= 1'b0;
      if (s_arvalid && s_arready) begin
        s_rvalid <= 1'b1;
        s_rdata <= rd(s_araddr);
      end else if (s_rvalid && s_rready) begin
        s_rvalid <= 1'b0;
      end
      if (busy)
        cyc_cnt <= cyc_cnt + 64'd1;
      if (busy && finish) begin
        busy <= 1'b0;
        done <= 1'b1;
        err <= finish_err;
        result <= finish_result;
        cycles <= cyc_cnt;
      end
    end
  end
endmodule
