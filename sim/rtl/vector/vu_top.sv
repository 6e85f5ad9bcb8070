// The vector unit (FLLM_CU_VECTOR, FLLM_OP_VECTOR): bit-exact with the
// golden model hls/vector*.c (docs/numerics.md "Vector unit"). One FSM
// runs the command: the block's placement checks, its fetch over the
// control port, its validation in the C's order, then row after row:
// load, compute, store. Row buffers x and y are 512-bit words (16 fp32
// elements each), read one word per cycle through registered read ports
// whose address is the word of the next cycle's elements, so a pass takes
// VL elements a cycle with no read cycle per word. The per-element
// divisions (sigmoid, quantizer) are pipelined (vu_pdiv); the per-command
// and per-row ones share the sequential vu_div.
// docs/rtl.md section 5 has the block diagram, the states and the cycles.
`include "cu_ports.svh"

module vu_top (
    // AXI4-Lite control slave (cu_regs)
    `CU_REG_PORTS,
    // control read port: the 128-byte parameter block
    `CU_CTL_PORTS,
    // the one memory port: every operand is read and written here
    `CU_MEM_PORTS(1)
);
  // enum fllm_vector_op
  localparam logic [7:0] OP_COPY = fllm_card_pkg::VEC_OP_COPY, OP_DEQUANT = fllm_card_pkg::VEC_OP_DEQUANT,
                         OP_RMSNORM = fllm_card_pkg::VEC_OP_RMSNORM, OP_ROPE = fllm_card_pkg::VEC_OP_ROPE,
                         OP_SILU_MUL = fllm_card_pkg::VEC_OP_SILU_MUL, OP_ADD = fllm_card_pkg::VEC_OP_ADD;
  localparam logic [31:0] MAGIC = fllm_card_pkg::VEC_MAGIC;   // "VECT"
  localparam logic signed [63:0] LOG2E_Q30 = 64'sd1549082005;
  // elements a cycle of the ADD, SILU_MUL (a sigmoid and a divider each),
  // ROPE (VL / 2 pairs), DEQUANT and RMSNORM product passes, and of the
  // quantizer's xq pass (a divider each): a power of 2, 2 to 16
  localparam int VL = 4;
  localparam int QL = 4;

  // ------------------------------------------------------------------
  // Register block
  // ------------------------------------------------------------------
  logic             start, finish;
  logic [7:0]       finish_err;
  logic [63:0]      finish_result, reg_mem;
  /* verilator lint_off UNUSEDSIGNAL */
  logic [383:0] arg;      // words 2..5 are 0 for FLLM_OP_VECTOR, unused
  logic             rlast_unused;
  /* verilator lint_on UNUSEDSIGNAL */
  logic [63:0]      params, params_bytes, mem_bytes;   // latched at start
  assign rlast_unused = c_rlast;

  cu_regs #(.ID(32'h5655_0001)) regs (
    `CU_REG_CONNECT, .start, .arg, .mem_bytes(reg_mem), .finish, .finish_err, .finish_result
  );

  // the command's argument and the memory size stay as they were at start,
  // whatever the host writes to the registers meanwhile
  always_ff @(posedge clk) begin
    if (rst) begin
      params <= '0;
      params_bytes <= '0;
      mem_bytes <= '0;
    end else if (start) begin
      params <= arg[0 +: 64];
      params_bytes <= arg[64 +: 64];
      mem_bytes <= reg_mem;
    end
  end

  // ------------------------------------------------------------------
  // Arithmetic helpers (hls/vector_math.c, vector_internal.h)
  // ------------------------------------------------------------------
  `include "fp32_fn.svh"

  // ------------------------------------------------------------------
  // Parameter block fields (struct fllm_vector_params)
  // ------------------------------------------------------------------
  logic [1023:0] pb;
  logic [1023:0]     pbf;
  logic [31:0] f_magic, f_version, f_n, f_rows, f_pos, f_eps, f_trows, f_res1;
  logic [7:0]  f_op, f_flags;
  logic [15:0] f_group, f_hd, f_res0;
  logic [63:0] f_in, f_ins, f_in2, f_in2s, f_out, f_outs, f_w, f_tab;
  logic        f_res_nz;

  always_comb begin
    pbf = pb;
    f_magic   = pbf[8 * fllm_card_pkg::VEC_OFF_MAGIC +: 32];
    f_version = pbf[8 * fllm_card_pkg::VEC_OFF_VERSION +: 32];
    f_op      = pbf[8 * fllm_card_pkg::VEC_OFF_OP +: 8];
    f_flags   = pbf[8 * fllm_card_pkg::VEC_OFF_FLAGS +: 8];
    f_group   = pbf[8 * fllm_card_pkg::VEC_OFF_GROUP +: 16];
    f_n       = pbf[8 * fllm_card_pkg::VEC_OFF_N +: 32];
    f_rows    = pbf[8 * fllm_card_pkg::VEC_OFF_ROWS +: 32];
    f_hd      = pbf[8 * fllm_card_pkg::VEC_OFF_HEAD_DIM +: 16];
    f_res0    = pbf[8 * fllm_card_pkg::VEC_OFF_RESERVED0 +: 16];
    f_pos     = pbf[8 * fllm_card_pkg::VEC_OFF_POS +: 32];
    f_eps     = pbf[8 * fllm_card_pkg::VEC_OFF_EPS +: 32];
    f_in      = pbf[8 * fllm_card_pkg::VEC_OFF_IN_ADDR +: 64];
    f_ins     = pbf[8 * fllm_card_pkg::VEC_OFF_IN_STRIDE +: 64];
    f_in2     = pbf[8 * fllm_card_pkg::VEC_OFF_IN2_ADDR +: 64];
    f_in2s    = pbf[8 * fllm_card_pkg::VEC_OFF_IN2_STRIDE +: 64];
    f_out     = pbf[8 * fllm_card_pkg::VEC_OFF_OUT_ADDR +: 64];
    f_outs    = pbf[8 * fllm_card_pkg::VEC_OFF_OUT_STRIDE +: 64];
    f_w       = pbf[8 * fllm_card_pkg::VEC_OFF_WEIGHT_ADDR +: 64];
    f_tab     = pbf[8 * fllm_card_pkg::VEC_OFF_TABLE_ADDR +: 64];
    f_trows   = pbf[8 * fllm_card_pkg::VEC_OFF_TABLE_ROWS +: 32];
    f_res1    = pbf[8 * fllm_card_pkg::VEC_OFF_RESERVED1 +: 32];
    f_res_nz  = pbf[1023:8 * fllm_card_pkg::VEC_OFF_RESERVED] != '0;
  end

  // Shapes derived from the fields (meaningful once the fields passed)
  logic [3:0]  lgg;           // log2(group)
  logic [12:0] n_groups;      // G = ceil(n / g)
  logic [63:0] d_xo, d_actb, d_f32b, d_inb, d_outb, d_wb, d_tabb;
  logic        u_quant, u_in2, u_group, u_norm, u_rope;

  always_comb begin
    lgg = lg_pkg::group_log2(f_group);
    n_groups = 13'((33'(f_n) + 33'(f_group) - 33'd1) >> lgg);
    d_xo   = align64(64'd8 + 64'd2 * 64'(n_groups));
    d_actb = d_xo + align64(64'(n_groups) << lgg);
    d_f32b = 64'd4 * 64'(f_n);
    u_quant = f_flags[0];
    u_in2   = f_op == OP_SILU_MUL || f_op == OP_ADD;
    u_group = f_op == OP_DEQUANT || u_quant;
    u_norm  = f_op == OP_RMSNORM;
    u_rope  = f_op == OP_ROPE;
    d_inb  = (f_op == OP_DEQUANT) ? d_actb : d_f32b;
    d_outb = u_quant ? d_actb : d_f32b;
    d_wb   = 64'(fllm_card_pkg::VEC_WEIGHT_HDR) + align64(64'd2 * 64'(f_n));
    d_tabb = align64(64'd4 * 64'(f_hd));
  end

  // ------------------------------------------------------------------
  // Validation: fllm_vector_params_check, then the out-over-block check
  // ------------------------------------------------------------------
  logic [31:0] n_mod_hd;      // n % head_dim from the divider (head_dim 0: unused)
  logic [7:0]  chk_err;

  function automatic logic [63:0] span(input logic [31:0] rows, input logic [63:0] stride,
                                       input logic [63:0] rowb);
    span = 64'(32'(rows - 32'd1)) * stride + rowb;
  endfunction

  always_comb begin
    logic [319:0] ra, rs, rb, rl;
    logic [159:0] rr;
    logic [4:0]       ru;
    logic             bad_al, bad_sz, bad_ad, may_q, unused_nz, used_bad, ovl;
    logic             gok;

    // the regions of vector_params.c regions(): in, in2, out, weight, table
    ra = {f_tab, f_w, f_out, f_in2, f_in};
    rs = {d_tabb, 64'd0, f_outs, f_in2s, f_ins};
    rb = {d_tabb, d_wb, d_outb, d_f32b, d_inb};
    rr = {f_trows, 32'd1, f_rows, f_rows, f_rows};
    ru = {u_rope, u_norm, 1'b1, u_in2, 1'b1};
    for (int i = 0; i < 5; i++)
      rl[64 * i +: 64] = span(rr[32 * i +: 32], rs[64 * i +: 64], rb[64 * i +: 64]);

    gok = f_group == 16'd16 || f_group == 16'd32 || f_group == 16'd64 ||
          f_group == 16'd128 || f_group == 16'd256;
    may_q = f_op == OP_COPY || f_op == OP_RMSNORM || f_op == OP_SILU_MUL;
    unused_nz = (!u_group && f_group != 16'd0) ||
                (!u_rope && (f_hd != 16'd0 || f_pos != 32'd0 || f_tab != 64'd0 ||
                             f_trows != 32'd0)) ||
                (!u_norm && (f_eps != 32'd0 || f_w != 64'd0)) ||
                (!u_in2 && (f_in2 != 64'd0 || f_in2s != 64'd0));
    used_bad = (u_group && !gok) ||
               (u_rope && (f_hd < 16'd2 || f_hd > 16'(fllm_card_pkg::VEC_HEAD_DIM_MAX) || f_hd[0] || n_mod_hd != 32'd0 ||
                           33'(f_pos) + 33'(f_rows) > 33'(f_trows))) ||
               (u_norm && (f_eps[31] || f_eps[30:23] == 8'hff));

    bad_al = 1'b0;
    bad_sz = 1'b0;
    bad_ad = 1'b0;
    for (int i = 0; i < 5; i++) begin
      if (ru[i] && (ra[64 * i +: 6] != 6'd0 || rs[64 * i +: 6] != 6'd0))
        bad_al = 1'b1;
      if (i < 3 && ru[i] && rs[64 * i +: 64] < rb[64 * i +: 64])
        bad_sz = 1'b1;
      if (ru[i] && (rs[64 * i +: 64] > mem_bytes || !lg_pkg::range_ok(ra[64 * i +: 64], rl[64 * i +: 64], mem_bytes)))
        bad_ad = 1'b1;
    end
    // out_clear_of: only an fp32 input region with the same address and
    // stride may be shared (in place)
    ovl = 1'b0;
    for (int i = 0; i < 5; i++)
      if (i != 2 && ru[i] && lg_pkg::overlap(ra[128 +: 64], rl[128 +: 64], ra[64 * i +: 64], rl[64 * i +: 64]) &&
          !(((i == 0 && f_op != OP_DEQUANT) || i == 1) && !u_quant && ra[128 +: 64] == ra[64 * i +: 64] &&
            rs[128 +: 64] == rs[64 * i +: 64]))
        ovl = 1'b1;

    if (f_magic != MAGIC || f_version != fllm_card_pkg::VEC_VERSION)
      chk_err = fllm_card_pkg::CARD_ERR_PARAM;
    else if ((f_flags & ~8'(fllm_card_pkg::VEC_F_MASK)) != 8'd0 || f_res0 != 16'd0 || f_res1 != 32'd0 ||
             f_res_nz)
      chk_err = fllm_card_pkg::CARD_ERR_FLAGS;
    else if (f_op == 8'd0 || f_op > OP_ADD || f_n == 32'd0 || f_n > fllm_card_pkg::VEC_N_MAX ||
             f_rows == 32'd0 || f_rows > fllm_card_pkg::VEC_ROWS_MAX)
      chk_err = fllm_card_pkg::CARD_ERR_PARAM;
    else if (u_quant && !may_q)
      chk_err = fllm_card_pkg::CARD_ERR_FLAGS;
    else if (unused_nz)
      chk_err = fllm_card_pkg::CARD_ERR_FLAGS;
    else if (used_bad)
      chk_err = fllm_card_pkg::CARD_ERR_PARAM;
    else if (bad_al)
      chk_err = fllm_card_pkg::CARD_ERR_ALIGN;
    else if (bad_sz)
      chk_err = fllm_card_pkg::CARD_ERR_SIZE;
    else if (bad_ad)
      chk_err = fllm_card_pkg::CARD_ERR_ADDR;
    else if (ovl || lg_pkg::overlap(f_out, rl[128 +: 64], params, 64'(fllm_card_pkg::VEC_PARAMS_BYTES)))
      chk_err = fllm_card_pkg::CARD_ERR_PARAM;
    else
      chk_err = fllm_card_pkg::CARD_OK;
  end

  // ------------------------------------------------------------------
  // Divider (the per-command and per-row divisions)
  // ------------------------------------------------------------------
  logic        div_go, div_busy, div_done;
  logic [63:0] div_num, div_den, div_quo;
  /* verilator lint_off UNUSEDSIGNAL */
  logic [63:0] div_rem;       // only n % head_dim (< 2^32) is read
  /* verilator lint_on UNUSEDSIGNAL */
  logic [6:0]  div_steps;

  vu_div div (
    .clk, .rst, .go(div_go), .num(div_num), .den(div_den), .steps(div_steps),
    .busy(div_busy), .done(div_done), .quo(div_quo), .rem(div_rem)
  );

  // ------------------------------------------------------------------
  // On-chip memories: x, y rows (16 elements a word), group maxima / msx,
  // the RoPE table row
  // ------------------------------------------------------------------
  logic [511:0] xb [4096];
  logic [511:0] yb [4096];
  logic [31:0]  gmax [4096];
  logic [511:0] tabb [32];
  logic [11:0]  xra, yra, gra;     // read addresses (combinational from the state)
  logic [511:0] xw, yw;            // registered read data
  logic [31:0]  gq;

  always_ff @(posedge clk) begin
    xw <= xb[xra];
    yw <= yb[yra];
    gq <= gmax[gra];
  end

  // ------------------------------------------------------------------
  // Command FSM
  // ------------------------------------------------------------------
  typedef enum logic [5:0] {
    S_IDLE, S_PLACE, S_PAR_AR, S_PAR_R, S_PAR_DIV, S_PAR_CHK, S_ROW, S_LOAD, S_ZERO,
    S_SSQ_RD, S_SSQ_OP, S_SC_DIV1, S_SC_CALC, S_SC_SQRT, S_SC_DIV2, S_W_HDR, S_N_RD,
    S_N_OP, S_R_RD, S_R_OP, S_B_RD, S_B_OP, S_B_WAIT, S_D_MRD, S_D_MOP, S_D_OP, S_ST,
    S_ST_RD, S_ST_PUSH, S_QG_RD, S_QG_OP, S_QE, S_QM_RD, S_QM_OP, S_QM_WAIT, S_QX_RD,
    S_QX_OP, S_QX_WAIT, S_ROW_END, S_DRAIN, S_FIN
  } state_t;

  // what a load writes where
  typedef enum logic [2:0] { LK_X, LK_XY, LK_IN2, LK_REC, LK_TAB } load_t;

  state_t      st;
  load_t       lk;
  logic [7:0]  err;
  logic [63:0] nf;                  // non-finite inputs read
  logic [31:0] row;
  logic [63:0] in_r, in2_r, out_r;  // this row's operand addresses
  logic [16:0] ei;                  // element (or pair, group, record byte) index
  logic [12:0] bi;                  // beat index of a pass
  logic [12:0] nbeats;              // ceil(n / 16)

  // read stream: bursts requested by ar_*, beats taken by the state that loads
  logic [63:0] ar_addr;
  logic [12:0] ar_left, ld_beat, ld_total;
  logic [7:0]  ar_len;

  // write port: one pending beat, B responses counted
  logic         wq_valid, aw_ok, w_ok;
  logic [63:0]  wq_addr, wq_strb;
  logic [511:0] wq_data;
  logic [31:0]  wr_issued, wr_acked;

  // per-row scalars
  logic        fmax_v;
  logic [9:0]  fmax;                // largest f of the nonzero x (RMSNORM)
  logic [63:0] ssq;                 // sum of squares
  logic [6:0]  sc_k;                // leading zeros of ssq
  logic [63:0] sq_u, sq_root;
  /* verilator lint_off UNUSEDSIGNAL */
  logic [63:0] sq_rem;              // below 2^34
  /* verilator lint_on UNUSEDSIGNAL */
  logic [5:0]  sq_cnt;
  logic [31:0] rms_r;
  int          rms_e, ew, dq_ex, q_ex;
  logic [511:0] wbeat;              // current weight beat (32 wm)
  logic [7:0]  rj;                  // RoPE pair index in the head
  logic [15:0] dq_msx;
  logic [31:0] gcur, amax;          // quantizer: running group max, row max
  logic [511:0] hb;                 // record beat being assembled
  logic         wq_free;            // the write buffer takes a beat this cycle

  // a beat whose handshakes both end this cycle frees the buffer for the next
  assign wq_free = !wq_valid || ((aw_ok || m_awready[0]) && (w_ok || m_wready[0]));

  assign m_arvalid[0] = ar_left != 13'd0;
  assign m_araddr  = ar_addr;
  assign m_arlen   = ar_len - 8'd1;
  assign m_awvalid[0] = wq_valid && !aw_ok;
  assign m_awaddr  = wq_addr;
  assign m_wvalid[0]  = wq_valid && !w_ok;
  assign m_wdata   = wq_data;
  assign m_wstrb   = wq_strb;
  assign m_bready[0]  = 1'b1;
  assign c_arvalid = st == S_PAR_AR;
  assign c_araddr  = params;
  assign c_arlen   = 8'd1;
  assign c_rready  = st == S_PAR_R;

  // burst length: up to 64 beats, never across a 4 KB boundary
  always_comb begin
    logic [12:0] room;
    room = 13'((13'h1000 - 13'(ar_addr[11:0])) >> 6);
    ar_len = 8'(ar_left < 13'd64 ? ar_left : 13'd64);
    if (13'(ar_len) > room)
      ar_len = 8'(room);
  end

  // the states that take read beats
  assign m_rready[0] = st == S_LOAD || st == S_W_HDR || st == S_N_RD;

  // read addresses of the buffers: a pass that moves on this cycle reads
  // the word of its next element, so the registered data is there in time
  function automatic logic [11:0] dq_msx_word(input logic [16:0] e, input logic [3:0] lg);
    dq_msx_word = 12'((17'd8 + ((e >> lg) << 1)) >> 6);
  endfunction

  logic [16:0] ei1, eiv, eiq;
  logic [12:0] bi1;
  logic        qm_en, qx_en;          // the quantizer pipelines move (no stall)
  assign ei1 = ei + 17'd1;
  assign eiv = ei + 17'(VL);
  assign eiq = ei + 17'(QL);
  assign bi1 = bi + 13'd1;

  always_comb begin
    xra = ei[15:4];
    yra = ei[15:4];
    gra = ei[11:0];
    case (st)
      S_SSQ_RD, S_ST_RD, S_QG_RD: begin
        xra = bi[11:0];
        yra = bi[11:0];
      end
      S_SSQ_OP, S_QG_OP: begin
        xra = bi1[11:0];
        yra = bi1[11:0];
      end
      S_ST_PUSH: yra = wq_free ? bi1[11:0] : bi[11:0];
      S_N_OP: xra = eiv[15:4];
      S_B_OP: begin
        xra = eiv[15:4];
        yra = eiv[15:4];
      end
      S_R_OP: xra = eiv[15:4];
      S_D_MRD: xra = dq_msx_word(ei, lgg);
      S_D_MOP: xra = 12'((d_xo + 64'(ei)) >> 6);
      S_D_OP: begin
        // the next elements start a group: its msx word first
        if ((eiv & ((17'd1 << lgg) - 17'd1)) == 17'd0)
          xra = dq_msx_word(eiv, lgg);
        else
          xra = 12'((d_xo + 64'(eiv)) >> 6);
      end
      S_QM_OP: gra = qm_en ? ei1[11:0] : ei[11:0];
      S_QX_RD: gra = 12'(ei >> lgg);
      S_QX_OP: begin
        yra = qx_en ? eiq[15:4] : ei[15:4];
        gra = 12'((qx_en ? eiq : ei) >> lgg);
      end
      default: ;
    endcase
  end

  // ------------------------------------------------------------------
  // Combinational datapath of the element states
  // ------------------------------------------------------------------
  logic [511:0] rd_lanes, xw_l, yw_l;
  logic [4:0]        rd_nf;       // non-finite lanes among the valid ones of a beat
  logic              rd_fv;       // a valid lane of the beat is nonzero,
  logic [9:0]        rd_f;        // and the largest f of those
  logic [15:0]       bvalid_l;    // lanes of beat bi / ld_beat below n

  assign rd_lanes = m_rdata;
  assign xw_l = xw;
  assign yw_l = yw;

  always_comb begin
    logic [12:0] b;
    b = (st == S_LOAD) ? ld_beat : bi;
    for (int l = 0; l < 16; l++)
      bvalid_l[l] = {b, 4'(l)} < 17'(f_n);
    rd_nf = '0;
    rd_fv = 1'b0;
    rd_f = '0;
    for (int l = 0; l < 16; l++) begin
      /* verilator lint_off UNUSEDSIGNAL */
      spl_t v;   // magnitude only
      /* verilator lint_on UNUSEDSIGNAL */
      v = split(sanitize(rd_lanes[32 * l +: 32]));
      if (bvalid_l[l]) begin
        rd_nf = rd_nf + 5'(nonfin(rd_lanes[32 * l + 23 +: 8]));
        if (v[33:10] != 24'd0 && (!rd_fv || fexp(v[9:0]) > $signed(32'($signed(rd_f))))) begin
          rd_fv = 1'b1;
          rd_f = v[9:0];
        end
      end
    end
  end

  // sum of squares of one word of x (RMSNORM step 2)
  logic [63:0] ssq_beat;
  always_comb begin
    ssq_beat = '0;
    for (int l = 0; l < 16; l++) begin
      /* verilator lint_off UNUSEDSIGNAL */
      spl_t v;   // magnitude only
      /* verilator lint_on UNUSEDSIGNAL */
      logic [63:0] a;
      v = split(xw_l[32 * l +: 32]);
      a = (v[33:10] != 24'd0) ? rha(64'(v[33:10]), $signed(32'($signed(fmax))) - fexp(v[9:0])) : 64'd0;
      if (bvalid_l[l])
        ssq_beat = ssq_beat + a * a;
    end
  end

  // largest magnitude of one word of y (quantizer)
  logic [31:0] ymax_beat;
  always_comb begin
    ymax_beat = '0;
    for (int l = 0; l < 16; l++)
      if (bvalid_l[l] && {1'b0, yw_l[32 * l +: 31]} > ymax_beat)
        ymax_beat = {1'b0, yw_l[32 * l +: 31]};
  end

  // the element (x, and y / in2) of index ei in the read words
  // the lanes of the VL-element passes: elements ei .. ei + VL - 1, in one
  // x (y) word, one weight beat, one quantization group (VL <= 16 <= g)
  logic [35 * VL-1:0] lx, ly;   // a spl_t per lane (35 bits)
  logic [VL-1:0] lv;             // below n
  always_comb
    for (int k = 0; k < VL; k++) begin
      lx[35 * k +: 35] = split(xw_l[32 * (4'(ei[3:0] + 4'(k))) +: 32]);
      ly[35 * k +: 35] = split(yw_l[32 * (4'(ei[3:0] + 4'(k))) +: 32]);
      lv[k] = ei + 17'(k) < 17'(f_n);
    end

  // RMSNORM step 7
  logic [32 * VL-1:0] norm_y;
  always_comb
    for (int k = 0; k < VL; k++) begin
      logic signed [15:0] wm;
      longint c;
      wm = $signed(wbeat[{5'(ei[4:0] + 5'(k)), 4'd0} +: 16]);
      c = lg_pkg::rshift_round($signed(64'({32'd0, rms_r})) * $signed(64'(wm)), 8'd15);
      norm_y[32 * k +: 32] = f32(sgn(lx[35 * k + 34], lx[35 * k + 10 +: 24]) * c, 64'sd16 + $signed(64'(rms_e)) +
                      $signed(64'(ew)) - $signed(64'(fexp(lx[35 * k +: 10]))));
    end

  // RoPE, VL / 2 pairs a cycle (fllm_vec_rope_pair): pair p is lanes 2p,
  // 2p + 1 and the table entry rj + p, modulo head_dim / 2
  logic [8 * (VL/2)-1:0]  rjp;
  logic [7:0]            rj_nx;        // rj of the next cycle's first pair
  logic [32 * VL-1:0]   rope_y;
  always_comb begin
    logic [7:0] r;
    r = rj;
    for (int p = 0; p < VL / 2; p++) begin
      rjp[8 * p +: 8] = r;
      r = (r + 8'd1 == 8'(f_hd >> 1)) ? 8'd0 : r + 8'd1;
    end
    rj_nx = r;
    for (int p = 0; p < VL / 2; p++) begin
      logic [63:0] ent;
      longint cq, sq, a0, a1;
      int fe;
      spl_t x0, x1;
      x0 = lx[35 * (2 * p) +: 35];
      x1 = lx[35 * (2 * p + 1) +: 35];
      ent = tabb[rjp[8 * p + 3 +: 5]][{rjp[8 * p +: 3], 6'd0} +: 64];
      cq = $signed(64'($signed(ent[31:0])));
      sq = $signed(64'($signed(ent[63:32])));
      if (cq > 64'sd1073741824) cq = 64'sd1073741824;
      if (cq < -64'sd1073741824) cq = -64'sd1073741824;
      if (sq > 64'sd1073741824) sq = 64'sd1073741824;
      if (sq < -64'sd1073741824) sq = -64'sd1073741824;
      if (x0[33:10] == 24'd0)
        fe = fexp(x1[9:0]);
      else if (x1[33:10] == 24'd0)
        fe = fexp(x0[9:0]);
      else
        fe = fexp(x0[9:0]) > fexp(x1[9:0]) ? fexp(x0[9:0]) : fexp(x1[9:0]);
      a0 = align7(x0, fe);
      a1 = align7(x1, fe);
      if (x0[33:10] == 24'd0 && x1[33:10] == 24'd0) begin
        rope_y[32 * (2 * p) +: 32] = 32'd0;
        rope_y[32 * (2 * p + 1) +: 32] = 32'd0;
      end else begin
        rope_y[32 * (2 * p) +: 32] = f32(a0 * cq - a1 * sq, 64'sd37 - $signed(64'(fe)));
        rope_y[32 * (2 * p + 1) +: 32] = f32(a0 * sq + a1 * cq, 64'sd37 - $signed(64'(fe)));
      end
    end
  end

  // m at exponent f moved to exponent fe - 7 (fe >= f), signed; 0 for m = 0
  function automatic longint align7(input spl_t v, input int fe);
    int t;
    logic [63:0] a;
    t = fe - fexp(v[9:0]);
    a = (t <= 7) ? (64'(v[33:10]) << (7 - t)) : rha(64'(v[33:10]), t - 7);
    if (v[33:10] == 24'd0)
      align7 = 64'sd0;
    else
      align7 = v[34] ? -$signed(64'(a)) : $signed(64'(a));
  endfunction

  // ADD (fllm_vec_add)
  function automatic logic [31:0] add_f(input spl_t a, input spl_t b);
    spl_t hi, lo;
    int d;
    hi = a;
    lo = b;
    if (hi[33:10] == 24'd0 || (lo[33:10] != 24'd0 && fexp(lo[9:0]) > fexp(hi[9:0]))) begin
      hi = b;
      lo = a;
    end
    d = fexp(hi[9:0]) - fexp(lo[9:0]);
    if (a[33:10] == 24'd0 && b[33:10] == 24'd0)
      add_f = 32'd0;
    else if (lo[33:10] == 24'd0 || d > 32)
      add_f = f32(sgn(hi[34], hi[33:10]), -$signed(64'(fexp(hi[9:0]))));
    else
      add_f = f32(sgn(hi[34], hi[33:10]) * (64'sd1 <<< d) + sgn(lo[34], lo[33:10]),
                  -$signed(64'(fexp(lo[9:0]))));
  endfunction

  logic [32 * VL-1:0] add_y;
  always_comb
    for (int k = 0; k < VL; k++)
      add_y[32 * k +: 32] = add_f(lx[35 * k +: 35], ly[35 * k +: 35]);

  // SILU_MUL, VL lanes: the sigmoid's front end, then R = 2^62 / Dm on a
  // 33-stage pipeline (Dm >= 2^30, so R <= 2^32); the tag carries the rest
  // of the element to the back end, which writes y as it comes out
  typedef struct packed {
    logic               live;   // below n
    logic               zero;   // g or u is 0: y = +0
    logic [15:0]        idx;    // of lane 0
    logic [23:0]        xm, ym;
    logic               neg;
    logic signed [11:0] sh;     // 8 + sh - f_g - f_u, in [-200, 444]
  } sd_tag_t;
  // what the FSM reads of the tags leaving the lanes (lane 0's index)
  logic [VL-1:0]        sd_live;
  logic [15:0]          sd_idx;
  logic [33 * VL-1:0]  sd_quo;
  logic [32 * VL-1:0]  silu_y;
  /* verilator lint_off UNUSEDSIGNAL */
  logic [VL-1:0]        sd_v, sd_b;   // the lanes move together: lane 0's are read
  /* verilator lint_on UNUSEDSIGNAL */
  logic                 sd_valid, sd_busy;

  for (genvar k = 0; k < VL; k++) begin : g_sl
    // struct fields as plain signals here: Yosys 0.23 misreads the members
    // of a struct declared in a generate loop
    logic        x_neg, y_neg;
    logic [23:0] x_m, y_m;
    logic [9:0]  x_f, y_f;
    logic [23:0] fr;           // T's fraction: the 2^x table's input
    longint      ti;           // and its integer part
    logic [31:0] lo, hi, dm;   // table entries j, j + 1; Dm in [2^30, 3 * 2^30)
    logic [6:0]  dsh;          // Dm's exponent
    sd_tag_t     tin;
    sd_tag_t     so;
    logic        so_live, so_zero, so_neg;
    /* verilator lint_off UNUSEDSIGNAL */
    logic [15:0] so_idx;       // lanes 1.. leave it unread
    /* verilator lint_on UNUSEDSIGNAL */
    logic [23:0] so_xm, so_ym;
    logic [11:0] so_sh;

    assign {x_neg, x_m, x_f} = lx[35 * k +: 35];
    assign {y_neg, y_m, y_f} = ly[35 * k +: 35];

    // T = -g * log2(e) in Q.24 (fllm_vector_sigmoid)
    always_comb begin
      int e;
      logic [63:0] mag;
      longint gq_s, t;
      e = fexp(x_f) + 24;
      if (x_m == 24'd0)
        mag = 64'd0;
      else if (e >= 7)
        mag = 64'h4000_0000;
      else if (e >= 0)
        mag = 64'(x_m) << e;
      else
        mag = rha(64'(x_m), -e);
      gq_s = x_neg ? -$signed(64'(mag)) : $signed(64'(mag));
      t = lg_pkg::rshift_round(-gq_s * LOG2E_Q30, 8'd30);
      fr = t[23:0];
      ti = t >>> 24;
    end

    vu_exp2 exp2 (.j(fr[23:16]), .lo, .hi);

    // the denominator Dm = 1 + 2^T as a mantissa, and the exponent sh
    always_comb begin
      logic [31:0] p;
      logic [47:0] stepw;
      stepw = 48'(32'(hi - lo)) * 48'(fr[15:0]);
      p = lo + 32'((stepw + 48'h8000) >> 16);
      if (ti >= 0) begin
        dm = 32'(64'(p) + rha(64'h4000_0000, $signed(32'(ti))));
        dsh = 7'(ti);
      end else begin
        dm = 32'(64'h4000_0000 + rha(64'(p), $signed(32'(-ti))));
        dsh = 7'd0;
      end
    end

    // the tag in sd_tag_t's order
    assign tin = {lv[k], x_m == 24'd0 || y_m == 24'd0, ei[15:0], x_m, y_m, x_neg != y_neg,
                  12'(14'sd8 + 14'(dsh) - 14'($signed(x_f)) - 14'($signed(y_f)))};

    vu_pdiv #(.NW(63), .DW(32), .STEPS(33), .PW($bits(tin))) sdiv (
      .clk, .rst, .en(1'b1), .in_valid(st == S_B_OP && f_op == OP_SILU_MUL),
      .num(63'h4000_0000_0000_0000), .den(dm), .in_tag(tin),
      .out_valid(sd_v[k]), .quo(sd_quo[33 * k +: 33]), .out_tag(so), .busy(sd_b[k])
    );

    // after the division (fllm_vec_silu_mul)
    always_comb begin
      longint a1, acc;
      a1 = lg_pkg::rshift_round($signed(64'(64'(so_xm) * 64'(sd_quo[33 * k +: 33]))), 8'd24);
      acc = a1 * $signed(64'({40'd0, so_ym}));
      if (so_neg)
        acc = -acc;
      silu_y[32 * k +: 32] = so_zero ? 32'd0 : f32(acc, $signed(64'($signed(so_sh))));
    end
    assign {so_live, so_zero, so_idx, so_xm, so_ym, so_neg, so_sh} = so;
    assign sd_live[k] = so_live;
    if (k == 0) begin : g_idx
      assign sd_idx = so_idx;
    end
  end
  assign sd_valid = sd_v[0];
  assign sd_busy = sd_b[0];

  // DEQUANT elements
  logic [32 * VL-1:0] dq_y;
  always_comb
    for (int k = 0; k < VL; k++) begin
      logic signed [7:0] xq;
      xq = $signed(xw[{6'(ei[5:0] + 6'(k)), 3'd0} +: 8]);
      dq_y[32 * k +: 32] = f32($signed(64'(xq)) * $signed(64'({48'd0, dq_msx})), $signed(64'(dq_ex)));
    end

  // quantizer, msx per group: ceil(m / (127 << s)) <= 2^24 / 254 + 1 < 2^17
  // (s >= 1), 17 stages, a group a cycle; the C keeps the low 16 bits
  typedef struct packed {
    logic        zero;     // group max 0: msx 0
    logic        one;      // s out of [0, 40): msx 1
    logic [11:0] idx;
  } qm_tag_t;
  qm_tag_t     qm_in, qm_out;
  logic        qm_valid, qm_busy;
  logic [47:0] qm_num, qm_den;
  /* verilator lint_off UNUSEDSIGNAL */
  logic [16:0] qm_quo;     // bit 16 dropped as by the C's uint16_t
  /* verilator lint_on UNUSEDSIGNAL */
  logic [15:0] qm_msx;
  always_comb begin
    /* verilator lint_off UNUSEDSIGNAL */
    spl_t v;   // magnitude only
    /* verilator lint_on UNUSEDSIGNAL */
    int s;
    v = split(gq);
    s = -(fexp(v[9:0]) + q_ex);
    qm_in.zero = gq == 32'd0;
    qm_in.one = s < 0 || s >= 40;
    qm_in.idx = ei[11:0];
    qm_den = (qm_in.one || qm_in.zero) ? 48'd1 : 48'd127 << s;
    qm_num = 48'(v[33:10]) + qm_den - 48'd1;
  end

  vu_pdiv #(.NW(48), .DW(48), .STEPS(17), .PW($bits(qm_in))) qmdiv (
    .clk, .rst, .en(qm_en), .in_valid(st == S_QM_OP), .num(qm_num), .den(qm_den),
    .in_tag(qm_in), .out_valid(qm_valid), .quo(qm_quo), .out_tag(qm_out), .busy(qm_busy)
  );
  assign qm_msx = qm_out.zero ? 16'd0 : qm_out.one ? 16'd1 : qm_quo[15:0];

  // msx goes into the header beat at byte 8 + 2 grp; a full beat (or the
  // last group) is written out, and the pipeline waits while the buffer is busy
  logic [13:0] qm_off;
  logic        qm_flush;
  assign qm_off = 14'd8 + {1'b0, qm_out.idx, 1'b0};
  assign qm_flush = qm_off[5:0] == 6'd62 || 13'(qm_out.idx) + 13'd1 == n_groups;
  assign qm_en = !(qm_valid && qm_flush && wq_valid);

  // quantizer, xq per element, QL lanes: round(m / D) = (2m + D) / 2D,
  // D = msx << s: |y| <= its group's max, so m / D <= 127 by msx's choice
  // and 8 stages hold the quotient
  typedef struct packed {
    logic        zero;     // past n, msx 0, y 0 or s out of [0, 40): xq 0
    logic        neg;
    logic        last;     // the row's last bytes of xq
    logic [15:0] idx;      // of lane 0
  } qx_tag_t;
  // what the FSM reads of the tags leaving the lanes (lane 0's index, last)
  logic [QL-1:0]       qx_neg;
  logic [15:0]         qx_idx;
  logic                qx_last;
  logic [58 * QL-1:0] qx_num, qx_den;
  logic [8 * QL-1:0]  qx_quo, qx_mag;
  /* verilator lint_off UNUSEDSIGNAL */
  logic [QL-1:0]       qx_v, qx_b;   // the lanes move together: lane 0's are read
  /* verilator lint_on UNUSEDSIGNAL */
  logic                qx_valid, qx_busy, qx_flush;
  logic [16:0]         qx_total;     // xq bytes: whole groups
  assign qx_total = 17'(18'(n_groups) << lgg);

  for (genvar k = 0; k < QL; k++) begin : g_qx
    // struct fields as bits here (Yosys 0.23 misreads a struct's members in
    // this generate block): v is spl_t, qo is qx_tag_t {zero, neg, last, idx}
    spl_t    v;
    int      s;
    logic    qi_zero;
    /* verilator lint_off UNUSEDSIGNAL */
    qx_tag_t qo;               // lanes 1.. leave idx and last unread
    /* verilator lint_on UNUSEDSIGNAL */
    assign v = split(yw_l[32 * (4'(ei[3:0] + 4'(k))) +: 32]);
    assign s = -(fexp(v[9:0]) + q_ex);
    always_comb begin
      qi_zero = !(ei + 17'(k) < 17'(f_n) && gq[15:0] != 16'd0 && v[33:10] != 24'd0 &&
                        s >= 0 && s < 40);
      qx_den[58 * k +: 58] = qi_zero ? 58'd1 : 58'(gq[15:0]) << (s + 1);
      qx_num[58 * k +: 58] = qi_zero ? 58'd0 : 58'({v[33:10], 1'b0}) + (58'(gq[15:0]) << s);
    end

    vu_pdiv #(.NW(58), .DW(58), .STEPS(8), .PW($bits(qo))) qxdiv (
      .clk, .rst, .en(qx_en), .in_valid(st == S_QX_OP), .num(qx_num[58 * k +: 58]), .den(qx_den[58 * k +: 58]),
      .in_tag({qi_zero, v[34], eiq == qx_total, ei[15:0]}), .out_valid(qx_v[k]), .quo(qx_quo[8 * k +: 8]), .out_tag(qo),
      .busy(qx_b[k])
    );
    assign qx_mag[8 * k +: 8] = qo[18] ? 8'd0 : qx_quo[8 * k + 7] ? 8'd127 : qx_quo[8 * k +: 8];
    assign qx_neg[k] = qo[17];
    if (k == 0) begin : g_idx
      assign qx_idx = qo[15:0];
      assign qx_last = qo[16];
    end
  end
  assign qx_valid = qx_v[0];
  assign qx_busy = qx_b[0];
  assign qx_flush = qx_idx[5:0] == 6'(64 - QL) || qx_last;
  assign qx_en = !(qx_valid && qx_flush && wq_valid);

  // ------------------------------------------------------------------
  // The FSM proper
  // ------------------------------------------------------------------
  always_ff @(posedge clk) begin
    finish <= 1'b0;
    div_go <= 1'b0;
    if (rst) begin
      st <= S_IDLE;
      lk <= LK_X;
      err <= fllm_card_pkg::CARD_OK;
      finish_err <= fllm_card_pkg::CARD_OK;
      finish_result <= '0;
      pb <= '0;
      nf <= '0;
      row <= '0;
      in_r <= '0;
      in2_r <= '0;
      out_r <= '0;
      ei <= '0;
      bi <= '0;
      nbeats <= '0;
      ar_addr <= '0;
      ar_left <= '0;
      ld_beat <= '0;
      ld_total <= '0;
      wq_valid <= 1'b0;
      aw_ok <= 1'b0;
      w_ok <= 1'b0;
      wq_addr <= '0;
      wq_strb <= '0;
      wq_data <= '0;
      wr_issued <= '0;
      wr_acked <= '0;
      n_mod_hd <= '0;
      div_num <= '0;
      div_den <= '0;
      div_steps <= '0;
      fmax_v <= 1'b0;
      fmax <= '0;
      ssq <= '0;
      sc_k <= '0;
      sq_u <= '0;
      sq_rem <= '0;
      sq_root <= '0;
      sq_cnt <= '0;
      rms_r <= '0;
      rms_e <= 0;
      ew <= 0;
      dq_ex <= 0;
      q_ex <= 0;
      wbeat <= '0;
      rj <= '0;
      dq_msx <= '0;
      gcur <= '0;
      amax <= '0;
      hb <= '0;
    end else begin
      // read bursts go out while ar_left beats remain to be requested
      if (m_arvalid[0] && m_arready[0]) begin
        ar_addr <= ar_addr + 64'({ar_len, 6'd0});
        ar_left <= ar_left - 13'(ar_len);
      end
      // the pending write beat: address and data handshakes, then free
      if (wq_valid) begin
        logic a_done, d_done;
        a_done = aw_ok || m_awready[0];
        d_done = w_ok || m_wready[0];
        if (a_done && d_done) begin
          wq_valid <= 1'b0;
          aw_ok <= 1'b0;
          w_ok <= 1'b0;
        end else begin
          aw_ok <= a_done;
          w_ok <= d_done;
        end
      end
      if (m_bvalid[0])
        wr_acked <= wr_acked + 32'd1;

      // the ends of the division pipelines
      // (the ends of the division pipelines write y: yb_w* below)
      // the quantizer pipelines' ends fill the record beat in hb (the msx
      // pass and the xq pass never overlap); a full beat goes to the buffer
      if ((qm_valid && qm_en) || (qx_valid && qx_en)) begin
        logic [511:0] h;
        logic [63:0]  at;
        logic         flush;
        h = hb;
        if (qm_valid && qm_en) begin
          h[{qm_off[5:1], 4'd0} +: 16] = qm_msx;
          flush = qm_flush;
          at = out_r + 64'({qm_off[13:6], 6'd0});
        end else begin
          for (int k = 0; k < QL; k++)
            h[{6'(qx_idx[5:0] + 6'(k)), 3'd0} +: 8] =
                qx_neg[k] ? 8'(-qx_mag[8 * k +: 8]) : qx_mag[8 * k +: 8];
          flush = qx_flush;
          at = out_r + d_xo + 64'({qx_idx[15:6], 6'd0});
        end
        if (flush) begin
          wq_valid <= 1'b1;
          wq_addr <= at;
          wq_data <= h;
          wq_strb <= '1;
          wr_issued <= wr_issued + 32'd1;
          hb <= '0;
        end else begin
          hb <= h;
        end
      end

      case (st)
        S_IDLE: if (start) begin
          nf <= '0;
          ld_beat <= '0;
          st <= S_PLACE;
        end
        S_PLACE: begin
          // the block's own size and placement, before anything is read
          logic [7:0] e1;
          e1 = lg_pkg::block_place_err(params, params_bytes, 64'(fllm_card_pkg::VEC_PARAMS_BYTES), mem_bytes);
          err <= e1;
          st <= (e1 == fllm_card_pkg::CARD_OK) ? S_PAR_AR : S_FIN;
        end
        S_PAR_AR: if (c_arready)
          st <= S_PAR_R;
        S_PAR_R: if (c_rvalid) begin
          pb[512 * (ld_beat[0]) +: 512] <= c_rdata;
          ld_beat <= ld_beat + 13'd1;
          if (ld_beat[0])
            st <= S_PAR_DIV;
        end
        S_PAR_DIV: begin
          // n % head_dim for the ROPE check
          div_go <= 1'b1;
          div_num <= 64'(f_n);
          div_den <= (f_hd == 16'd0) ? 64'd1 : 64'(f_hd);
          div_steps <= 7'd32;
          st <= S_PAR_CHK;
        end
        S_PAR_CHK: begin
          if (div_done)
            n_mod_hd <= div_rem[31:0];
          // chk_err uses n_mod_hd: decide the cycle after the division
          if (!div_go && !div_busy && !div_done) begin
            err <= chk_err;
            row <= '0;
            in_r <= f_in;
            in2_r <= f_in2;
            out_r <= f_out;
            nbeats <= 13'((f_n + 32'd15) >> 4);
            st <= (chk_err == fllm_card_pkg::CARD_OK) ? S_ROW : S_FIN;
          end
        end

        // ---------------- one row ----------------
        S_ROW: begin
          ld_beat <= '0;
          ar_addr <= in_r;
          fmax_v <= 1'b0;
          ssq <= '0;
          if (f_op == OP_DEQUANT) begin
            lk <= LK_REC;
            ar_left <= 13'(d_actb >> 6);
            ld_total <= 13'(d_actb >> 6);
          end else begin
            lk <= (f_op == OP_COPY) ? LK_XY : LK_X;
            ar_left <= nbeats;
            ld_total <= nbeats;
          end
          st <= S_LOAD;
        end
        S_LOAD: if (m_rvalid[0]) begin
          // x and y: the write ports below
          if (lk != LK_X && lk != LK_XY && lk != LK_IN2 && lk != LK_REC)
            tabb[ld_beat[4:0]] <= m_rdata;
          if (lk == LK_REC && ld_beat == 13'd0)
            dq_ex <= $signed(32'($signed(m_rdata[0 +: 32])));
          if (lk == LK_X || lk == LK_XY || lk == LK_IN2)
            nf <= nf + 64'(rd_nf);
          if (lk == LK_X && rd_fv && (!fmax_v || $signed(rd_f) > $signed(fmax))) begin
            fmax_v <= 1'b1;
            fmax <= rd_f;
          end
          ld_beat <= ld_beat + 13'd1;
          if (ld_beat + 13'd1 == ld_total) begin
            ei <= '0;
            bi <= '0;
            rj <= '0;
            ld_beat <= '0;
            case (f_op)
              OP_COPY: st <= S_ST;
              OP_DEQUANT: st <= S_D_MRD;
              OP_RMSNORM: st <= (fmax_v || rd_fv) ? S_SSQ_RD : S_ZERO;
              OP_ROPE: begin
                if (lk == LK_X) begin
                  // the table row of position pos + r
                  lk <= LK_TAB;
                  ar_addr <= f_tab + 64'(33'(33'(f_pos) + 33'(row))) * d_tabb;
                  ar_left <= 13'(d_tabb >> 6);
                  ld_total <= 13'(d_tabb >> 6);
                end else begin
                  st <= S_R_RD;
                end
              end
              default: begin
                if (lk == LK_X) begin
                  lk <= LK_IN2;
                  ar_addr <= in2_r;
                  ar_left <= nbeats;
                  ld_total <= nbeats;
                end else begin
                  st <= S_B_RD;
                end
              end
            endcase
          end
        end

        // ---------------- RMSNORM ----------------
        S_ZERO: begin
          // every x is zero: every y is +0
          bi <= bi + 13'd1;
          if (bi + 13'd1 == nbeats)
            st <= S_ST;
        end
        S_SSQ_RD: st <= S_SSQ_OP;
        S_SSQ_OP: begin
          ssq <= ssq + ssq_beat;
          bi <= bi1;
          if (bi1 == nbeats)
            st <= S_SC_DIV1;
        end
        S_SC_DIV1: begin
          // A = (S << k) / n
          logic [6:0] k;
          k = 7'(64 - bitlen(ssq));
          sc_k <= k;
          div_go <= 1'b1;
          div_num <= ssq << k;
          div_den <= 64'(f_n);
          div_steps <= 7'd64;
          st <= S_SC_CALC;
        end
        S_SC_CALC: if (div_done) begin
          // steps 4-5: A and eps cut to 62 bits, added, placed at an even exponent
          logic [63:0] ma, me, m, u;
          int qa, qe, p, len, b, la;
          /* verilator lint_off UNUSEDSIGNAL */
          spl_t ev;   // magnitude only
          /* verilator lint_on UNUSEDSIGNAL */
          la = bitlen(div_quo);
          qa = 2 * $signed(32'($signed(fmax))) - $signed(32'(sc_k));
          if (la > 62) begin
            ma = div_quo >> (la - 62);
            qa = qa + la - 62;
          end else begin
            ma = div_quo << (62 - la);
            qa = qa - (62 - la);
          end
          ev = split(f_eps);
          me = '0;
          qe = 0;
          p = qa;
          if (ev[33:10] != 24'd0) begin
            me = 64'(ev[33:10]) << 38;        // bit length 24 -> 62
            qe = fexp(ev[9:0]) - 38;
            if (qe > p)
              p = qe;
          end
          m = ((p - qa >= 64) ? 64'd0 : ma >> (p - qa)) +
              ((ev[33:10] == 24'd0 || p - qe >= 64) ? 64'd0 : me >> (p - qe));
          len = bitlen(m);
          b = len - 1 + p;
          rms_e <= (b - (b & 1)) / 2;
          u = m << (63 - len + (b & 1));
          sq_u <= u;
          sq_rem <= '0;
          sq_root <= '0;
          sq_cnt <= '0;
          st <= S_SC_SQRT;
        end
        S_SC_SQRT: begin
          // floor(sqrt(U)), two bits per cycle (fllm_vector_isqrt)
          logic [63:0] rem, root, trial;
          rem = {sq_rem[61:0], sq_u[63:62]};   // rem < 2^34: nothing lost
          root = sq_root << 1;
          trial = {root[62:0], 1'b1};
          if (rem >= trial) begin
            rem = rem - trial;
            root = root | 64'd1;
          end
          sq_rem <= rem;
          sq_root <= root;
          sq_u <= sq_u << 2;
          sq_cnt <= sq_cnt + 6'd1;
          if (sq_cnt == 6'd31) begin
            // r = 2^62 / isqrt(U): isqrt >= 2^31, so r < 2^32
            div_go <= 1'b1;
            div_num <= 64'h4000_0000_0000_0000;
            div_den <= root;
            div_steps <= 7'd32;
            st <= S_SC_DIV2;
          end
        end
        S_SC_DIV2: if (div_done) begin
          rms_r <= div_quo[31:0];
          ar_addr <= f_w;
          ar_left <= 13'(d_wb >> 6);
          st <= S_W_HDR;
        end
        S_W_HDR: if (m_rvalid[0]) begin
          ew <= $signed(32'($signed(m_rdata[0 +: 32])));
          ei <= '0;
          st <= S_N_RD;
        end
        S_N_RD: begin
          // a new beat of 32 weights every 32 elements
          if (m_rvalid[0]) begin
            wbeat <= m_rdata;
            st <= S_N_OP;
          end
        end
        S_N_OP: begin
          ei <= eiv;
          if (eiv >= 17'(f_n))
            st <= S_ST;
          else if (eiv[4:0] == 5'd0)
            st <= S_N_RD;    // the next weight beat
        end

        // ---------------- ROPE ----------------
        S_R_RD: st <= S_R_OP;
        S_R_OP: begin
          // n is a multiple of head_dim: whole pairs
          rj <= rj_nx;
          ei <= eiv;
          if (eiv >= 17'(f_n))
            st <= S_ST;
        end

        // ---------------- SILU_MUL, ADD ----------------
        S_B_RD: st <= S_B_OP;
        S_B_OP: begin
          // ADD here; SILU_MUL enters the divider, written as it comes out
          ei <= eiv;
          if (eiv >= 17'(f_n))
            st <= (f_op == OP_ADD) ? S_ST : S_B_WAIT;
        end
        S_B_WAIT: if (!sd_busy)
          st <= S_ST;

        // ---------------- DEQUANT ----------------
        S_D_MRD: st <= S_D_MOP;
        S_D_MOP: begin
          // msx of the group: halfword (8 + 2 G) / 2 of the record
          logic [4:0] hw;
          hw = 5'(5'd4 + 5'(ei >> lgg));     // halfword (8 + 2 G) / 2 of its word
          dq_msx <= xw[{hw, 4'd0} +: 16];
          st <= S_D_OP;
        end
        S_D_OP: begin
          ei <= eiv;
          if (eiv >= 17'(f_n))
            st <= S_ST;
          else if ((eiv & ((17'd1 << lgg) - 17'd1)) == 17'd0)
            st <= S_D_MOP;   // its msx word is being read
        end

        // ---------------- store ----------------
        S_ST: begin
          bi <= '0;
          ei <= '0;
          amax <= '0;
          st <= u_quant ? S_QG_RD : S_ST_RD;
        end
        S_ST_RD: st <= S_ST_PUSH;
        S_ST_PUSH: if (wq_free) begin
          logic [4:0] last;
          last = 5'(f_n[3:0]);
          wq_valid <= 1'b1;
          wq_addr <= out_r + 64'({bi, 6'd0});
          wq_data <= yw;
          wq_strb <= (bi + 13'd1 == nbeats && last != 5'd0) ?
                     ((64'd1 << {last, 2'd0}) - 64'd1) : '1;
          wr_issued <= wr_issued + 32'd1;
          bi <= bi + 13'd1;
          if (bi1 == nbeats)
            st <= S_ROW_END;
        end

        // quantizer: group maxima (a group is whole words: g >= 16)
        S_QG_RD: st <= S_QG_OP;
        S_QG_OP: begin
          gcur <= qg_g;
          if (ymax_beat > amax)
            amax <= ymax_beat;
          bi <= bi1;
          if (bi1 == nbeats)
            st <= S_QE;
        end
        S_QE: begin
          // ex from the row's largest magnitude; the first beat starts with ex
          /* verilator lint_off UNUSEDSIGNAL */
          spl_t v;   // magnitude only
          /* verilator lint_on UNUSEDSIGNAL */
          int ex;
          v = split(amax);
          ex = 0;
          if (amax != 32'd0)
            ex = (v[33:10] <= 24'd16645890) ? -1 - fexp(v[9:0]) : -2 - fexp(v[9:0]);
          q_ex <= ex;
          hb <= {480'd0, 32'(ex)};
          ei <= '0;
          st <= S_QM_RD;
        end
        // msx per group into the pipeline, a group a cycle; its end writes
        // them into gmax and the record header
        S_QM_RD: st <= S_QM_OP;
        S_QM_OP: if (qm_en) begin
          ei <= ei1;
          if (ei1 == 17'(n_groups))
            st <= S_QM_WAIT;
        end
        S_QM_WAIT: if (!qm_busy) begin
          ei <= '0;
          st <= S_QX_RD;
        end
        // xq per element, a beat per 64; padding of the last beat stays 0
        S_QX_RD: st <= S_QX_OP;
        S_QX_OP: if (qx_en) begin
          ei <= eiq;
          if (eiq == qx_total)
            st <= S_QX_WAIT;
        end
        S_QX_WAIT: if (!qx_busy)
          st <= S_ROW_END;

        // ---------------- rows, end ----------------
        S_ROW_END: begin
          row <= row + 32'd1;
          in_r <= in_r + f_ins;
          in2_r <= in2_r + f_in2s;
          out_r <= out_r + f_outs;
          st <= (row + 32'd1 == f_rows) ? S_DRAIN : S_ROW;
        end
        S_DRAIN: if (!wq_valid && wr_issued == wr_acked)
          st <= S_FIN;
        S_FIN: begin
          finish <= 1'b1;
          finish_err <= err;
          finish_result <= (err == fllm_card_pkg::CARD_OK) ? nf : 64'd0;
          st <= S_IDLE;
        end
        default: st <= S_IDLE;
      endcase
    end
  end


  // ------------------------------------------------------------------
  // The write ports of x, y and the group maxima: one port per memory
  // (y with a write enable per 32-bit lane), so that each maps to block
  // RAM. The FSM above decides what is written; these blocks gather its
  // writes into the one port (the writes of one cycle never go to two
  // words: the division pipelines' ends write only while SILU_MUL waits
  // for them, and the quantizer's msx pass never meets the group pass).
  // ------------------------------------------------------------------
  logic         xb_we, yb_we, gm_we;
  logic [11:0]  xb_wa, yb_wa, gm_wa;
  logic [511:0] xb_wd, yb_wd, ld_san;
  logic [15:0]  yb_wl;
  logic [31:0]  gm_wd;
  logic [31:0]  qg_g;           // S_QG_OP: the running maximum of the group

  always_comb begin
    logic [16:0] e0;
    for (int l = 0; l < 16; l++)
      ld_san[l * 32 +: 32] = sanitize(rd_lanes[32 * l +: 32]);
    // the first word of a group starts its maximum
    e0 = {bi, 4'd0};
    qg_g = ((e0 & ((17'd1 << lgg) - 17'd1)) == 17'd0 || ymax_beat > gcur) ?
           ymax_beat : gcur;
    xb_we = !rst && st == S_LOAD && m_rvalid[0] && (lk == LK_X || lk == LK_REC);
    xb_wa = ld_beat[11:0];
    xb_wd = (lk == LK_REC) ? m_rdata : ld_san;
    gm_we = 1'b0;
    gm_wa = qm_out.idx;
    gm_wd = {16'd0, qm_msx};
    if (!rst && qm_valid && qm_en)
      gm_we = 1'b1;
    if (!rst && st == S_QG_OP) begin
      gm_we = 1'b1;
      gm_wa = 12'(e0 >> lgg);
      gm_wd = qg_g;
    end
  end

  always_comb begin
    logic [32 * VL-1:0] v;
    logic               lanes;
    yb_we = 1'b0;
    yb_wa = ei[15:4];
    yb_wl = '0;
    yb_wd = '0;
    lanes = 1'b0;
    v = '0;
    if (!rst && sd_valid) begin
      yb_we = 1'b1;
      yb_wa = sd_idx[15:4];
      for (int k = 0; k < VL; k++) begin
        yb_wl[4'(sd_idx[3:0] + 4'(k))] = sd_live[k];
        yb_wd[{4'(sd_idx[3:0] + 4'(k)), 5'd0} +: 32] = silu_y[32 * k +: 32];
      end
    end
    if (!rst)
      case (st)
        S_LOAD: if (m_rvalid[0] && (lk == LK_XY || lk == LK_IN2)) begin
          yb_we = 1'b1;
          yb_wa = ld_beat[11:0];
          yb_wl = '1;
          yb_wd = ld_san;
        end
        S_ZERO: begin
          yb_we = 1'b1;
          yb_wa = bi[11:0];
          yb_wl = '1;
          yb_wd = '0;
        end
        S_N_OP: begin lanes = 1'b1; v = norm_y; end
        S_R_OP: begin lanes = 1'b1; v = rope_y; end
        S_B_OP: if (f_op == OP_ADD) begin lanes = 1'b1; v = add_y; end
        S_D_OP: begin lanes = 1'b1; v = dq_y; end
        default: ;
      endcase
    if (lanes) begin
      yb_we = 1'b1;
      yb_wa = ei[15:4];
      for (int k = 0; k < VL; k++)
        if (lv[k]) begin
          yb_wl[4'(ei[3:0] + 4'(k))] = 1'b1;
          yb_wd[{4'(ei[3:0] + 4'(k)), 5'd0} +: 32] = v[32 * k +: 32];
        end
    end
  end

  always_ff @(posedge clk) begin
    if (xb_we)
      xb[xb_wa] <= xb_wd;
    if (gm_we)
      gmax[gm_wa] <= gm_wd;
    for (int l = 0; l < 16; l++)
      if (yb_we && yb_wl[l])
        yb[yb_wa][32 * l +: 32] <= yb_wd[32 * l +: 32];
  end
endmodule
