// Walks the card-memory ranges one engine reads for a command, in order:
// for each tile of up to RT rows, for each K-block of up to gb groups:
//   every token's activation record (msx/ex header beats, then xq beats),
//   then every row of the tile (scale-entry beats, then bit-plane beats).
// A range is a run of whole beats [lo, hi) of one record; two ranges of a
// record that touch are merged. The engine runs two walkers over the same
// sequence: one issues the bursts, the other labels the returning beats.
module lg_walk (
    input  logic        clk,
    input  logic        rst,
    input  logic        start,
    input  logic        adv,          // the current range is consumed
    /* verilator lint_off UNUSEDSIGNAL */
    input  lg_pkg::cfg_t        cfg,
    /* verilator lint_on UNUSEDSIGNAL */
    input  logic [63:0] slice_base,   // this engine's slice
    input  logic [24:0] rows,         // rows of this engine's slice
    output logic        valid,        // a range is presented
    output logic        done,         // every range was consumed
    // the current range
    output logic        r_row,        // 1: row record, 0: activation record
    output logic [63:0] r_base,       // record address
    output logic [15:0] r_lo,
    output logic [15:0] r_hi,
    output logic        r_rec_last,   // last range of its record
    output logic [5:0]  r_n,          // token (activation ranges)
    output logic [8:0]  r_iloc,       // row within the tile (row ranges)
    output logic [24:0] r_iglob,      // row within the slice
    // the current K-block
    output logic [12:0] b_g0,
    output logic [12:0] b_g1,
    output logic        b_first,
    output logic        b_last,
    output logic [15:0] b_s_lo,
    output logic [15:0] b_p_lo,
    output logic [15:0] b_p_hi,
    output logic [15:0] b_x_lo,
    output logic [15:0] b_x_hi,
    output logic [5:0]  b_sbase,      // byte of the first scale entry in beat s_lo
    output logic [5:0]  b_xbase       // byte of the first xq in beat x_lo
);
  typedef enum logic [2:0] { W_IDLE, W_BLK, W_ACT, W_ROW, W_DONE } wst_t;

  wst_t        st;
  logic        sr;                   // second range of the record
  logic [24:0] t_row0;               // first row of the tile
  logic [63:0] tile_base, rbase, abase;
  logic [12:0] g0, g1;
  logic [5:0]  n;
  logic [8:0]  i;
  logic [15:0] h_lo, h_hi, x_lo, x_hi, s_lo, s_hi, p_lo, p_hi;
  logic [24:0] tile_rows;

  // block bounds from g0 (combinational, registered in W_BLK)
  logic [12:0] c_g1;
  logic [31:0] c_s0, c_s1, c_x0, c_x1, c_p0, c_p1, c_h0, c_h1;
  always_comb begin
    logic [12:0] ge;
    ge = g0 + 13'(cfg.gb);
    c_g1 = (ge > cfg.groups) ? cfg.groups : ge;
    c_h0 = 32'd8 + 32'd2 * 32'(g0);
    c_h1 = 32'd8 + 32'd2 * 32'(c_g1) + 32'd63;
    c_x0 = cfg.xq_off + (32'(g0) << (4'(cfg.lgw) + 4'd3));
    c_x1 = cfg.xq_off + (32'(c_g1) << (4'(cfg.lgw) + 4'd3)) + 32'd63;
    c_s0 = 32'd4 + 32'(g0) * 32'(cfg.ent);
    c_s1 = 32'd4 + 32'(c_g1) * 32'(cfg.ent) + 32'd63;
    c_p0 = cfg.pl_off + ((32'(g0) * 32'(cfg.q)) << cfg.lgw);
    c_p1 = cfg.pl_off + ((32'(c_g1) * 32'(cfg.q)) << cfg.lgw) + 32'd63;
    tile_rows = (rows - t_row0 > 25'(lg_pkg::RT)) ? 25'(lg_pkg::RT) : rows - t_row0;
  end

  assign valid = (st == W_ACT) || (st == W_ROW);
  assign done = (st == W_DONE);
  assign r_row = (st == W_ROW);
  assign r_base = r_row ? rbase : abase;
  assign r_n = n;
  assign r_iloc = i;
  assign r_iglob = t_row0 + 25'(i);
  assign b_g0 = g0;
  assign b_g1 = g1;
  assign b_first = (g0 == 13'd0);
  assign b_last = (g1 == cfg.groups);
  assign b_s_lo = s_lo;
  assign b_p_lo = p_lo;
  assign b_p_hi = p_hi;
  assign b_x_lo = x_lo;
  assign b_x_hi = x_hi;

  always_comb begin
    if (r_row) begin
      r_lo = sr ? p_lo : s_lo;
      r_hi = (sr || s_hi == p_lo) ? p_hi : s_hi;
      r_rec_last = sr || s_hi == p_lo;
    end else begin
      r_lo = sr ? x_lo : h_lo;
      r_hi = (sr || h_hi == x_lo) ? x_hi : h_hi;
      r_rec_last = sr || h_hi == x_lo;
    end
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      st <= W_IDLE;
      sr <= 1'b0;
      t_row0 <= '0;
      tile_base <= '0;
      rbase <= '0;
      abase <= '0;
      g0 <= '0;
      g1 <= '0;
      n <= '0;
      i <= '0;
      {h_lo, h_hi, x_lo, x_hi, s_lo, s_hi, p_lo, p_hi} <= '0;
      b_sbase <= '0;
      b_xbase <= '0;
    end else if (start) begin
      t_row0 <= '0;
      tile_base <= slice_base;
      g0 <= '0;
      st <= (rows == 25'd0) ? W_DONE : W_BLK;
    end else begin
      case (st)
        W_BLK: begin
          g1 <= c_g1;
          h_lo <= 16'(c_h0 >> 6);
          h_hi <= 16'(c_h1 >> 6);
          x_lo <= 16'(c_x0 >> 6);
          x_hi <= 16'(c_x1 >> 6);
          s_lo <= 16'(c_s0 >> 6);
          s_hi <= 16'(c_s1 >> 6);
          p_lo <= 16'(c_p0 >> 6);
          p_hi <= 16'(c_p1 >> 6);
          b_sbase <= c_s0[5:0];
          b_xbase <= c_x0[5:0];
          n <= '0;
          sr <= 1'b0;
          abase <= cfg.act_addr;
          st <= W_ACT;
        end
        W_ACT: if (adv) begin
          if (!r_rec_last) begin
            sr <= 1'b1;
          end else begin
            sr <= 1'b0;
            if (n + 6'd1 < cfg.n) begin
              n <= n + 6'd1;
              abase <= abase + cfg.act_stride;
            end else begin
              i <= '0;
              rbase <= tile_base;
              st <= W_ROW;
            end
          end
        end
        W_ROW: if (adv) begin
          if (!r_rec_last) begin
            sr <= 1'b1;
          end else begin
            sr <= 1'b0;
            if (25'(i) + 25'd1 < tile_rows) begin
              i <= i + 9'd1;
              rbase <= rbase + 64'(cfg.row_bytes);
            end else if (g1 != cfg.groups) begin
              g0 <= g1;
              st <= W_BLK;
            end else if (t_row0 + tile_rows >= rows) begin
              st <= W_DONE;
            end else begin
              t_row0 <= t_row0 + tile_rows;
              tile_base <= tile_base + 64'(cfg.row_bytes) * 64'(lg_pkg::RT);
              g0 <= '0;
              st <= W_BLK;
            end
          end
        end
        W_DONE, W_IDLE: ;
        default: st <= W_IDLE;
      endcase
    end
  end
endmodule
