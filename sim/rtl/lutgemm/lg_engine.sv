// One LUT-GEMM engine: the rows of one slice, through one 512-bit AXI4
// port (reads: activation records and row records; writes: outputs).
//
// Request side: walker A issues bursts (at most 64 beats, never across a
// 4 KB boundary) while the read FIFO has room for them. Data side: walker B
// labels every returning beat. Activation beats fill the table module; at
// the end of a K-block's activations the builder makes its tables. Scale
// beats of a row go to the scale buffer. Each bit-plane beat then passes the
// pipeline once per token (and, for g < 64, in 2 or 4 sub-beats of 8 plane
// blocks):
//   E   block/plane bookkeeping, scale reads, 64 table lookups issued
//   P1  lookups back; plane sums T of up to 8 plane blocks (adder tree)
//   P2  a_i * T_i
//   P3  sums per group, carried across beats per token; groups that end
//   P4  + zq * S_G; msx
//   P5  msx * acc_G
//   P6  rshift_round by d, summed over the groups that ended
//   P7  y_acc of (row, token): in registers within a row, on chip across K-blocks
//   P8  fp32 conversion; then a write combiner merges outputs of one beat
`include "cu_ports.svh"

module lg_engine #(
    parameter int unsigned RDEPTH = 256,
    parameter int unsigned WDEPTH = 64
) (
    input  logic        clk,
    input  logic        rst,
    input  logic        go,
    /* verilator lint_off UNUSEDSIGNAL */
    input  lg_pkg::cfg_t        cfg,
    /* verilator lint_on UNUSEDSIGNAL */
    input  logic [63:0] slice_base,
    input  logic [5:0]  eng,
    output logic        busy,
    // AXI4 reads; writes are single-beat bursts with byte strobes
    `CU_MEM_PORTS(1)
);
  /*verilator no_inline_module*/
  logic        running;
  logic [24:0] rows;
  assign rows = (eng < cfg.slices) ? cfg.mq + 25'(eng < cfg.mr) : 25'd0;
  assign busy = running;

  // ======================= request side =======================
  logic        wa_valid, wa_adv;
  logic [63:0] wa_base;
  logic [15:0] wa_lo, wa_hi;
  /* verilator lint_off PINCONNECTEMPTY */
  lg_walk walk_a (
    .clk, .rst, .start(go), .adv(wa_adv), .cfg, .slice_base, .rows,
    .valid(wa_valid), .done(), .r_row(), .r_base(wa_base), .r_lo(wa_lo),
    .r_hi(wa_hi), .r_rec_last(), .r_n(), .r_iloc(), .r_iglob(), .b_g0(), .b_g1(),
    .b_first(), .b_last(), .b_s_lo(), .b_p_lo(), .b_p_hi(), .b_x_lo(), .b_x_hi(),
    .b_sbase(), .b_xbase()
  );
  /* verilator lint_on PINCONNECTEMPTY */

  logic [15:0] ar_off;
  logic [$clog2(RDEPTH):0] inflight, rcount;
  logic [15:0] ar_rem, ar_len;
  logic [6:0]  ar_to4k;
  always_comb begin
    m_araddr = wa_base + 64'({wa_lo + ar_off, 6'd0});
    ar_rem = wa_hi - wa_lo - ar_off;
    ar_to4k = 7'd64 - 7'(m_araddr[11:6]);
    ar_len = (ar_rem > 16'(ar_to4k)) ? 16'(ar_to4k) : ar_rem;
    m_arlen = 8'(ar_len - 16'd1);
    m_arvalid = running && wa_valid &&
                32'(inflight) + 32'(rcount) + 32'(ar_len) <= RDEPTH;
    wa_adv = m_arvalid && m_arready && ar_off + ar_len == wa_hi - wa_lo;
  end

  // ======================= read data FIFO =======================
  logic         rf_pop, rf_ne;
  logic [511:0] rf_data;
  assign m_rready = 1'b1;    // the credit check above reserved the room
  lg_fifo #(.W(512), .DEPTH(RDEPTH)) rfifo (
    .clk, .rst, .push(m_rvalid), .din(m_rdata), .pop(rf_pop), .dout(rf_data),
    .nonempty(rf_ne), .count(rcount)
  );

  always_ff @(posedge clk) begin
    if (rst || go) begin
      ar_off <= '0;
      inflight <= '0;
    end else begin
      if (m_arvalid && m_arready)
        ar_off <= wa_adv ? 16'd0 : ar_off + ar_len;
      inflight <= inflight + (m_arvalid && m_arready ? ($clog2(RDEPTH) + 1)'(ar_len) : '0) -
                  ($clog2(RDEPTH) + 1)'(m_rvalid);
    end
  end

  // ======================= data side: walker B and the entry stage =======================
  logic        wb_valid, wb_done, wb_adv, wb_row, wb_rl, wb_bf, wb_bl;
  logic [15:0] wb_lo, wb_hi, wb_s_lo, wb_p_lo, wb_p_hi, wb_x_lo, wb_x_hi;
  logic [5:0]  wb_n, wb_sbase, wb_xbase;
  logic [8:0]  wb_iloc;
  logic [24:0] wb_iglob;
  logic [12:0] wb_g0, wb_g1;
  /* verilator lint_off PINCONNECTEMPTY */
  lg_walk walk_b (
    .clk, .rst, .start(go), .adv(wb_adv), .cfg, .slice_base, .rows,
    .valid(wb_valid), .done(wb_done), .r_row(wb_row), .r_base(), .r_lo(wb_lo),
    .r_hi(wb_hi), .r_rec_last(wb_rl), .r_n(wb_n), .r_iloc(wb_iloc), .r_iglob(wb_iglob),
    .b_g0(wb_g0), .b_g1(wb_g1), .b_first(wb_bf), .b_last(wb_bl), .b_s_lo(wb_s_lo),
    .b_p_lo(wb_p_lo), .b_p_hi(wb_p_hi), .b_x_lo(wb_x_lo), .b_x_hi(wb_x_hi),
    .b_sbase(wb_sbase), .b_xbase(wb_xbase)
  );
  /* verilator lint_on PINCONNECTEMPTY */

  typedef enum logic { E_RUN, E_BUILD } est_t;
  est_t        e_st;
  logic [15:0] e_off, rb;
  logic [5:0]  pn;                       // token of the pass
  logic [1:0]  psb;                      // sub-beat of the pass
  logic [12:0] cur_bG;                   // group / plane of the next plane beat's block 0
  logic [3:0]  cur_bi;
  logic [511:0] sbuf [16];               // (beat - s_lo) scale entries of the row's block
  logic [15:0] e_row [lg_pkg::RT];               // (row in tile) E_r
  logic        pipe_empty, wcredit, build_busy;
  logic        is_scl, is_pl, f_ok, act_go, scl_go, pl_go, last_pass, build_go;
  logic [2:0]  nsb;
  logic [3:0]  nbe;
  logic [6:0]  nb;

  always_comb begin
    nb = 7'd64 >> cfg.lgw;
    nsb = (cfg.lgw == 3'd1) ? 3'd4 : (cfg.lgw == 3'd2) ? 3'd2 : 3'd1;
    nbe = (nb > 7'd8) ? 4'd8 : 4'(nb);
    rb = wb_lo + e_off;
    is_scl = wb_row && rb < 16'(cfg.pl_off >> 6);
    is_pl = wb_row && !is_scl;
    f_ok = running && rf_ne && wb_valid && e_st == E_RUN;
    act_go = f_ok && !wb_row && pipe_empty;
    scl_go = f_ok && is_scl;
    pl_go = f_ok && is_pl && wcredit;
    last_pass = (pn + 6'd1 == cfg.n) && (3'(psb) + 3'd1 == nsb);
    rf_pop = act_go || scl_go || (pl_go && last_pass);
    wb_adv = rf_pop && rb + 16'd1 == wb_hi;
    build_go = act_go && wb_n + 6'd1 == cfg.n && wb_rl && rb + 16'd1 == wb_hi;
  end

  // ---- plane-block bookkeeping of the pass (E) ----
  logic [12:0] bG, Gf, Gstart;
  /* verilator lint_off UNUSEDSIGNAL */
  logic [12:0] gl_base;          // group 0 of the pass within the block (< 32)
  /* verilator lint_on UNUSEDSIGNAL */
  logic [3:0]  bi, if_, istart;
  logic [4:0]  qnb, rnb;
  logic [lg_pkg::PB-1:0]        e_valid;
  logic [3 * lg_pkg::PB-1:0]   e_gd, e_i;
  logic [5 * lg_pkg::PB-1:0]   e_gl, e_gslot;
  logic [16 * lg_pkg::PB-1:0]  e_a, e_zq;
  logic [8 * lg_pkg::PB-1:0]   e_d;
  logic [8 * lg_pkg::LANES-1:0] ln_byte;
  logic [5 * lg_pkg::LANES-1:0] ln_slot;
  logic        e_cont;

  always_comb begin
    logic [15:0] gq, dd;
    logic [4:0]  tmp;
    qnb = 5'(nb / 7'(cfg.q));
    rnb = 5'(nb % 7'(cfg.q));
    gq = 16'(wb_g0) * 16'(cfg.q);
    dd = gq & (16'(nb) - 16'd1);
    Gstart = wb_g0 - 13'((dd + 16'(cfg.q) - 16'd1) / 16'(cfg.q));
    istart = (dd % 16'(cfg.q) == 16'd0) ? 4'd0 : 4'(16'(cfg.q) - dd % 16'(cfg.q));
    bG = (rb == wb_p_lo) ? Gstart : cur_bG;
    bi = (rb == wb_p_lo) ? istart : cur_bi;
    tmp = 5'(bi) + 5'({psb, 3'd0});
    Gf = bG + 13'(5'(tmp / 5'(cfg.q)));
    if_ = 4'(tmp % 5'(cfg.q));
    gl_base = Gf - wb_g0;
    for (int t = 0; t < lg_pkg::PB; t++) begin
      logic [4:0]  tt;
      logic [12:0] gt;
      logic [10:0] off;
      tt = 5'(if_) + 5'(t);
      e_gd[3 * t +: 3] = 3'(tt / 5'(cfg.q));
      e_i[3 * t +: 3] = 3'(tt % 5'(cfg.q));
      gt = Gf + 13'(e_gd[3 * t +: 3]);
      e_valid[t] = (4'(t) < nbe) && gt >= wb_g0 && gt < wb_g1;
      e_gl[5 * t +: 5] = 5'(gt - wb_g0);
      off = 11'(wb_sbase) + 11'(e_gl[5 * t +: 5]) * 11'(cfg.ent) + 11'd4 + 11'({e_i[3 * t +: 3], 1'b0});
      e_a[16 * t +: 16] = sbuf[off[9:6]][32'(off[5:0]) * 8 +: 16];
      // group j of the pass (finalisation data)
      off = 11'(wb_sbase) + 11'(5'(gl_base[4:0] + 5'(t))) * 11'(cfg.ent);
      e_d[8 * t +: 8] = sbuf[off[9:6]][32'(off[5:0]) * 8 +: 8];
      off = off + 11'd2;
      e_zq[16 * t +: 16] = cfg.offs ? sbuf[off[9:6]][32'(off[5:0]) * 8 +: 16] : 16'd0;
      e_gslot[5 * t +: 5] = 5'(32'(pn) * 32'(cfg.gb) + 32'(gl_base[4:0]) + t);
    end
    e_cont = e_valid[0] && e_i[0 +: 3] != 3'd0;
    for (int j = 0; j < lg_pkg::LANES; j++) begin
      logic [2:0] t;
      t = 3'((j >> cfg.lgw) & 7);
      ln_byte[8 * j +: 8] = rf_data[j * 8 +: 8];
      ln_slot[5 * j +: 5] = 5'(32'(pn) * 32'(cfg.gb) + 32'(e_gl[5 * t +: 5]));
    end
  end

  always_ff @(posedge clk) begin
    if (rst || go) begin
      e_st <= E_RUN;
      e_off <= '0;
      pn <= '0;
      psb <= '0;
      cur_bG <= '0;
      cur_bi <= '0;
    end else begin
      if (rf_pop)
        e_off <= wb_adv ? 16'd0 : e_off + 16'd1;
      if (build_go)
        e_st <= E_BUILD;
      else if (e_st == E_BUILD && !build_busy)
        e_st <= E_RUN;
      if (scl_go) begin
        sbuf[4'(rb - wb_s_lo)] <= rf_data;
        if (rb == 16'd0)
          e_row[wb_iloc[7:0]] <= rf_data[15:0];
      end
      if (pl_go) begin
        if (last_pass) begin
          logic [4:0] ni;
          ni = 5'(bi) + rnb;
          pn <= '0;
          psb <= '0;
          if (ni >= 5'(cfg.q)) begin
            cur_bi <= 4'(ni - 5'(cfg.q));
            cur_bG <= bG + 13'(qnb) + 13'd1;
          end else begin
            cur_bi <= 4'(ni);
            cur_bG <= bG + 13'(qnb);
          end
        end else if (3'(psb) + 3'd1 == nsb) begin
          psb <= '0;
          pn <= pn + 6'd1;
        end else begin
          psb <= psb + 2'd1;
        end
      end
    end
  end

  // ======================= tables =======================
  logic signed [12 * lg_pkg::LANES-1:0] ln_val;
  logic [5 * lg_pkg::PB-1:0]  gs_slot;
  logic [16 * lg_pkg::PB-1:0] gs_msx;
  logic signed [17 * lg_pkg::PB-1:0] gs_sum;
  logic [4:0]  ex_n;
  logic signed [31:0] ex_val;
  lg_tables tables (
    .clk, .rst, .cfg, .g0(wb_g0), .g1(wb_g1), .xbase(wb_xbase), .wpt(wb_x_hi - wb_x_lo),
    .hdr_we(act_go && rb < 16'(cfg.xq_off >> 6)), .hdr_rb(rb), .hdr_n(wb_n),
    .hdr_ex(wb_bf && rb == 16'd0), .wdata(rf_data),
    .xq_we(act_go && rb >= 16'(cfg.xq_off >> 6)),
    .xq_widx(8'(32'(wb_n) * (32'(wb_x_hi) - 32'(wb_x_lo)) + 32'(rb) - 32'(wb_x_lo))),
    .build_go, .build_busy, .ln_en(pl_go), .ln_byte, .ln_slot, .ln_val, .gs_slot, .gs_msx, .gs_sum,
    .ex_n, .ex_val
  );

  // ======================= pipeline =======================
  typedef struct packed {
    logic        v;
    logic [4:0]  n;
    logic [8:0]  iloc;
    logic [24:0] iglob;
    logic        rf, rl, bf, bl;
  } tag_t;

  tag_t t1, t2, t3, t4, t5, t6, t7, t8;
  logic [1:0]           p1_sb;
  logic [lg_pkg::PB-1:0]        p1_valid, p2_valid, p3_valid;
  logic [3 * lg_pkg::PB-1:0]   p1_gd, p2_gd, p3_gd, p1_i, p2_i, p3_i;
  logic [16 * lg_pkg::PB-1:0]  p1_a, p2_a;
  logic [16 * lg_pkg::PB-1:0]  p1_zq, p2_zq, p3_zq, p4_zq;
  logic [8 * lg_pkg::PB-1:0]   p1_d, p2_d, p3_d, p4_d, p5_d, p6_d;
  logic [5 * lg_pkg::PB-1:0]   p1_sl, p2_sl, p3_sl, p4_sl;
  logic                 p1_cont, p2_cont, p3_cont;
  logic signed [18 * lg_pkg::PB-1:0] p2_T;
  logic signed [34 * lg_pkg::PB-1:0] p3_prod;
  logic signed [40 * lg_pkg::PB-1:0] p4_S, p5_acc;
  logic [lg_pkg::PB-1:0]        p4_end, p5_end, p6_end;
  logic [16 * lg_pkg::PB-1:0]  p5_msx;
  logic signed [64 * lg_pkg::PB-1:0] p6_p;
  logic signed [63:0]   p7_dy, p8_dy;
  logic signed [39:0]   acc_open [fllm_card_pkg::LG_N_MAX];   // (token) partial acc_G of the open group
  logic signed [63:0]   yrun [fllm_card_pkg::LG_N_MAX];       // (token) y_acc of the row in flight
  logic signed [63:0]   ymem [lg_pkg::RT * fllm_card_pkg::LG_N_MAX];  // (row in tile, token) y_acc across K-blocks
  logic signed [63:0]   ymem_rd;
  logic                 o_v;               // P8: an output to convert
  logic signed [63:0]   o_y;
  logic signed [35:0]   o_shift;
  logic [63:0]          o_addr;

  assign pipe_empty = !(t1.v || t2.v || t3.v || t4.v || t5.v || t6.v || t7.v || t8.v || o_v);
  assign gs_slot = p4_sl;
  assign ex_n = t8.n;

  // P1: plane sums of the pass's plane blocks (adder tree over the lanes)
  logic signed [415:0] l1;
  logic signed [223:0] l2;
  logic signed [119:0]  l3;
  logic signed [63:0]  l4;
  logic signed [33:0]  l5;
  logic signed [18 * lg_pkg::PB-1:0] c_T;
  always_comb begin
    for (int j = 0; j < 32; j++)
      l1[13 * j +: 13] = 13'($signed(ln_val[12 * (2 * j) +: 12])) + 13'($signed(ln_val[12 * (2 * j + 1) +: 12]));
    for (int j = 0; j < 16; j++)
      l2[14 * j +: 14] = 14'($signed(l1[13 * (2 * j) +: 13])) + 14'($signed(l1[13 * (2 * j + 1) +: 13]));
    for (int j = 0; j < 8; j++)
      l3[15 * j +: 15] = 15'($signed(l2[14 * (2 * j) +: 14])) + 15'($signed(l2[14 * (2 * j + 1) +: 14]));
    for (int j = 0; j < 4; j++)
      l4[16 * j +: 16] = 16'($signed(l3[15 * (2 * j) +: 15])) + 16'($signed(l3[15 * (2 * j + 1) +: 15]));
    for (int j = 0; j < 2; j++)
      l5[17 * j +: 17] = 17'($signed(l4[16 * (2 * j) +: 16])) + 17'($signed(l4[16 * (2 * j + 1) +: 16]));
    for (int t = 0; t < lg_pkg::PB; t++) begin
      case (cfg.lgw)
        3'd1: c_T[18 * t +: 18] = 18'($signed(l1[13 * ({p1_sb, 3'(t)}) +: 13]));
        3'd2: c_T[18 * t +: 18] = 18'($signed(l2[14 * ({p1_sb[0], 3'(t)}) +: 14]));
        3'd3: c_T[18 * t +: 18] = 18'($signed(l3[15 * t +: 15]));
        3'd4: c_T[18 * t +: 18] = (t < 4) ? 18'($signed(l4[16 * (t & 3) +: 16])) : 18'sd0;
        default: c_T[18 * t +: 18] = (t < 2) ? 18'($signed(l5[17 * (t & 1) +: 17])) : 18'sd0;
      endcase
    end
  end

  // P3: sums per group of the pass, the open group carried per token
  logic signed [40 * lg_pkg::PB-1:0] c_S;
  logic [lg_pkg::PB-1:0]        c_end;
  logic                 c_open_we;
  logic signed [39:0]   c_open;
  always_comb begin
    c_open_we = 1'b0;
    c_open = '0;
    for (int j = 0; j < lg_pkg::PB; j++) begin
      c_S[40 * j +: 40] = (j == 0 && p3_cont) ? acc_open[t3.n] : 40'sd0;
      c_end[j] = 1'b0;
      for (int t = 0; t < lg_pkg::PB; t++)
        if (p3_valid[t] && 32'(p3_gd[3 * t +: 3]) == j) begin
          c_S[40 * j +: 40] = c_S[40 * j +: 40] + 40'($signed(p3_prod[34 * t +: 34]));
          if (4'(p3_i[3 * t +: 3]) == cfg.q - 4'd1)
            c_end[j] = 1'b1;
        end
    end
    for (int t = 0; t < lg_pkg::PB; t++)
      if (p3_valid[t]) begin
        c_open_we = 4'(p3_i[3 * t +: 3]) != cfg.q - 4'd1;
        c_open = c_S[40 * (p3_gd[3 * t +: 3]) +: 40];
      end
  end

  // P6: aligned group contributions summed
  logic signed [63:0] c_dy;
  always_comb begin
    c_dy = '0;
    for (int j = 0; j < lg_pkg::PB; j++)
      if (p6_end[j])
        c_dy = c_dy + lg_pkg::rshift_round(p6_p[64 * j +: 64], p6_d[8 * j +: 8]);
  end

  always_ff @(posedge clk) begin
    if (rst || go) begin
      t1 <= '0; t2 <= '0; t3 <= '0; t4 <= '0; t5 <= '0; t6 <= '0; t7 <= '0; t8 <= '0;
      o_v <= 1'b0;
    end else begin
      // E -> P1
      t1.v <= pl_go;
      t1.n <= pn[4:0];
      t1.iloc <= wb_iloc;
      t1.iglob <= wb_iglob;
      t1.rf <= rb == wb_p_lo && psb == 2'd0;
      t1.rl <= rb + 16'd1 == wb_p_hi && 3'(psb) + 3'd1 == nsb;
      t1.bf <= wb_bf;
      t1.bl <= wb_bl;
      p1_sb <= psb;
      p1_valid <= e_valid;
      p1_gd <= e_gd;
      p1_i <= e_i;
      p1_a <= e_a;
      p1_zq <= e_zq;
      p1_d <= e_d;
      p1_sl <= e_gslot;
      p1_cont <= e_cont;
      // P1 -> P2
      t2 <= t1;
      p2_T <= c_T;
      p2_valid <= p1_valid; p2_gd <= p1_gd; p2_i <= p1_i; p2_a <= p1_a; p2_zq <= p1_zq;
      p2_d <= p1_d; p2_sl <= p1_sl; p2_cont <= p1_cont;
      // P2 -> P3
      t3 <= t2;
      for (int t = 0; t < lg_pkg::PB; t++)
        p3_prod[34 * t +: 34] <= 34'($signed(p2_a[16 * t +: 16])) * 34'($signed(p2_T[18 * t +: 18]));
      p3_valid <= p2_valid; p3_gd <= p2_gd; p3_i <= p2_i; p3_zq <= p2_zq; p3_d <= p2_d;
      p3_sl <= p2_sl; p3_cont <= p2_cont;
      // P3 -> P4
      t4 <= t3;
      p4_S <= c_S;
      p4_end <= c_end;
      p4_zq <= p3_zq; p4_d <= p3_d; p4_sl <= p3_sl;
      if (t3.v && c_open_we)
        acc_open[t3.n] <= c_open;
      // P4 -> P5
      t5 <= t4;
      for (int j = 0; j < lg_pkg::PB; j++) begin
        p5_acc[40 * j +: 40] <= p4_S[40 * j +: 40] + 40'($signed(p4_zq[16 * j +: 16])) * 40'($signed(gs_sum[17 * j +: 17]));
        p5_msx[16 * j +: 16] <= gs_msx[16 * j +: 16];
      end
      p5_end <= p4_end; p5_d <= p4_d;
      // P5 -> P6
      t6 <= t5;
      for (int j = 0; j < lg_pkg::PB; j++)
        p6_p[64 * j +: 64] <= 64'($signed({1'b0, p5_msx[16 * j +: 16]})) * 64'($signed(p5_acc[40 * j +: 40]));
      p6_end <= p5_end; p6_d <= p5_d;
      // P6 -> P7
      t7 <= t6;
      p7_dy <= c_dy;
      // P7 -> P8 (y_acc of the row; the read of an earlier K-block's value)
      t8 <= t7;
      p8_dy <= p7_dy;
      ymem_rd <= ymem[{t7.iloc[7:0], t7.n}];
      // P8: accumulate, then store or emit
      o_v <= 1'b0;
      if (t8.v) begin
        logic signed [63:0] y;
        y = (t8.rf ? (t8.bf ? 64'sd0 : ymem_rd) : yrun[t8.n]) + p8_dy;
        yrun[t8.n] <= y;
        if (t8.rl) begin
          if (t8.bl) begin
            o_v <= 1'b1;
            o_y <= y;
            o_shift <= 36'($signed(e_row[t8.iloc[7:0]])) + 36'(ex_val);
            o_addr <= cfg.out_addr + 64'(t8.n) * cfg.out_stride +
                      64'({25'(eng) + 25'(cfg.slices) * t8.iglob, 2'b00});
          end else begin
            ymem[{t8.iloc[7:0], t8.n}] <= y;
          end
        end
      end
    end
  end

  // ======================= output: conversion, combiner, write port =======================
  logic         cb_v, c_v;
  logic [57:0]  cb_beat, c_beat;
  logic [511:0] cb_data;
  logic [63:0]  cb_strb;
  logic [31:0]  c_f;
  logic [5:0]   c_off;
  logic         wf_push, wf_pop, wf_ne, aw_sent, w_sent, finish;
  logic [57+512+64:0] wf_out;
  logic [$clog2(WDEPTH):0] wcount;
  logic [15:0]  b_out;
  logic         flush;

  lg_fifo #(.W(58 + 512 + 64), .DEPTH(WDEPTH)) wfifo (
    .clk, .rst, .push(wf_push), .din({cb_beat, cb_data, cb_strb}), .pop(wf_pop),
    .dout(wf_out), .nonempty(wf_ne), .count(wcount)
  );
  assign wcredit = 32'(wcount) + 16 <= WDEPTH;

  always_ff @(posedge clk) begin
    if (rst || go) begin
      c_v <= 1'b0;
    end else begin
      c_v <= o_v;
      c_f <= lg_pkg::to_f32(o_y, o_shift);
      c_beat <= o_addr[63:6];
      c_off <= o_addr[5:0];
    end
  end

  // flush once every output of the command has reached the combiner
  assign flush = wb_done && e_st == E_RUN && pipe_empty && !c_v && cb_v;
  assign wf_push = (c_v && cb_v && c_beat != cb_beat) || flush;

  always_ff @(posedge clk) begin
    if (rst || go) begin
      cb_v <= 1'b0;
      cb_strb <= '0;
    end else if (c_v) begin
      if (cb_v && c_beat == cb_beat) begin
        cb_data[32'(c_off) * 8 +: 32] <= c_f;
        cb_strb[c_off +: 4] <= 4'hf;
      end else begin
        cb_v <= 1'b1;
        cb_beat <= c_beat;
        cb_data <= '0;
        cb_data[32'(c_off) * 8 +: 32] <= c_f;
        cb_strb <= 64'hf << c_off;
      end
    end else if (flush) begin
      cb_v <= 1'b0;
    end
  end

  assign m_awvalid = wf_ne && !aw_sent;
  assign m_wvalid = wf_ne && !w_sent;
  assign m_awaddr = {wf_out[57 + 512 + 64 -: 58], 6'd0};
  assign m_wdata = wf_out[64 +: 512];
  assign m_wstrb = wf_out[63:0];
  assign m_bready = 1'b1;
  assign wf_pop = wf_ne && (aw_sent || m_awready) && (w_sent || m_wready);

  assign finish = running && wb_done && e_st == E_RUN && pipe_empty && !c_v && !cb_v &&
                  !wf_ne && b_out == 16'd0;

  always_ff @(posedge clk) begin
    if (rst) begin
      running <= 1'b0;
      aw_sent <= 1'b0;
      w_sent <= 1'b0;
      b_out <= '0;
    end else begin
      if (go)
        running <= 1'b1;
      else if (finish)
        running <= 1'b0;
      if (wf_pop) begin
        aw_sent <= 1'b0;
        w_sent <= 1'b0;
      end else begin
        if (m_awvalid && m_awready)
          aw_sent <= 1'b1;
        if (m_wvalid && m_wready)
          w_sent <= 1'b1;
      end
      b_out <= b_out + 16'(wf_pop) - 16'(m_bvalid);
    end
  end
endmodule
