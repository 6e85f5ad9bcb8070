// The tables of one engine (docs/numerics.md 3, step 1) and what they are
// built from. Per K-block it holds, for every (token, group) slot:
//   - the 256-entry table of each 8-input chunk, stored as the half table
//     m = 0..127 (table[255 - m] = -table[m]) in 12-bit entries;
//   - msx of the group and S_G, the sum of its xq;
// and ex of every token. TMEMS memories each hold the tables of one chunk
// position c = p mod (g/8); lane j reads memory j mod 32, so the 64 lanes
// get 64 reads per cycle from 32 dual-ported memories (lanes j and j+32
// share one). A memory word is 16 entries, so the builder writes 16
// entries per memory per cycle: one slot's tables in 8 cycles.
module lg_tables (
    input  logic        clk,
    input  logic        rst,
    /* verilator lint_off UNUSEDSIGNAL */
    input  lg_pkg::cfg_t        cfg,
    /* verilator lint_on UNUSEDSIGNAL */
    input  logic [12:0] g0,           // the K-block being loaded / used
    input  logic [12:0] g1,
    input  logic [5:0]  xbase,        // byte of the block's first xq in its first beat
    input  logic [15:0] wpt,          // xq beats per token in this block
    // activation record beats (header: ex and msx; body: xq)
    input  logic        hdr_we,
    input  logic [15:0] hdr_rb,       // beat index in the record
    input  logic [5:0]  hdr_n,
    input  logic        hdr_ex,       // this beat holds ex (beat 0 of block 0)
    input  logic [511:0] wdata,
    input  logic        xq_we,
    input  logic [7:0]  xq_widx,      // token * wpt + beat - x_lo
    // builder
    input  logic        build_go,
    output logic        build_busy,
    // lane lookups: issued at the engine's entry stage when ln_en (a plane
    // beat enters the pipeline), value one cycle later; held otherwise
    input  logic        ln_en,
    input  logic [8 * lg_pkg::LANES-1:0] ln_byte,
    input  logic [5 * lg_pkg::LANES-1:0] ln_slot,
    output logic signed [12 * lg_pkg::LANES-1:0] ln_val,
    // slot and token reads for the group finalisation (combinational)
    input  logic [5 * lg_pkg::PB-1:0] gs_slot,
    output logic [16 * lg_pkg::PB-1:0] gs_msx,
    output logic signed [17 * lg_pkg::PB-1:0] gs_sum,
    input  logic [4:0]  ex_n,
    output logic signed [31:0] ex_val
);
  /*verilator no_inline_module*/
  logic [511:0] abuf [lg_pkg::ABUF_BEATS];           // (token * wpt + beat) xq of the block
  logic [15:0]  msx_s [lg_pkg::TSLOT];               // (slot) msx of the group
  logic signed [16:0] sum_s [lg_pkg::TSLOT];         // (slot) S_G of the group
  logic signed [31:0] ex_s [fllm_card_pkg::LG_N_MAX];           // (token) ex

  // ---------------- stores from the activation records ----------------
  always_ff @(posedge clk) begin
    if (hdr_we) begin
      if (hdr_ex)
        ex_s[hdr_n[4:0]] <= wdata[31:0];
      // msx[G] is at record byte 8 + 2G: field f of beat rb is G = 32 rb + f - 4
      for (int f = 0; f < 32; f++) begin
        logic signed [19:0] gg;
        logic [12:0] gl;
        gg = 20'(32'(hdr_rb) * 32 + f - 4);
        gl = 13'(gg) - g0;
        if (gg >= 20'sd0 && 13'(gg) >= g0 && 13'(gg) < g1)
          msx_s[5'(32'(hdr_n) * 32'(cfg.gb) + 32'(gl))] <= wdata[f * 16 +: 16];
      end
    end
    if (xq_we)
      abuf[xq_widx] <= wdata;
  end

  assign ex_val = ex_s[ex_n];
  always_comb
    for (int j = 0; j < lg_pkg::PB; j++) begin
      gs_msx[16 * j +: 16] = msx_s[gs_slot[5 * j +: 5]];
      gs_sum[17 * j +: 17] = sum_s[gs_slot[5 * j +: 5]];
    end

  // ---------------- builder ----------------
  typedef enum logic [1:0] { B_IDLE, B_READ, B_PREP, B_BUILD } bst_t;
  bst_t        bst;
  logic [5:0]  bn;             // token
  logic [12:0] bgl;            // group within the block
  logic [2:0]  bw;             // beat of the slot being read (0..3)
  logic [2:0]  bh;             // table word being written (m[6:4])
  logic [2047:0] stage;    // the slot's xq beats
  logic [2047:0] xs;       // the slot's g inputs, k >= K forced to 0
  logic [4:0]  bslot;
  logic [2:0]  nw;             // beats per slot
  logic [17:0] woff;           // byte offset of the slot in the token's beats

  assign build_busy = (bst != B_IDLE);
  assign nw = (cfg.lgw >= 3'd3) ? 3'(4'd1 << (cfg.lgw - 3'd3)) : 3'd1;
  assign bslot = 5'(32'(bn) * 32'(cfg.gb) + 32'(bgl));
  assign woff = 18'(xbase) + (18'(bgl) << (4'(cfg.lgw) + 4'd3));

  always_ff @(posedge clk) begin
    if (rst) begin
      bst <= B_IDLE;
      bn <= '0;
      bgl <= '0;
      bw <= '0;
      bh <= '0;
    end else begin
      case (bst)
        B_IDLE: if (build_go) begin
          bn <= '0;
          bgl <= '0;
          bw <= '0;
          bst <= B_READ;
        end
        B_READ: begin
          stage[512 * (bw[1:0]) +: 512] <= abuf[8'(32'(bn) * 32'(wpt) + 32'(woff[17:6]) + 32'(bw))];
          bw <= bw + 3'd1;
          if (bw + 3'd1 == nw)
            bst <= B_PREP;
        end
        B_PREP: begin
          // the slot's g inputs: byte b of the slot is byte b + sh of its
          // beats, with sh != 0 only for g < 64 (lgw < 3: g = 16 or 32), so
          // only bytes b < 32 go through the byte shift (a 96-byte window);
          // inputs k >= K are 0. S_G as an adder tree.
          logic [767:0] win;
          logic [255:0] shf;
          logic [7:0]   sh;
          logic [17:0]  base, lim;
          logic [17 * 256-1:0] t;        // (b) 17-bit sums, tree levels in place
          sh = (cfg.lgw >= 3'd3) ? 8'd0 : 8'(woff[5:0]);
          win = stage[767:0];
          shf = 256'(win >> {sh[5:0], 3'd0});
          base = (18'(g0) + 18'(bgl)) * 18'(cfg.g);
          lim = (18'(cfg.k) > base) ? 18'(cfg.k) - base : 18'd0;
          for (int b = 0; b < 256; b++) begin
            logic [7:0] x;
            if (b < 32)
              x = shf[b * 8 +: 8];
            else
              x = (sh == 8'd0) ? stage[b * 8 +: 8] : 8'd0;
            if (b >= 32'(cfg.g) || 18'(b) >= lim)
              x = 8'd0;
            xs[8 * b +: 8] <= x;
            t[17 * b +: 17] = 17'($signed(x));
          end
          for (int w = 128; w >= 1; w = w / 2)
            for (int i = 0; i < w; i++)
              t[17 * i +: 17] = t[17 * (2 * i) +: 17] + t[17 * (2 * i + 1) +: 17];
          sum_s[bslot] <= $signed(t[16:0]);
          bh <= '0;
          bst <= B_BUILD;
        end
        B_BUILD: begin
          bh <= bh + 3'd1;
          if (bh == 3'd7) begin
            bw <= '0;
            if (bgl + 13'd1 < g1 - g0) begin
              bgl <= bgl + 13'd1;
              bst <= B_READ;
            end else if (bn + 6'd1 < cfg.n) begin
              bgl <= '0;
              bn <= bn + 6'd1;
              bst <= B_READ;
            end else begin
              bst <= B_IDLE;
            end
          end
        end
        default: bst <= B_IDLE;
      endcase
    end
  end

  // ---------------- table words of the slot being built ----------------
  logic [192 * lg_pkg::TMEMS-1:0] bword;    // (memory) 16 entries with m[6:4] = bh
  always_comb
    for (int p = 0; p < lg_pkg::TMEMS; p++) begin
      logic [4:0] c;
      logic signed [11:0] hi, lo;
      c = 5'(p) & 5'((32'd1 << cfg.lgw) - 1);
      // bit 7 of a half-table index is 0: input 7 always counts as -1
      hi = -(12'($signed(xs[8 * (8 * c + 7) +: 8])));
      for (int j = 4; j < 7; j++)
        hi = bh[j - 4] ? hi + 12'($signed(xs[8 * (8 * c + j) +: 8])) : hi - 12'($signed(xs[8 * (8 * c + j) +: 8]));
      for (int e = 0; e < 16; e++) begin
        lo = '0;
        for (int j = 0; j < 4; j++)
          lo = e[j] ? lo + 12'($signed(xs[8 * (8 * c + j) +: 8])) : lo - 12'($signed(xs[8 * (8 * c + j) +: 8]));
        bword[192 * p + e * 12 +: 12] = hi + lo;
      end
    end

  // ---------------- the memories and the lane lookups ----------------
  // memory p holds chunk p mod (g/8); it serves lanes p and p + 32 (two
  // ports). Each port is a plain registered read of a whole word (what
  // block RAM and URAM do): port 0 shares its address with the builder's
  // write (the builder and the lookups never run in the same cycle: the
  // engine issues no lookup while it builds), port 1 only reads. The word
  // and which entry of it to take are registered at ln_en; the entry is
  // selected and its sign folded after the register, so ln_val is the same
  // value one cycle after ln_en as before, and held otherwise.
  for (genvar p = 0; p < lg_pkg::TMEMS; p++) begin : g_mem
    logic [191:0] mem [lg_pkg::TWORDS];      // (slot * 8 + m[6:4]) 16 entries of 12 bits
    logic [7:0]   by0, by1;
    logic [6:0]   mh0, mh1;
    logic [7:0]   a0, a1;
    logic [191:0] w0, w1;
    logic [3:0]   e0, e1;
    logic         n0, n1;
    logic         we;
    assign by0 = ln_byte[8 * p +: 8];
    assign by1 = ln_byte[8 * (p + 32) +: 8];
    assign mh0 = by0[7] ? ~by0[6:0] : by0[6:0];
    assign mh1 = by1[7] ? ~by1[6:0] : by1[6:0];
    assign we = (bst == B_BUILD);
    assign a0 = we ? {bslot, bh} : {ln_slot[5 * p +: 5], mh0[6:4]};
    assign a1 = {ln_slot[5 * (p + 32) +: 5], mh1[6:4]};
    always_ff @(posedge clk) begin
      if (we)
        mem[a0] <= bword[192 * p +: 192];
      if (ln_en)
        w0 <= mem[a0];
    end
    always_ff @(posedge clk)
      if (ln_en)
        w1 <= mem[a1];
    always_ff @(posedge clk)
      if (ln_en) begin
        e0 <= mh0[3:0];
        e1 <= mh1[3:0];
        n0 <= by0[7];
        n1 <= by1[7];
      end
    always_comb begin
      logic signed [11:0] v0, v1;
      v0 = w0[32'(e0) * 12 +: 12];
      v1 = w1[32'(e1) * 12 +: 12];
      ln_val[12 * p +: 12] = n0 ? -v0 : v0;
      ln_val[12 * (p + 32) +: 12] = n1 ? -v1 : v1;
    end
  end
endmodule
