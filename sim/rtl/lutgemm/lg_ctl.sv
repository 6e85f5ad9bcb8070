// Control block of the LUT-GEMM unit: the AXI4-Lite register slave, the
// parameter-block fetch through the control read port, the block's
// validation in the order of docs/numerics.md 6.1, and the start / done
// handshake with the engines. Nothing is read beyond the block and nothing
// is written before the block passed every check.
//
// Registers: sim/rtl/common/cu_regs.sv (argument 0 = the block's card
// address, argument 1 = its size; ID = 0x4c47 << 16 | engines).
`include "cu_ports.svh"

module lg_ctl #(
    parameter int unsigned NE = 32
) (
    // AXI4-Lite slave
    `CU_REG_PORTS,
    // control read port (AXI4, parameter block only)
    `CU_CTL_PORTS,
    // engines
    output logic        go,
    output lg_pkg::cfg_t        cfg,
    output logic [2047:0] slice_addr,
    input  logic [NE-1:0] eng_busy
);
  typedef enum logic [3:0] {
    S_IDLE, S_AR, S_R, S_FIELDS, S_DERIVE, S_ROWB, S_DIV, S_CHK, S_DECIDE, S_GO, S_RUN
  } state_t;

  state_t      st;
  logic [63:0] params, params_bytes, mem;
  logic [7:0]  err;
  logic [2:0]  beat;
  logic [3071:0] pb;      // the 384-byte block, beat by beat

  // ---------------- registers ----------------
  logic        start_req, finish;
  /* verilator lint_off UNUSEDSIGNAL */
  logic [383:0] arg;      // words 2-5 are zero for FLLM_OP_LUTGEMM
  /* verilator lint_on UNUSEDSIGNAL */

  cu_regs #(.ID({16'h4c47, 16'(NE)})) regs (
    `CU_REG_CONNECT, .start(start_req), .arg, .mem_bytes(mem), .finish, .finish_err(err),
    .finish_result(64'd0)
  );
  assign params = arg[0 +: 64];
  assign params_bytes = arg[64 +: 64];

  // ---------------- parameter block fields ----------------
  function automatic logic [63:0] fld(input logic [3071:0] b, input int unsigned off,
                                      input int unsigned bytes);
    logic [3071:0] flat;
    flat = b;
    fld = 64'(flat[off * 8 +: 64]) & ((bytes == 8) ? 64'hffff_ffff_ffff_ffff :
                                      ((64'd1 << (bytes * 8)) - 64'd1));
  endfunction

  logic [31:0] f_magic, f_version, f_m, f_k, f_rowb, f_res0;
  logic [15:0] f_group, f_n, f_slices;
  logic [7:0]  f_planes, f_flags;
  logic [63:0] f_act, f_acts, f_out, f_outs;
  logic        f_res_nz, f_unused_nz;

  always_comb begin
    f_magic   = 32'(fld(pb, fllm_card_pkg::LG_OFF_MAGIC, fllm_card_pkg::LG_SZ_MAGIC));
    f_version = 32'(fld(pb, fllm_card_pkg::LG_OFF_VERSION, fllm_card_pkg::LG_SZ_VERSION));
    f_m       = 32'(fld(pb, fllm_card_pkg::LG_OFF_M, fllm_card_pkg::LG_SZ_M));
    f_k       = 32'(fld(pb, fllm_card_pkg::LG_OFF_K, fllm_card_pkg::LG_SZ_K));
    f_group   = 16'(fld(pb, fllm_card_pkg::LG_OFF_GROUP, fllm_card_pkg::LG_SZ_GROUP));
    f_planes  = 8'(fld(pb, fllm_card_pkg::LG_OFF_PLANES, fllm_card_pkg::LG_SZ_PLANES));
    f_flags   = 8'(fld(pb, fllm_card_pkg::LG_OFF_FLAGS, fllm_card_pkg::LG_SZ_FLAGS));
    f_n       = 16'(fld(pb, fllm_card_pkg::LG_OFF_N_TOKENS, fllm_card_pkg::LG_SZ_N_TOKENS));
    f_slices  = 16'(fld(pb, fllm_card_pkg::LG_OFF_SLICES, fllm_card_pkg::LG_SZ_SLICES));
    f_rowb    = 32'(fld(pb, fllm_card_pkg::LG_OFF_ROW_BYTES, fllm_card_pkg::LG_SZ_ROW_BYTES));
    f_res0    = 32'(fld(pb, fllm_card_pkg::LG_OFF_RESERVED0, fllm_card_pkg::LG_SZ_RESERVED0));
    f_act     = fld(pb, fllm_card_pkg::LG_OFF_ACT_ADDR, fllm_card_pkg::LG_SZ_ACT_ADDR);
    f_acts    = fld(pb, fllm_card_pkg::LG_OFF_ACT_STRIDE, fllm_card_pkg::LG_SZ_ACT_STRIDE);
    f_out     = fld(pb, fllm_card_pkg::LG_OFF_OUT_ADDR, fllm_card_pkg::LG_SZ_OUT_ADDR);
    f_outs    = fld(pb, fllm_card_pkg::LG_OFF_OUT_STRIDE, fllm_card_pkg::LG_SZ_OUT_STRIDE);
    for (int s = 0; s < 32; s++)
      slice_addr[64 * s +: 64] = fld(pb, fllm_card_pkg::LG_OFF_SLICE_ADDR + 8 * s, 8);
    f_res_nz = 1'b0;
    for (int i = 0; i < 8; i++)
      f_res_nz = f_res_nz | (fld(pb, fllm_card_pkg::LG_OFF_RESERVED + 8 * i, 8) != 64'd0);
    f_unused_nz = 1'b0;
    for (int s = 0; s < 32; s++)
      if (32'(s) >= 32'(f_slices) && slice_addr[64 * s +: 64] != 64'd0)
        f_unused_nz = 1'b1;
  end

  // ---------------- derived shape ----------------
  logic [3:0]  lgg;            // log2(g)
  logic [12:0] d_groups;
  logic [31:0] d_pl, d_rowb, d_xo, d_actb;
  logic [63:0] act_len, out_len;
  /* verilator lint_off UNUSEDSIGNAL */
  logic [24:0] div_rem;       // bit 24 stays 0: the remainder is below slices
  /* verilator lint_on UNUSEDSIGNAL */
  logic [24:0] div_quo;
  logic [4:0]  div_step;
  logic [5:0]  s_idx;
  logic        bad_align, bad_addr, bad_ovl;
  logic [255:0] s_bytes;  // the bytes of slices s_idx .. s_idx + 3

  always_comb begin
    lgg = lg_pkg::group_log2(f_group);
    for (int j = 0; j < 4; j++)
      s_bytes[64 * j +: 64] = (64'(div_quo) + 64'(s_idx + 6'(j) < div_rem[5:0])) * 64'(d_rowb);
  end

  // ---------------- command FSM ----------------
  assign c_araddr = params;
  assign c_arlen = 8'd5;
  assign c_arvalid = (st == S_AR);
  assign c_rready = (st == S_R);
  assign go = (st == S_GO);

  always_ff @(posedge clk) begin
    if (rst) begin
      st <= S_IDLE;
      finish <= 1'b0;
      err <= fllm_card_pkg::CARD_OK;
      beat <= '0;
      pb <= '0;
      cfg <= '0;
      d_groups <= '0;
      d_pl <= '0;
      d_rowb <= '0;
      d_xo <= '0;
      d_actb <= '0;
      act_len <= '0;
      out_len <= '0;
      div_rem <= '0;
      div_quo <= '0;
      div_step <= '0;
      s_idx <= '0;
      bad_align <= 1'b0;
      bad_addr <= 1'b0;
      bad_ovl <= 1'b0;
    end else begin
      finish <= 1'b0;
      case (st)
        S_IDLE: if (start_req) begin
          logic [7:0] e1;
          // numerics 6.1 step 1: the block's own size and placement
          e1 = lg_pkg::block_place_err(params, params_bytes, 64'(fllm_card_pkg::LG_PARAMS_BYTES), mem);
          err <= e1;
          beat <= '0;
          if (e1 == fllm_card_pkg::CARD_OK)
            st <= S_AR;
          else
            finish <= 1'b1;
        end
        S_AR: if (c_arready)
          st <= S_R;
        S_R: if (c_rvalid) begin
          pb[512 * beat +: 512] <= c_rdata;
          beat <= beat + 3'd1;
          if (c_rlast || beat == 3'd5)
            st <= S_FIELDS;
        end
        S_FIELDS: begin
          logic [7:0] e2;
          // steps 2-4: identity, reserved fields, shape, unused slices
          if (f_magic != fllm_card_pkg::LG_MAGIC || f_version != fllm_card_pkg::LG_VERSION)
            e2 = fllm_card_pkg::CARD_ERR_PARAM;
          else if ((f_flags & ~8'(fllm_card_pkg::LG_F_MASK)) != 8'd0 || f_res0 != 32'd0 || f_res_nz)
            e2 = fllm_card_pkg::CARD_ERR_FLAGS;
          else if (f_m == 32'd0 || f_m > fllm_card_pkg::LG_M_MAX || f_k == 32'd0 || f_k > fllm_card_pkg::LG_K_MAX ||
                   !(f_group == 16'd16 || f_group == 16'd32 || f_group == 16'd64 ||
                     f_group == 16'd128 || f_group == 16'd256) ||
                   f_planes == 8'd0 || f_planes > 8'(fllm_card_pkg::LG_Q_MAX) || f_n == 16'd0 ||
                   f_n > 16'(fllm_card_pkg::LG_N_MAX) || f_slices == 16'd0 || f_slices > 16'(fllm_card_pkg::LG_SLICES_MAX) ||
                   32'(f_slices) > f_m)
            e2 = fllm_card_pkg::CARD_ERR_PARAM;
          else if (f_unused_nz)
            e2 = fllm_card_pkg::CARD_ERR_FLAGS;
          else
            e2 = fllm_card_pkg::CARD_OK;
          err <= e2;
          // a rejected block goes to S_RUN with no engine started: done at once
          st <= (e2 == fllm_card_pkg::CARD_OK) ? S_DERIVE : S_RUN;
        end
        S_DERIVE: begin
          logic [12:0] gr;
          logic [31:0] se, pl;
          gr = 13'((f_k + 32'(f_group) - 32'd1) >> lgg);
          se = fllm_card_pkg::LG_ROW_HDR + 32'(gr) * (32'd4 + 32'd2 * 32'(f_planes));
          pl = (se + 32'd63) & ~32'd63;
          d_groups <= gr;
          d_pl <= pl;
          d_rowb <= (pl + ((32'(gr) * 32'(f_planes)) << (lgg - 4'd3)) + 32'd63) & ~32'd63;
          d_xo <= (fllm_card_pkg::LG_ACT_MSX + 32'd2 * 32'(gr) + 32'd63) & ~32'd63;
          d_actb <= (((fllm_card_pkg::LG_ACT_MSX + 32'd2 * 32'(gr) + 32'd63) & ~32'd63) + (32'(gr) << lgg) +
                     32'd63) & ~32'd63;
          st <= S_ROWB;
        end
        S_ROWB: begin
          if (f_rowb != d_rowb) begin
            err <= fllm_card_pkg::CARD_ERR_PARAM;
            st <= S_RUN;
          end else begin
            st <= S_DIV;
          end
          act_len <= (64'(f_n) - 64'd1) * f_acts + 64'(d_actb);
          out_len <= (64'(f_n) - 64'd1) * f_outs + 64'd4 * 64'(f_m);
          div_rem <= '0;
          div_quo <= f_m[24:0];
          div_step <= '0;
          cfg.m <= f_m[24:0];
          cfg.k <= f_k[16:0];
          cfg.g <= f_group[8:0];
          cfg.lgw <= 3'(lgg - 4'd3);
          cfg.q <= f_planes[3:0];
          cfg.offs <= f_flags[0];
          cfg.n <= f_n[5:0];
          cfg.slices <= f_slices[5:0];
          cfg.groups <= d_groups;
          cfg.ent <= 5'(8'd4 + 8'd2 * f_planes);
          cfg.gb <= 6'(32 / $signed(32'(f_n)));
          cfg.row_bytes <= d_rowb;
          cfg.pl_off <= d_pl;
          cfg.xq_off <= d_xo;
          cfg.act_addr <= f_act;
          cfg.act_stride <= f_acts;
          cfg.out_addr <= f_out;
          cfg.out_stride <= f_outs;
        end
        S_DIV: begin
          // restoring division m / slices, five quotient bits per cycle
          logic [24:0] r, q;
          r = div_rem;
          q = div_quo;
          for (int i = 0; i < 5; i++) begin
            r = {r[23:0], q[24]};
            q = {q[23:0], 1'b0};
            if (r >= 25'(f_slices)) begin
              r = r - 25'(f_slices);
              q[0] = 1'b1;
            end
          end
          div_rem <= r;
          div_quo <= q;
          div_step <= div_step + 5'd1;
          if (div_step == 5'd4) begin
            st <= S_CHK;
            s_idx <= '0;
            bad_align <= 1'b0;
            bad_addr <= 1'b0;
            bad_ovl <= 1'b0;
          end
        end
        S_CHK: begin
          // steps 5, 7, 8 for slices s_idx .. s_idx + 3; reported in priority order below
          if (s_idx == 6'd0) begin
            cfg.mq <= div_quo;
            cfg.mr <= div_rem[5:0];
          end
          for (int j = 0; j < 4; j++) begin
            logic [5:0] si;
            si = s_idx + 6'(j);
            if (si < f_slices[5:0]) begin
              if (slice_addr[64 * (si[4:0]) +: 6] != 6'd0)
                bad_align <= 1'b1;
              if (!lg_pkg::range_ok(slice_addr[64 * (si[4:0]) +: 64], s_bytes[64 * j +: 64], mem))
                bad_addr <= 1'b1;
              if (lg_pkg::overlap(cfg.out_addr, out_len, slice_addr[64 * (si[4:0]) +: 64], s_bytes[64 * j +: 64]))
                bad_ovl <= 1'b1;
            end
          end
          s_idx <= s_idx + 6'd4;
          if (s_idx + 6'd4 >= f_slices[5:0])
            st <= S_DECIDE;
        end
        S_DECIDE: begin
          st <= S_RUN;
          if (bad_align || f_act[5:0] != 6'd0 || f_out[5:0] != 6'd0 || f_acts[5:0] != 6'd0 ||
              f_outs[5:0] != 6'd0)
            err <= fllm_card_pkg::CARD_ERR_ALIGN;
          else if (f_acts < 64'(d_actb) || f_outs < 64'd4 * 64'(f_m))
            err <= fllm_card_pkg::CARD_ERR_SIZE;
          else if (f_acts > mem || f_outs > mem || !lg_pkg::range_ok(f_act, act_len, mem) ||
                   !lg_pkg::range_ok(f_out, out_len, mem) || bad_addr)
            err <= fllm_card_pkg::CARD_ERR_ADDR;
          else if (lg_pkg::overlap(f_out, out_len, f_act, act_len) || bad_ovl ||
                   lg_pkg::overlap(f_out, out_len, params, 64'(fllm_card_pkg::LG_PARAMS_BYTES)))
            err <= fllm_card_pkg::CARD_ERR_PARAM;
          else
            st <= S_GO;
        end
        S_GO: st <= S_RUN;
        S_RUN: if (eng_busy == '0) begin
          st <= S_IDLE;
          finish <= 1'b1;
        end
        default: st <= S_IDLE;
      endcase
    end
  end

endmodule
