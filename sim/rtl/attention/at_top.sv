// The attention unit (FLLM_CU_ATTENTION, FLLM_OP_ATTENTION): bit-exact with
// the golden model hls/attention*.c (docs/numerics.md "Attention unit").
// One FSM runs the command, in the golden model's order: the block's
// placement, its fetch over the control port, checks 2-9 of A.10 on its
// fields, then every descriptor and the table entries it uses (check 10),
// all before the first write. Then APPEND (load, quantize - an element a
// cycle on the pipelined vu_pdiv - and store each (token, kv head) k and v
// row) or DECODE / PREFILL: per (query token, kv
// head) the group's queries are quantized on chip, the context is streamed
// in tiles of 16 keys (a tile's K, V values and scales in four bursts
// through the block table), and per tile and query head the unit computes
// the logits (64 int8 MACs a cycle), raises the maxima (rescaling S and N
// by shifts), adds the weights (the vector unit's 2^x table, vu_exp2) and
// the weighted values (64 lanes a cycle); at the end of the context one
// reciprocal per head (vu_div) and one fp32 conversion per element.
// F_QUANT keeps the token's fp32 row on chip and writes the LUT-GEMM
// activation record. Single reads go through a one-line read cache, writes
// through a one-line write-combining buffer, posted; docs/rtl.md section 6
// has the states and cycles.
`include "cu_ports.svh"

module at_top (
    `CU_REG_PORTS,
    // control read port: the 192-byte parameter block (3 beats)
    `CU_CTL_PORTS,
    // the one memory port: descriptors, tables, rows and the KV pool
    `CU_MEM_PORTS(1)
);
  localparam logic [7:0] OP_DECODE = fllm_card_pkg::ATTN_OP_DECODE, OP_PREFILL = fllm_card_pkg::ATTN_OP_PREFILL;
  localparam int DMAX = fllm_card_pkg::ATTN_HEAD_DIM_MAX;          // head_dim
  localparam int HMAX = fllm_card_pkg::ATTN_HEADS_MAX;             // query heads (and group)
  localparam int TILE = fllm_card_pkg::ATTN_TILE;
  localparam int YMAX = fllm_card_pkg::ATTN_HEADS_MAX * fllm_card_pkg::ATTN_HEAD_DIM_MAX;   // F_QUANT row
  localparam int LN = 64;                           // MAC lanes: one 64-byte word a cycle
  localparam int HW = DMAX / LN;                    // words of a head row

  // ------------------------------------------------------------------
  // Register block: it holds the argument and the memory size while a
  // command runs, so the unit reads them there
  // ------------------------------------------------------------------
  logic             start, finish;
  logic [7:0]       finish_err;
  logic [63:0]      finish_result, mem_bytes, params, params_bytes;
  /* verilator lint_off UNUSEDSIGNAL */
  logic [383:0] arg;      // words 2..5 are 0 for FLLM_OP_ATTENTION, unused
  logic             rlast_unused;
  /* verilator lint_on UNUSEDSIGNAL */
  assign rlast_unused = c_rlast;
  assign params = arg[0 +: 64];
  assign params_bytes = arg[64 +: 64];

  cu_regs #(.ID(32'h4154_0001)) regs (
    `CU_REG_CONNECT, .start, .arg, .mem_bytes, .finish, .finish_err, .finish_result
  );

  // ------------------------------------------------------------------
  // Arithmetic helpers (hls/attention_math.c, vector_internal.h)
  // ------------------------------------------------------------------
  `include "fp32_fn.svh"

  // the quantizer's token exponent (fllm_vec_quant_ex) of a max |x| (bits)
  function automatic int quant_ex(input logic [31:0] amax);
    /* verilator lint_off UNUSEDSIGNAL */
    spl_t v;   // magnitude only
    /* verilator lint_on UNUSEDSIGNAL */
    v = split(amax);
    quant_ex = (v[33:10] <= 24'd16645890) ? -1 - fexp(v[9:0]) : -2 - fexp(v[9:0]);
  endfunction

  // A.3: z = clamp(rshift_round(dot * mk * qm, sh)), left shifts saturating
  localparam longint ZMAX = 64'sh0040_0000_0000_0000;
  function automatic longint logit(input logic signed [31:0] dot, input logic [15:0] mk,
                                   input logic [24:0] qm, input longint sh);
    longint v;
    logic [63:0] mag;
    int len;
    logic sat;
    v = $signed(64'(dot)) * $signed(64'({48'd0, mk})) * $signed(64'({39'd0, qm}));
    sat = 1'b0;
    if (v != 0 && sh < 63) begin
      if (sh >= 0) begin
        v = lg_pkg::rshift_round(v, 8'(sh));
      end else begin
        mag = v < 0 ? 64'(-v) : 64'(v);
        len = bitlen(mag);
        if ($signed(64'(len)) - sh > 54)
          sat = 1'b1;   // v keeps its sign
        else
          v = v < 0 ? -$signed(64'(mag << (-sh))) : $signed(64'(mag << (-sh)));
      end
    end
    if (v == 0 || sh >= 63)
      logit = 0;
    else if (sat || v > ZMAX || v < -ZMAX)
      logit = v < 0 ? -ZMAX : ZMAX;
    else
      logit = v;
  endfunction

  // ceil(z / 2^24)
  function automatic longint zceil(input longint z);
    zceil = -((-z) >>> 24);
  endfunction

  // A.4: rshift_round(x, s), 0 for s >= 63 (s >= 1)
  function automatic longint rescale(input longint x, input longint s);
    rescale = (s >= 63) ? 64'sd0 : lg_pkg::rshift_round(x, 8'(s));
  endfunction

  // A.4: the weight of u <= 0 from the 2^x table entries lo, hi of u[23:16]
  function automatic logic [31:0] weight(input longint u, input logic [31:0] lo,
                                         input logic [31:0] hi);
    longint i, t;
    logic [47:0] stepw;
    logic [31:0] p;
    i = u >>> 24;
    stepw = 48'(32'(hi - lo)) * 48'(u[15:0]);
    p = lo + 32'((stepw + 48'h8000) >> 16);
    t = 64'sd8 - i;
    weight = 32'(rha(64'(p), t >= 64'sd63 ? 63 : $signed(32'(t))));
  endfunction

  // A.5: |n| cut to 30 bits (half away), times R, rounded once to fp32
  function automatic logic [31:0] outf(input longint n, input logic [32:0] r,
                                       input int sr, input longint dm);
    logic [63:0] mag, a;
    int len, t;
    mag = n < 0 ? 64'(-n) : 64'(n);
    len = bitlen(mag);
    t = len > 30 ? len - 30 : 0;
    a = rha(mag, t) * 64'(r);
    outf = (n == 0) ? 32'd0 : f32(n < 0 ? -$signed(64'(a)) : $signed(64'(a)),
                                  64'sd62 + $signed(64'(sr)) - $signed(64'(t)) - dm);
  endfunction

  // ------------------------------------------------------------------
  // Parameter block fields (struct fllm_attention_params)
  // ------------------------------------------------------------------
  logic [1535:0] pb;
  logic [1535:0]     pbf;
  logic [31:0] f_magic, f_version, f_nseqs, f_scm, f_sce, f_bb, f_pool, f_rows, f_res1;
  logic [7:0]  f_op, f_flags;
  logic [15:0] f_hd, f_nh, f_kh, f_bt, f_group;
  logic [63:0] f_q, f_qs, f_k, f_ks, f_v, f_vs, f_out, f_outs, f_kv, f_seq;
  logic        f_res_nz;

  always_comb begin
    pbf = pb;
    f_magic   = pbf[8 * fllm_card_pkg::ATTN_OFF_MAGIC +: 32];
    f_version = pbf[8 * fllm_card_pkg::ATTN_OFF_VERSION +: 32];
    f_op      = pbf[8 * fllm_card_pkg::ATTN_OFF_OP +: 8];
    f_flags   = pbf[8 * fllm_card_pkg::ATTN_OFF_FLAGS +: 8];
    f_hd      = pbf[8 * fllm_card_pkg::ATTN_OFF_HEAD_DIM +: 16];
    f_nh      = pbf[8 * fllm_card_pkg::ATTN_OFF_N_HEADS +: 16];
    f_kh      = pbf[8 * fllm_card_pkg::ATTN_OFF_N_KV_HEADS +: 16];
    f_bt      = pbf[8 * fllm_card_pkg::ATTN_OFF_BLOCK_TOKENS +: 16];
    f_group   = pbf[8 * fllm_card_pkg::ATTN_OFF_GROUP +: 16];
    f_nseqs   = pbf[8 * fllm_card_pkg::ATTN_OFF_N_SEQS +: 32];
    f_scm     = pbf[8 * fllm_card_pkg::ATTN_OFF_SCALE_M +: 32];
    f_sce     = pbf[8 * fllm_card_pkg::ATTN_OFF_SCALE_E +: 32];
    f_q       = pbf[8 * fllm_card_pkg::ATTN_OFF_Q_ADDR +: 64];
    f_qs      = pbf[8 * fllm_card_pkg::ATTN_OFF_Q_STRIDE +: 64];
    f_k       = pbf[8 * fllm_card_pkg::ATTN_OFF_K_ADDR +: 64];
    f_ks      = pbf[8 * fllm_card_pkg::ATTN_OFF_K_STRIDE +: 64];
    f_v       = pbf[8 * fllm_card_pkg::ATTN_OFF_V_ADDR +: 64];
    f_vs      = pbf[8 * fllm_card_pkg::ATTN_OFF_V_STRIDE +: 64];
    f_out     = pbf[8 * fllm_card_pkg::ATTN_OFF_OUT_ADDR +: 64];
    f_outs    = pbf[8 * fllm_card_pkg::ATTN_OFF_OUT_STRIDE +: 64];
    f_kv      = pbf[8 * fllm_card_pkg::ATTN_OFF_KV_BASE +: 64];
    f_bb      = pbf[8 * fllm_card_pkg::ATTN_OFF_BLOCK_BYTES +: 32];
    f_pool    = pbf[8 * fllm_card_pkg::ATTN_OFF_POOL_BLOCKS +: 32];
    f_seq     = pbf[8 * fllm_card_pkg::ATTN_OFF_SEQ_ADDR +: 64];
    f_rows    = pbf[8 * fllm_card_pkg::ATTN_OFF_ROWS +: 32];
    f_res1    = pbf[8 * fllm_card_pkg::ATTN_OFF_RESERVED1 +: 32];
    f_res_nz  = pbf[8 * fllm_card_pkg::ATTN_OFF_RESERVED +: 8 * fllm_card_pkg::ATTN_SZ_RESERVED] != '0;
  end

  // Shapes derived from the fields (meaningful once the fields passed)
  logic        attends, quant;
  logic [3:0]  lgg;           // log2(group)
  logic [3:0]  lgb;           // log2(block_tokens)
  logic [7:0]  gsz;           // query heads per kv head (n_heads / n_kv_heads)
  logic [15:0] nrow;          // n_heads * head_dim (F_QUANT row)
  logic [12:0] n_groups;      // ceil(nrow / g)
  logic [63:0] d_xo, d_actb, d_hrow, d_krow, d_outb, d_bb, d_pool, d_kvb;

  always_comb begin
    attends = f_op == OP_DECODE || f_op == OP_PREFILL;
    quant = f_flags[0];
    lgg = lg_pkg::group_log2(f_group);
    lgb = 4'd4;
    for (int k = 4; k <= 8; k++)
      if (f_bt[k])
        lgb = 4'(k);
    gsz = 8'((f_kh != 16'd0) ? f_nh / f_kh : 16'd0);
    nrow = 16'(32'(f_nh) * 32'(f_hd));
    n_groups = 13'((32'(nrow) + 32'(f_group) - 32'd1) >> lgg);
    d_xo   = align64(64'd8 + 64'd2 * 64'(n_groups));
    d_actb = align64(d_xo + (64'(n_groups) << lgg));
    d_hrow = 64'd4 * 64'(f_nh) * 64'(f_hd);
    d_krow = 64'd4 * 64'(f_kh) * 64'(f_hd);
    d_outb = quant ? d_actb : d_hrow;
    d_kvb  = 64'(f_kh) * 64'(f_bt) * 64'(f_hd);   // K (and V) values of a block
    d_bb   = align64(64'd2 * d_kvb + 64'd2 * 64'(fllm_card_pkg::ATTN_SCALE_BYTES) * 64'(f_kh) * 64'(f_bt));
    d_pool = 64'(f_pool) * 64'(f_bb);
  end

  // ------------------------------------------------------------------
  // Validation, checks 2-9 (attention_params.c fllm_attn_check_fields,
  // check_memory); rg0_len is the written region for check 10
  // ------------------------------------------------------------------
  logic [7:0]  chk_err;
  logic [63:0] rg0_addr, rg0_len;

  function automatic logic [63:0] span(input logic [31:0] rows, input logic [63:0] stride,
                                       input logic [63:0] rowb);
    span = 64'(32'(rows - 32'd1)) * stride + rowb;
  endfunction

  always_comb begin
    logic [319:0] ra, rs, rb, rl;
    logic [159:0] rr;
    logic [4:0]       ru, rst_;
    logic             shape_ok, bad_al, bad_sz, bad_ad, ovl, bok, gok;

    bok = f_bt == 16'd16 || f_bt == 16'd32 || f_bt == 16'd64 || f_bt == 16'd128 ||
          f_bt == 16'd256;
    gok = f_group == 16'd16 || f_group == 16'd32 || f_group == 16'd64 ||
          f_group == 16'd128 || f_group == 16'd256;
    shape_ok = !(f_op == 8'd0 || f_op > OP_PREFILL) &&
               !(f_hd < 16'(fllm_card_pkg::ATTN_HEAD_DIM_STEP) || f_hd > 16'(DMAX) || f_hd[2:0] != 3'd0) &&
               !(f_kh == 16'd0 || f_nh == 16'd0 || f_nh > 16'(HMAX) ||
                 (f_kh != 16'd0 && f_nh % f_kh != 16'd0)) &&
               bok &&
               !(f_nseqs == 32'd0 || f_nseqs > fllm_card_pkg::ATTN_SEQS_MAX ||
                 (f_op == OP_PREFILL && f_nseqs != 32'd1)) &&
               !(f_rows == 32'd0 || f_rows > fllm_card_pkg::ATTN_ROWS_MAX || f_pool == 32'd0) &&
               64'(f_bb) == d_bb;

    // the regions of attention_params.c regions(): written, two row inputs,
    // the descriptors, the pool when read
    ra[192 +: 64] = f_seq;  rs[192 +: 64] = 64'd0;  rb[192 +: 64] = 64'(f_nseqs) * 64'(fllm_card_pkg::ATTN_SEQ_BYTES);
    rr[96 +: 32] = 32'd1;  ru[3] = 1'b1;   rst_[3] = 1'b0;
    if (attends) begin
      ra[0 +: 64] = f_out;  rs[0 +: 64] = f_outs; rb[0 +: 64] = d_outb; rr[0 +: 32] = f_rows; ru[0] = 1'b1;
      rst_[0] = 1'b1;
      ra[64 +: 64] = f_q;    rs[64 +: 64] = f_qs;   rb[64 +: 64] = d_hrow; rr[32 +: 32] = f_rows; ru[1] = 1'b1;
      rst_[1] = 1'b1;
      ra[128 +: 64] = 64'd0;  rs[128 +: 64] = 64'd0;  rb[128 +: 64] = 64'd0;  rr[64 +: 32] = 32'd1;  ru[2] = 1'b0;
      rst_[2] = 1'b0;
      ra[256 +: 64] = f_kv;   rs[256 +: 64] = 64'd0;  rb[256 +: 64] = d_pool; rr[128 +: 32] = 32'd1;  ru[4] = 1'b1;
      rst_[4] = 1'b0;
    end else begin
      ra[0 +: 64] = f_kv;   rs[0 +: 64] = 64'd0;  rb[0 +: 64] = d_pool; rr[0 +: 32] = 32'd1;  ru[0] = 1'b1;
      rst_[0] = 1'b0;
      ra[64 +: 64] = f_k;    rs[64 +: 64] = f_ks;   rb[64 +: 64] = d_krow; rr[32 +: 32] = f_rows; ru[1] = 1'b1;
      rst_[1] = 1'b1;
      ra[128 +: 64] = f_v;    rs[128 +: 64] = f_vs;   rb[128 +: 64] = d_krow; rr[64 +: 32] = f_rows; ru[2] = 1'b1;
      rst_[2] = 1'b1;
      ra[256 +: 64] = 64'd0;  rs[256 +: 64] = 64'd0;  rb[256 +: 64] = 64'd0;  rr[128 +: 32] = 32'd1;  ru[4] = 1'b0;
      rst_[4] = 1'b0;
    end
    for (int i = 0; i < 5; i++)
      rl[64 * i +: 64] = span(rr[32 * i +: 32], rs[64 * i +: 64], rb[64 * i +: 64]);
    rg0_addr = ra[0 +: 64];
    rg0_len = rl[0 +: 64];

    bad_al = 1'b0;
    bad_sz = 1'b0;
    bad_ad = 1'b0;
    ovl = 1'b0;
    for (int i = 0; i < 5; i++) begin
      if (ru[i] && (ra[64 * i +: 6] != 6'd0 || rs[64 * i +: 6] != 6'd0))
        bad_al = 1'b1;
      if (ru[i] && rst_[i] && rs[64 * i +: 64] < rb[64 * i +: 64])
        bad_sz = 1'b1;
      if (ru[i] && (rs[64 * i +: 64] > mem_bytes || !lg_pkg::range_ok(ra[64 * i +: 64], rl[64 * i +: 64], mem_bytes)))
        bad_ad = 1'b1;
      if (i != 0 && ru[i] && lg_pkg::overlap(ra[0 +: 64], rl[0 +: 64], ra[64 * i +: 64], rl[64 * i +: 64]))
        ovl = 1'b1;
    end

    if (f_magic != fllm_card_pkg::ATTN_MAGIC || f_version != fllm_card_pkg::ATTN_VERSION)
      chk_err = fllm_card_pkg::CARD_ERR_PARAM;
    else if ((f_flags & ~8'(fllm_card_pkg::ATTN_F_MASK)) != 8'd0 || f_res1 != 32'd0 || f_res_nz)
      chk_err = fllm_card_pkg::CARD_ERR_FLAGS;
    else if (!shape_ok)
      chk_err = fllm_card_pkg::CARD_ERR_PARAM;
    else if (attends && (f_k != 64'd0 || f_ks != 64'd0 || f_v != 64'd0 || f_vs != 64'd0 ||
                         (!quant && f_group != 16'd0)))
      chk_err = fllm_card_pkg::CARD_ERR_FLAGS;
    else if (attends && (!f_scm[31] || $signed(f_sce) < 0 ||
                         $signed(f_sce) > fllm_card_pkg::ATTN_SCALE_E_MAX || (quant && !gok)))
      chk_err = fllm_card_pkg::CARD_ERR_PARAM;
    else if (!attends && (f_flags != 8'd0 || f_group != 16'd0 || f_q != 64'd0 ||
                          f_qs != 64'd0 || f_out != 64'd0 || f_outs != 64'd0 ||
                          f_scm != 32'd0 || f_sce != 32'd0))
      chk_err = fllm_card_pkg::CARD_ERR_FLAGS;
    else if (bad_al)
      chk_err = fllm_card_pkg::CARD_ERR_ALIGN;
    else if (bad_sz)
      chk_err = fllm_card_pkg::CARD_ERR_SIZE;
    else if (bad_ad)
      chk_err = fllm_card_pkg::CARD_ERR_ADDR;
    else if (ovl || lg_pkg::overlap(ra[0 +: 64], rl[0 +: 64], params, 64'(fllm_card_pkg::ATTN_PARAMS_BYTES)))
      chk_err = fllm_card_pkg::CARD_ERR_PARAM;
    else
      chk_err = fllm_card_pkg::CARD_OK;
  end

  // Check 10 on the descriptor in dsc (check_seq before its table entries)
  logic [255:0] dsc;
  logic [31:0] d_pos, d_ntok, d_row, d_tlen;
  logic [63:0] d_taddr, d_res;
  logic [63:0] d_need;        // table entries used
  logic [7:0]  seq_err;

  always_comb begin
    d_pos   = dsc[0 +: 32];
    d_ntok  = dsc[32 +: 32];
    d_row   = dsc[64 +: 32];
    d_tlen  = dsc[96 +: 32];
    d_taddr = dsc[128 +: 64];
    d_res   = dsc[192 +: 64];
    d_need  = (64'(d_pos) + 64'(d_ntok) + 64'(f_bt) - 64'd1) >> lgb;
    if (d_res != 64'd0)
      seq_err = fllm_card_pkg::CARD_ERR_FLAGS;
    else if (d_ntok == 32'd0 || d_ntok > fllm_card_pkg::ATTN_CHUNK_MAX ||
             (f_op == OP_DECODE && d_ntok != 32'd1))
      seq_err = fllm_card_pkg::CARD_ERR_PARAM;
    else if (64'(d_row) + 64'(d_ntok) > 64'(f_rows) ||
             64'(d_pos) + 64'(d_ntok) > 64'(fllm_card_pkg::ATTN_CTX_MAX))
      seq_err = fllm_card_pkg::CARD_ERR_PARAM;
    else if (64'(d_tlen) < d_need || d_tlen > fllm_card_pkg::ATTN_TABLE_MAX)
      seq_err = fllm_card_pkg::CARD_ERR_PARAM;
    else if (d_taddr[1:0] != 2'd0)
      seq_err = fllm_card_pkg::CARD_ERR_ALIGN;
    else if (!lg_pkg::range_ok(d_taddr, 64'd4 * 64'(d_tlen), mem_bytes))
      seq_err = fllm_card_pkg::CARD_ERR_ADDR;
    else if (lg_pkg::overlap(rg0_addr, rg0_len, d_taddr, 64'd4 * 64'(d_tlen)))
      seq_err = fllm_card_pkg::CARD_ERR_PARAM;
    else
      seq_err = fllm_card_pkg::CARD_OK;
  end

  // ------------------------------------------------------------------
  // Divider: the quantizer's scales and magnitudes, the reciprocals
  // ------------------------------------------------------------------
  logic        div_go, div_done;
  logic [63:0] div_num, div_den, div_quo;
  /* verilator lint_off UNUSEDSIGNAL */
  logic [63:0] div_rem;
  logic        div_busy;
  /* verilator lint_on UNUSEDSIGNAL */
  logic [6:0]  div_steps;

  vu_div div (
    .clk, .rst, .go(div_go), .num(div_num), .den(div_den), .steps(div_steps),
    .busy(div_busy), .done(div_done), .quo(div_quo), .rem(div_rem)
  );

  // ------------------------------------------------------------------
  // On-chip memories
  // ------------------------------------------------------------------
  logic [31:0]  xb [DMAX];               // (d) fp32 bits of a head row, sanitized
  logic [8*LN-1:0] xqw [HMAX * HW];      // (group, d) int8 queries, LN a word
  logic [24:0]  qm_a [HMAX];             // (group) query factors
  logic signed [31:0] qsh_a [HMAX];      // (group) eq + scale_e - qr - 24
  // one tile as it lies in its block: key t, byte i at t * d + i
  logic [511:0] kql [TILE * DMAX / 64];  // (tile * d) int8 keys
  logic [511:0] vql [TILE * DMAX / 64];  // (tile * d) int8 values
  logic [511:0] ksl, vsl;                // (tile) {uint16 m, int16 e} scales
  logic [15:0]  km_a [TILE], vm_a [TILE];
  logic signed [15:0] ke_a [TILE], ve_a [TILE];
  always_comb
    for (int t = 0; t < TILE; t++) begin
      km_a[t] = ksl[32 * t +: 16];
      ke_a[t] = ksl[32 * t + 16 +: 16];
      vm_a[t] = vsl[32 * t +: 16];
      ve_a[t] = vsl[32 * t + 16 +: 16];
    end
  longint       z_a [TILE];              // (tile) logits of one head
  logic [64*LN-1:0] numw [HMAX * HW];    // (group, d) N, LN lanes of int64 a word
  logic [63:0]  den_a [HMAX];            // (group) S
  longint       mx_a [HMAX], mv_a [HMAX];  // (group) M, M'
  logic         mvv_a [HMAX];            // M' defined
  logic [31:0]  yb [YMAX];               // (n_heads * d) F_QUANT row
  logic [31:0]  gmx [YMAX / 16];         // (groups) max |y| bits

  // sequence descriptors kept from the validation pass
  logic [31:0]  sq_pos [fllm_card_pkg::ATTN_SEQS_MAX], sq_ntok [fllm_card_pkg::ATTN_SEQS_MAX], sq_row [fllm_card_pkg::ATTN_SEQS_MAX];
  logic [63:0]  sq_tab [fllm_card_pkg::ATTN_SEQS_MAX];

  // ------------------------------------------------------------------
  // Command FSM
  // ------------------------------------------------------------------
  typedef enum logic [6:0] {
    S_IDLE, S_PLACE, S_PAR_AR, S_PAR_R, S_CHK, S_DV_REQ, S_DV_DAT, S_DV_CHK, S_DT_REQ,
    S_DT_DAT, S_SEQ, S_TOK, S_BLK_REQ, S_BLK_DAT, S_AP_H, S_LD_REQ, S_LD_DAT, S_QZ_SC,
    S_QZ_SDIV, S_QZ_EL, S_QZ_DR, S_AP_W, S_AP_WN, S_AP_S, S_AP_SN, S_AJ, S_AQ, S_AQ_F,
    S_TILE, S_TL, S_TH, S_DOT, S_LOGIT, S_MAX, S_NZ, S_RESC, S_ACC_W, S_ACC_N, S_OUT,
    S_OUT_DIV, S_OUT_EL, S_OUT_NX, S_RG0, S_RG1, S_RZ, S_RZN, S_REX, S_RMS, S_RMS_DIV,
    S_RMS_W, S_RX, S_RX_DIV, S_RX_W, S_RP, S_RTOK, S_FLUSH, S_END, S_MEM, S_RAR,
    S_RR, S_FIN
  } state_t;

  state_t      st, ret, blk_ret, ld_ret, qz_ret, fl_ret;
  logic [7:0]  err;
  logic [63:0] nf;

  // memory access: one naturally aligned access of ma_n bytes (read: 8)
  logic [63:0]  ma_addr, ma_wdata, ma_rdata;
  logic         ma_wr;
  logic [3:0]   ma_n;
  logic [57:0]  rc_line, wb_line;
  logic         rc_valid, wb_valid, aw_ok, w_ok;
  logic [31:0]  wr_issued, wr_acked;  // posted line writes and their responses
  logic [511:0] rc_data, wb_data;
  logic [63:0]  wb_strb;

  // loop state
  logic [1:0]  pbi, dw;
  logic [8:0]  si;                 // sequence
  logic [31:0] ti, pos, row;       // token in the sequence, its position and row
  logic [31:0] ei, wi;             // element, word (and table entry, group) indices
  logic [15:0] h, j, k;            // kv head (APPEND), kv head, head of the group
  logic        kv;                 // APPEND: 0 K, 1 V
  logic [63:0] blk, src;           // block address; row source address
  logic [31:0] p0, tk;             // tile start, key in the tile
  logic [4:0]  tc;                 // keys in the tile
  logic [31:0] amax;               // max |x| bits of the loaded row
  int          qe;                 // quantizer exponent e of the row
  logic [15:0] qms;                // its scale mantissa
  logic signed [31:0] dot;
  longint      mt, vt;
  logic        vtv;                // vt defined
  longint      shv;                // N rescale shift
  logic [63:0] wv;                 // value weight times msv
  logic [32:0] rr;                 // reciprocal R
  int          sr;
  longint      dmx;                // M' - M (0 while M' is undefined)
  logic [63:0] rec;                // F_QUANT record address
  int          rex;                // record exponent
  logic [15:0] msx;
  logic [31:0] gi;                 // record group
  logic [31:0] rk;                 // record element gi * g + ei
  assign rk = (gi << lgg) + ei;

  logic [31:0] dq;                 // head_dim / 8
  logic [31:0] tok_n;
  assign dq = 32'(f_hd) >> 3;

  // the block slots of positions pos and tk
  logic [63:0] pslot, tslot;
  assign pslot = {56'd0, pos[7:0] & 8'(f_bt - 16'd1)};
  assign tslot = {56'd0, tk[7:0] & 8'(f_bt - 16'd1)};

  assign m_arvalid[0] = st == S_RAR || (st == S_TL && ip < 3'd4);
  assign m_araddr  = st == S_TL ? ia : {ma_addr[63:6], 6'd0};
  assign m_arlen   = st == S_TL ? ilen - 8'd1 : 8'd0;
  assign m_rready[0]  = st == S_RR || (st == S_TL && ip <= 3'd4);
  assign m_awvalid[0] = st == S_FLUSH && !aw_ok;
  assign m_awaddr  = {wb_line, 6'd0};
  assign m_wvalid[0]  = st == S_FLUSH && !w_ok;
  assign m_wdata   = wb_data;
  assign m_wstrb   = wb_strb;
  assign m_bready[0]  = 1'b1;
  assign c_arvalid = st == S_PAR_AR;
  assign c_araddr  = params;
  assign c_arlen   = 8'd2;
  assign c_rready  = st == S_PAR_R;
  assign finish = st == S_FIN;
  assign finish_err = err;
  assign finish_result = err == fllm_card_pkg::CARD_OK ? nf : 64'd0;

  // 8 bytes of the cached line at ma_addr (bytes past the line read 0)
  logic [63:0] rc_word;
  always_comb begin
    /* verilator lint_off UNUSEDSIGNAL */
    logic [1023:0] w;   // the low word only
    /* verilator lint_on UNUSEDSIGNAL */
    w = {512'd0, rc_data} >> {ma_addr[5:0], 3'd0};
    rc_word = w[63:0];
  end

  // Tile loads: four bursts (K values, V values, K scales, V scales of the
  // tile's keys, contiguous in its block: a tile never crosses a block),
  // issued while the beats of earlier ones arrive in order. Part p is at
  // tile_addr(p), tile_beats(p) beats; ip, ia, il: the part, address and
  // beats left to request; rp, ri: the part and beat being received.
  logic [2:0]  ip, rp;
  logic [63:0] ia;
  logic [6:0]  il, ri;
  logic [7:0]  ilen;            // this request's beats: <= 64, inside a 4 KB page
  logic [63:0] t_kv;            // the tile's first K value
  logic [63:0] t_ks;            // the tile's first K scale
  logic [6:0]  t_beats;         // beats of the tile's K (and V) values

  always_comb begin
    logic [12:0] room;
    t_kv = blk + (64'(j) * 64'(f_bt) + tslot) * 64'(f_hd);
    t_ks = blk + 64'd2 * d_kvb + 64'(fllm_card_pkg::ATTN_SCALE_BYTES) * (64'(j) * 64'(f_bt) + tslot);
    t_beats = 7'((32'(tc) * 32'(f_hd) + 32'd63) >> 6);
    room = 13'((13'h1000 - 13'(ia[11:0])) >> 6);
    ilen = 8'(il);
    if (13'(ilen) > room)
      ilen = 8'(room);
  end

  function automatic logic [63:0] tile_addr(input logic [2:0] p);
    case (p)
      3'd0: tile_addr = t_kv;
      3'd1: tile_addr = t_kv + d_kvb;
      3'd2: tile_addr = t_ks;
      default: tile_addr = t_ks + 64'(fllm_card_pkg::ATTN_SCALE_BYTES) * 64'(f_kh) * 64'(f_bt);
    endcase
  endfunction

  function automatic logic [6:0] tile_beats(input logic [2:0] p);
    tile_beats = p < 3'd2 ? t_beats : 7'd1;
  endfunction

  // the 2^x table, for S's weight (a) and N's (b)
  longint      ua, ub;
  logic [31:0] ea_lo, ea_hi, eb_lo, eb_hi;
  vu_exp2 exa (.j(ua[23:16]), .lo(ea_lo), .hi(ea_hi));
  vu_exp2 exb (.j(ub[23:16]), .lo(eb_lo), .hi(eb_hi));
  always_comb begin
    ua = z_a[tk[3:0]] - mx_a[k[6:0]] * 64'sd16777216;
    ub = z_a[tk[3:0]] - ($signed(64'(ve_a[tk[3:0]])) + mv_a[k[6:0]]) * 64'sd16777216;
  end

  // word wi (LN values from value LN * wi) of key tk in the tile buffers:
  // key t starts at byte t * d, a multiple of 8, so a word spans two lines
  logic [8*LN-1:0] kword, vword;
  logic [6:0]      nval;        // lanes of the word below d
  always_comb begin
    logic [8:0]  wo;    // 8-byte units from the tile's start
    logic [5:0]  l0, l1;
    logic [31:0] rest;  // values of the row from this word on
    /* verilator lint_off UNUSEDSIGNAL */
    logic [1023:0] kk, vv;   // the low word only
    /* verilator lint_on UNUSEDSIGNAL */
    wo = 9'(tk[3:0]) * 9'(dq) + {4'd0, wi[1:0], 3'd0};
    l0 = wo[8:3];
    l1 = l0 + 6'd1;     // past the tile only for lanes past d
    kk = {kql[l1], kql[l0]} >> {wo[2:0], 6'd0};
    vv = {vql[l1], vql[l0]} >> {wo[2:0], 6'd0};
    kword = kk[8*LN-1:0];
    vword = vv[8*LN-1:0];
    rest = 32'(f_hd) - {wi[25:0], 6'd0};
    nval = (rest >= 32'(LN)) ? 7'(LN) : 7'(rest);
  end

  // the LN-lane dot product of query word wi of head k and key word wi of key tk
  logic signed [31:0] dotw;
  always_comb begin
    logic [8*LN-1:0] a;
    a = xqw[{k[6:0], wi[1:0]}];
    dotw = 32'sd0;
    for (int l = 0; l < LN; l++)
      if (7'(l) < nval)
        dotw = dotw + 32'($signed(a[8 * l +: 8])) * 32'($signed(kword[8 * l +: 8]));
  end

  logic [31:0] dwn;                // words of a head row: ceil(d / LN)
  assign dwn = (32'(f_hd) + 32'(LN) - 32'd1) / 32'(LN);

  // the element being quantized and its magnitude inputs
  spl_t        qx;
  int          qs;                 // s = -(f + e)
  assign qx = split(st == S_RX || st == S_RX_DIV ? yb[rk[14:0]] : xb[ei[7:0]]);
  assign qs = -(fexp(qx.f) + (st == S_RX || st == S_RX_DIV ? rex : qe));

  // A.2's magnitudes, an element a cycle: round_half_away(m / (ms 2^s)) =
  // floor((2m + D) / 2D), D = ms 2^s, on the vector unit's pipelined
  // divider (<= 128: 8 quotient bits, 128 clamped to 127 as in the C)
  typedef struct packed {
    logic       zero;   // x = 0, ms = 0 or s >= 40: xq = 0
    logic       neg;
    logic [7:0] idx;    // element
  } qz_tag_t;
  qz_tag_t     qz_in, qz_out;
  logic        qz_ov;
  /* verilator lint_off UNUSEDSIGNAL */
  logic        qz_busy;
  /* verilator lint_on UNUSEDSIGNAL */
  logic [7:0]  qz_quo, qz_mag;
  logic [57:0] qz_num, qz_den;
  logic [8:0]  qz_cnt;          // results written of the row
  always_comb begin
    qz_in.zero = qx.m == 24'd0 || qms == 16'd0 || qs >= 40;
    qz_in.neg = qx.neg;
    qz_in.idx = ei[7:0];
    qz_num = qz_in.zero ? 58'd0 : 58'({qx.m, 1'b0}) + (58'(qms) << qs);
    qz_den = qz_in.zero ? 58'd1 : 58'(qms) << (qs + 1);
  end
  vu_pdiv #(.NW(58), .DW(58), .STEPS(8), .PW($bits(qz_in))) qzdiv (
    .clk, .rst, .en(1'b1), .in_valid(st == S_QZ_EL), .num(qz_num), .den(qz_den),
    .in_tag(qz_in), .out_valid(qz_ov), .quo(qz_quo), .out_tag(qz_out), .busy(qz_busy)
  );
  always_comb begin
    logic [7:0] q;
    q = qz_out.zero ? 8'd0 : qz_quo[7] ? 8'd127 : qz_quo;
    qz_mag = qz_out.neg ? -q : q;
  end

  // a memory access through S_MEM, resuming in state r: 8 bytes read at a
  // (ma_rdata), or the n bytes of d written at a
  task automatic mem_read(input logic [63:0] a, input state_t r);
    ma_addr <= a;
    ma_wr <= 1'b0;
    ret <= r;
    st <= S_MEM;
  endtask

  task automatic mem_write(input logic [63:0] a, input logic [63:0] d, input logic [3:0] n,
                           input state_t r);
    ma_addr <= a;
    ma_wdata <= d;
    ma_n <= n;
    ma_wr <= 1'b1;
    ret <= r;
    st <= S_MEM;
  endtask

  always_ff @(posedge clk) begin
    div_go <= 1'b0;
    if (m_bvalid[0])
      wr_acked <= wr_acked + 32'd1;
    if (rst) begin
      wr_issued <= '0;
      wr_acked <= '0;
      st <= S_IDLE;
      err <= fllm_card_pkg::CARD_OK;
      rc_valid <= 1'b0;
      wb_valid <= 1'b0;
      aw_ok <= 1'b0;
      w_ok <= 1'b0;
    end else begin
      case (st)
        S_IDLE: if (start) st <= S_PLACE;
        S_PLACE: begin
          logic [7:0] e1;
          e1 = lg_pkg::block_place_err(params, params_bytes, 64'(fllm_card_pkg::ATTN_PARAMS_BYTES), mem_bytes);
          err <= e1;
          nf <= '0;
          rc_valid <= 1'b0;
          wb_valid <= 1'b0;
          wb_strb <= '0;
          pbi <= 2'd0;
          st <= (e1 == fllm_card_pkg::CARD_OK) ? S_PAR_AR : S_FIN;
        end
        S_PAR_AR: if (c_arready) st <= S_PAR_R;
        S_PAR_R: if (c_rvalid) begin
          pb[512 * pbi +: 512] <= c_rdata;
          pbi <= pbi + 2'd1;
          if (pbi == 2'd2)
            st <= S_CHK;
        end
        S_CHK: begin
          err <= chk_err;
          si <= '0;
          dw <= 2'd0;
          st <= (chk_err == fllm_card_pkg::CARD_OK) ? S_DV_REQ : S_FIN;
        end

        // check 10: descriptors and the table entries they use
        S_DV_REQ: begin
          mem_read(f_seq + 64'(si) * 64'(fllm_card_pkg::ATTN_SEQ_BYTES) + 64'({dw, 3'd0}), S_DV_DAT);
        end
        S_DV_DAT: begin
          dsc[64 * dw +: 64] <= ma_rdata;
          dw <= dw + 2'd1;
          st <= (dw == 2'd3) ? S_DV_CHK : S_DV_REQ;
        end
        S_DV_CHK: begin
          err <= seq_err;
          sq_pos[si[7:0]] <= d_pos;
          sq_ntok[si[7:0]] <= d_ntok;
          sq_row[si[7:0]] <= d_row;
          sq_tab[si[7:0]] <= d_taddr;
          wi <= '0;
          st <= (seq_err == fllm_card_pkg::CARD_OK) ? S_DT_REQ : S_FIN;
        end
        S_DT_REQ: begin
          mem_read(d_taddr + 64'({wi, 2'd0}), S_DT_DAT);
        end
        S_DT_DAT: begin
          if (ma_rdata[31:0] >= f_pool) begin
            err <= fllm_card_pkg::CARD_ERR_ADDR;
            st <= S_FIN;
          end else if (64'(wi) + 64'd1 == d_need) begin
            si <= si + 9'd1;
            dw <= 2'd0;
            if (32'(si) + 32'd1 == f_nseqs) begin
              si <= '0;
              st <= S_SEQ;
            end else begin
              st <= S_DV_REQ;
            end
          end else begin
            wi <= wi + 32'd1;
            st <= S_DT_REQ;
          end
        end

        // the command, sequence by sequence, token by token
        S_SEQ: begin
          if (32'(si) == f_nseqs) begin
            fl_ret <= S_END;
            st <= wb_valid ? S_FLUSH : S_END;
          end else begin
            ti <= '0;
            tok_n <= sq_ntok[si[7:0]];
            st <= S_TOK;
          end
        end
        S_TOK: begin
          if (ti == tok_n) begin
            si <= si + 9'd1;
            st <= S_SEQ;
          end else begin
            pos <= sq_pos[si[7:0]] + ti;
            row <= sq_row[si[7:0]] + ti;
            h <= '0;
            j <= '0;
            kv <= 1'b0;
            if (attends) begin
              st <= S_AJ;
            end else begin
              tk <= sq_pos[si[7:0]] + ti;
              blk_ret <= S_AP_H;
              st <= S_BLK_REQ;
            end
          end
        end
        // blk = the pool block of position tk of sequence si
        S_BLK_REQ: begin
          mem_read(sq_tab[si[7:0]] + 64'({tk >> lgb, 2'd0}), S_BLK_DAT);
        end
        S_BLK_DAT: begin
          blk <= f_kv + 64'(ma_rdata[31:0]) * 64'(f_bb);
          st <= blk_ret;
        end

        // APPEND: kv head h of the token's k (kv 0) and v (kv 1) rows
        S_AP_H: begin
          if (h == f_kh) begin
            ti <= ti + 32'd1;
            st <= S_TOK;
          end else begin
            src <= (kv ? f_v + 64'(row) * f_vs : f_k + 64'(row) * f_ks) +
                   64'd4 * 64'(h) * 64'(f_hd);
            ei <= '0;
            k <= '0;
            ld_ret <= S_QZ_SC;
            qz_ret <= S_AP_W;
            st <= S_LD_REQ;
          end
        end
        S_AP_W: begin
          mem_write(blk + (kv ? d_kvb : 64'd0) +
                     (64'(h) * 64'(f_bt) + pslot) * 64'(f_hd) +
                     64'({wi, 3'd0}), xqw[9'(wi[4:3])][64 * wi[2:0] +: 64], 4'd8, S_AP_WN);
        end
        S_AP_WN: begin
          wi <= wi + 32'd1;
          st <= (wi + 32'd1 == dq) ? S_AP_S : S_AP_W;
        end
        S_AP_S: begin
          mem_write(blk + 64'd2 * d_kvb + 64'(fllm_card_pkg::ATTN_SCALE_BYTES) *
                     ((kv ? 64'(f_kh) * 64'(f_bt) : 64'd0) + 64'(h) * 64'(f_bt) +
                      pslot), {32'd0, 16'(qe), qms}, 4'd4, S_AP_SN);
        end
        S_AP_SN: begin
          kv <= !kv;
          if (kv)
            h <= h + 16'd1;
          st <= S_AP_H;
        end

        // load a head row (d fp32 at src) into xb, sanitized, two a read
        S_LD_REQ: begin
          mem_read(src + 64'({ei, 2'd0}), S_LD_DAT);
          if (ei == 32'd0)
            amax <= '0;
        end
        S_LD_DAT: begin
          logic [31:0] a, b, m;
          a = sanitize(ma_rdata[31:0]);
          b = sanitize(ma_rdata[63:32]);
          nf <= nf + 64'(ma_rdata[30:23] == 8'hff) + 64'(ma_rdata[62:55] == 8'hff);
          xb[ei[7:0]] <= a;
          xb[ei[7:0] + 8'd1] <= b;
          m = amax;
          if ({1'b0, a[30:0]} > m)
            m = {1'b0, a[30:0]};
          if ({1'b0, b[30:0]} > m)
            m = {1'b0, b[30:0]};
          amax <= m;
          ei <= ei + 32'd2;
          st <= (ei + 32'd2 == 32'(f_hd)) ? ld_ret : S_LD_REQ;
        end

        // A.2: quantize xb into query slot k of xqw (scale qms, exponent qe)
        S_QZ_SC: begin
          ei <= '0;
          qz_cnt <= '0;
          if (amax == 32'd0) begin
            qe <= 0;
            qms <= '0;
            st <= S_QZ_EL;
          end else begin
            /* verilator lint_off UNUSEDSIGNAL */
            spl_t v;
            /* verilator lint_on UNUSEDSIGNAL */
            int e;
            v = split(amax);
            e = quant_ex(amax);
            qe <= e;
            div_num <= 64'(v[33:10]) + (64'd127 << (-(fexp(v[9:0]) + e))) - 64'd1;
            div_den <= 64'd127 << (-(fexp(v[9:0]) + e));
            div_steps <= 7'd16;
            div_go <= 1'b1;
            st <= S_QZ_SDIV;
          end
        end
        S_QZ_SDIV: if (div_done) begin
          qms <= div_quo[15:0];
          st <= S_QZ_EL;
        end
        // an element a cycle into the pipelined divider (qzdiv), whose
        // results the block after this case writes into xqw
        S_QZ_EL: begin
          ei <= ei + 32'd1;
          if (ei + 32'd1 == 32'(f_hd))
            st <= S_QZ_DR;
        end
        S_QZ_DR: if (qz_cnt == f_hd[8:0]) begin
          wi <= '0;
          st <= qz_ret;
        end

        // DECODE / PREFILL: kv head j of the token at pos, row
        S_AJ: begin
          if (j == f_kh) begin
            if (quant) begin
              rec <= f_out + 64'(row) * f_outs;
              ei <= '0;
              st <= S_RG0;
            end else begin
              ti <= ti + 32'd1;
              st <= S_TOK;
            end
          end else begin
            k <= '0;
            st <= S_AQ;
          end
        end
        S_AQ: begin
          if (k == 16'(gsz)) begin
            p0 <= '0;
            st <= S_TILE;
          end else begin
            src <= f_q + 64'(row) * f_qs +
                   64'd4 * (64'(j) * 64'(gsz) + 64'(k)) * 64'(f_hd);
            ei <= '0;
            ld_ret <= S_QZ_SC;
            qz_ret <= S_AQ_F;
            st <= S_LD_REQ;
          end
        end
        // A.3: the query factor
        S_AQ_F: begin
          logic [63:0] qf;
          int len, qr;
          qf = 64'(qms) * 64'(f_scm);
          len = bitlen(qf);
          qr = len > 24 ? len - 24 : 0;
          qm_a[k[6:0]] <= 25'(rha(qf, qr));
          qsh_a[k[6:0]] <= qe + $signed(f_sce) - qr - 24;
          k <= k + 16'd1;
          st <= S_AQ;
        end

        // tiles of 16 keys: positions p0 .. p0 + tc - 1
        S_TILE: begin
          if (p0 > pos) begin
            k <= '0;
            st <= S_OUT;
          end else begin
            tc <= (pos - p0 + 32'd1 < 32'(TILE)) ? 5'(pos - p0 + 32'd1) : 5'(TILE);
            ip <= 3'd5;
            st <= S_TL;
          end
        end
        // the tile's block, then its four bursts (tk: the tile's first position)
        S_TL: begin
          if (ip == 3'd5) begin
            // first state of the tile: look its block up
            tk <= p0;
            blk_ret <= S_TL;
            ip <= 3'd6;
            st <= S_BLK_REQ;
          end else if (ip == 3'd6) begin
            ip <= 3'd0;
            rp <= 3'd0;
            ri <= '0;
            ia <= tile_addr(3'd0);
            il <= tile_beats(3'd0);
          end else begin
            if (ip < 3'd4 && m_arready[0]) begin
              if (7'(ilen) == il) begin
                ip <= ip + 3'd1;
                ia <= tile_addr(ip + 3'd1);
                il <= tile_beats(ip + 3'd1);
              end else begin
                ia <= ia + {50'd0, ilen, 6'd0};
                il <= il - 7'(ilen);
              end
            end
            if (m_rvalid[0]) begin
              case (rp)
                3'd0: kql[ri[5:0]] <= m_rdata;
                3'd1: vql[ri[5:0]] <= m_rdata;
                3'd2: ksl <= m_rdata;
                default: vsl <= m_rdata;
              endcase
              ri <= ri + 7'd1;
              if (ri + 7'd1 == tile_beats(rp)) begin
                ri <= '0;
                rp <= rp + 3'd1;
                if (rp == 3'd3) begin
                  tk <= '0;
                  k <= '0;
                  st <= S_TH;
                end
              end
            end
          end
        end

        // one tile for head k of the group (attn_tile_head)
        S_TH: begin
          if (k == 16'(gsz)) begin
            p0 <= p0 + 32'(TILE);
            st <= S_TILE;
          end else begin
            tk <= '0;
            wi <= '0;
            dot <= '0;
            vtv <= 1'b0;
            st <= S_DOT;
          end
        end
        S_DOT: begin
          dot <= dot + dotw;
          wi <= wi + 32'd1;
          if (wi + 32'd1 == dwn)
            st <= S_LOGIT;
        end
        S_LOGIT: begin
          longint z, mz;
          z = logit(dot, km_a[tk[3:0]], qm_a[k[6:0]],
                    $signed(64'(qsh_a[k[6:0]])) + $signed(64'(ke_a[tk[3:0]])));
          mz = zceil(z);
          z_a[tk[3:0]] <= z;
          if (tk == 32'd0 || mz > mt)
            mt <= mz;
          if (vm_a[tk[3:0]] != 16'd0 && (!vtv || mz - $signed(64'(ve_a[tk[3:0]])) > vt)) begin
            vt <= mz - $signed(64'(ve_a[tk[3:0]]));
            vtv <= 1'b1;
          end
          dot <= '0;
          wi <= '0;
          tk <= tk + 32'd1;
          st <= (tk + 32'd1 == 32'(tc)) ? S_MAX : S_DOT;
        end
        S_MAX: begin
          wi <= '0;
          tk <= '0;
          if (p0 == 32'd0) begin
            mx_a[k[6:0]] <= mt;
            den_a[k[6:0]] <= '0;
            mvv_a[k[6:0]] <= vtv;
            mv_a[k[6:0]] <= vt;
            st <= S_NZ;
          end else begin
            if (mt > mx_a[k[6:0]]) begin
              den_a[k[6:0]] <= 64'(rescale($signed(64'(den_a[k[6:0]])), mt - mx_a[k[6:0]]));
              mx_a[k[6:0]] <= mt;
            end
            if (vtv && (!mvv_a[k[6:0]] || vt > mv_a[k[6:0]])) begin
              mv_a[k[6:0]] <= vt;
              mvv_a[k[6:0]] <= 1'b1;
              shv <= vt - mv_a[k[6:0]];
              st <= mvv_a[k[6:0]] ? S_RESC : S_ACC_W;
            end else begin
              st <= S_ACC_W;
            end
          end
        end
        S_NZ: begin
          numw[{k[6:0], wi[1:0]}] <= '0;
          wi <= wi + 32'd1;
          if (wi + 32'd1 == dwn)
            st <= S_ACC_W;
        end
        S_RESC: begin
          logic [64*LN-1:0] w;
          w = numw[{k[6:0], wi[1:0]}];
          for (int l = 0; l < LN; l++)
            w[64 * l +: 64] = 64'(rescale($signed(64'(w[64 * l +: 64])), shv));
          numw[{k[6:0], wi[1:0]}] <= w;
          wi <= wi + 32'd1;
          if (wi + 32'd1 == dwn) begin
            wi <= '0;
            st <= S_ACC_W;
          end
        end
        S_ACC_W: begin
          if (tk == 32'(tc)) begin
            k <= k + 16'd1;
            st <= S_TH;
          end else begin
            den_a[k[6:0]] <= den_a[k[6:0]] + 64'(weight(ua, ea_lo, ea_hi));
            wi <= '0;
            if (vm_a[tk[3:0]] != 16'd0) begin
              wv <= 64'(weight(ub, eb_lo, eb_hi)) * 64'(vm_a[tk[3:0]]);
              st <= S_ACC_N;
            end else begin
              tk <= tk + 32'd1;
            end
          end
        end
        S_ACC_N: begin
          logic [64*LN-1:0] w;
          // lanes past d add the next key's values to N entries never read
          w = numw[{k[6:0], wi[1:0]}];
          for (int l = 0; l < LN; l++)
            w[64 * l +: 64] = w[64 * l +: 64] + wv * 64'($signed(64'($signed(vword[8 * l +: 8]))));
          numw[{k[6:0], wi[1:0]}] <= w;
          wi <= wi + 32'd1;
          if (wi + 32'd1 == dwn) begin
            tk <= tk + 32'd1;
            st <= S_ACC_W;
          end
        end

        // A.5: head k of the group as output head j * g + k
        S_OUT: begin
          if (k == 16'(gsz)) begin
            j <= j + 16'd1;
            st <= S_AJ;
          end else begin
            logic [63:0] s, shn;
            int len;
            s = den_a[k[6:0]];
            len = bitlen(s);
            shn = len >= 31 ? s >> (len - 31) : s << (31 - len);
            sr <= len - 31;
            dmx <= mvv_a[k[6:0]] ? mv_a[k[6:0]] - mx_a[k[6:0]] : 64'sd0;
            div_num <= 64'd1 << 62;
            div_den <= shn;
            div_steps <= 7'd33;
            div_go <= 1'b1;
            ei <= '0;
            st <= S_OUT_DIV;
          end
        end
        S_OUT_DIV: if (div_done) begin
          rr <= div_quo[32:0];
          st <= S_OUT_EL;
        end
        S_OUT_EL: begin
          logic [64*LN-1:0] w;
          logic [31:0] y, hi;
          w = numw[{k[6:0], ei[7:6]}];
          y = outf($signed(64'(w[64 * ei[5:0] +: 64])), rr, sr, dmx);
          hi = (32'(j) * 32'(gsz) + 32'(k)) * 32'(f_hd) + ei;
          if (quant) begin
            yb[hi[14:0]] <= y;
            st <= S_OUT_NX;
          end else begin
            mem_write(f_out + 64'(row) * f_outs + 64'({hi, 2'd0}), {32'd0, y}, 4'd4, S_OUT_NX);
          end
        end
        S_OUT_NX: begin
          ei <= ei + 32'd1;
          if (ei + 32'd1 == 32'(f_hd)) begin
            k <= k + 16'd1;
            st <= S_OUT;
          end else begin
            st <= S_OUT_EL;
          end
        end

        // F_QUANT: the token's row in yb as the activation record at rec
        // (fllm_vec_quant_store): group maxima, header, msx and xq per group
        S_RG0: begin
          gmx[ei[10:0]] <= '0;
          ei <= ei + 32'd1;
          if (ei + 32'd1 == 32'(n_groups)) begin
            ei <= '0;
            amax <= '0;
            st <= S_RG1;
          end
        end
        S_RG1: begin
          logic [31:0] mag;
          mag = {1'b0, yb[ei[14:0]][30:0]};
          if (mag > gmx[11'(ei >> lgg)])
            gmx[11'(ei >> lgg)] <= mag;
          if (mag > amax)
            amax <= mag;
          ei <= ei + 32'd1;
          if (ei + 32'd1 == 32'(nrow)) begin
            wi <= '0;
            st <= S_RZ;
          end
        end
        S_RZ: begin
          rex <= (amax != 32'd0) ? quant_ex(amax) : 0;
          mem_write(rec + 64'({wi, 3'd0}), '0, 4'd8, S_RZN);
        end
        S_RZN: begin
          wi <= wi + 32'd1;
          st <= (64'({wi + 32'd1, 3'd0}) == d_xo) ? S_REX : S_RZ;
        end
        S_REX: begin
          gi <= '0;
          mem_write(rec, {32'd0, 32'(rex)}, 4'd4, S_RMS);
        end
        S_RMS: begin
          if (gi == 32'(n_groups)) begin
            ei <= 32'(n_groups) << lgg;
            st <= S_RP;
          end else if (gmx[gi[10:0]] == 32'd0) begin
            msx <= '0;
            st <= S_RMS_W;
          end else begin
            /* verilator lint_off UNUSEDSIGNAL */
            spl_t v;
            /* verilator lint_on UNUSEDSIGNAL */
            int s;
            v = split(gmx[gi[10:0]]);
            s = -(fexp(v[9:0]) + rex);
            if (s >= 40) begin
              msx <= 16'd1;
              st <= S_RMS_W;
            end else begin
              div_num <= 64'(v[33:10]) + (64'd127 << s) - 64'd1;
              div_den <= 64'd127 << s;
              div_steps <= 7'd16;
              div_go <= 1'b1;
              st <= S_RMS_DIV;
            end
          end
        end
        S_RMS_DIV: if (div_done) begin
          msx <= div_quo[15:0];
          st <= S_RMS_W;
        end
        S_RMS_W: begin
          ei <= '0;
          mem_write(rec + 64'(fllm_card_pkg::LG_ACT_MSX) + 64'({gi, 1'b0}), {48'd0, msx}, 4'd2, S_RX);
        end
        S_RX: begin
          if (ei == (32'd1 << lgg)) begin
            gi <= gi + 32'd1;
            st <= S_RMS;
          end else if (rk < 32'(nrow) && msx != 16'd0 && qx.m != 24'd0 &&
                       qs < 40) begin
            div_num <= 64'({qx.m, 1'b0}) + (64'(msx) << qs);
            div_den <= 64'(msx) << (qs + 1);
            div_steps <= 7'd9;
            div_go <= 1'b1;
            st <= S_RX_DIV;
          end else begin
            mem_write(rec + d_xo + {32'd0, rk}, '0, 4'd1, S_RX_W);
          end
        end
        S_RX_DIV: if (div_done) begin
          logic [7:0] q;
          q = (div_quo > 64'd127) ? 8'd127 : div_quo[7:0];
          mem_write(rec + d_xo + {32'd0, rk}, {56'd0, qx.neg ? -q : q}, 4'd1, S_RX_W);
        end
        S_RX_W: begin
          ei <= ei + 32'd1;
          st <= S_RX;
        end
        // zero padding after the xq groups
        S_RP: begin
          if (d_xo + 64'(ei) == d_actb) begin
            st <= S_RTOK;
          end else begin
            ei <= ei + 32'd1;
            mem_write(rec + d_xo + 64'(ei), '0, 4'd1, S_RP);
          end
        end
        S_RTOK: begin
          ti <= ti + 32'd1;
          st <= S_TOK;
        end

        // memory access of ma_* for the state in ret
        S_MEM: begin
          if (ma_wr) begin
            if (wb_valid && wb_line != ma_addr[63:6]) begin
              fl_ret <= S_MEM;
              st <= S_FLUSH;
            end else begin
              logic [511:0] d, r;
              logic [63:0] sb;
              d = wb_valid ? wb_data : '0;
              sb = wb_valid ? wb_strb : '0;
              r = rc_data;
              for (int b = 0; b < 8; b++)
                if (b < $signed(32'(ma_n)) && $signed(32'(ma_addr[5:0])) + b < 64) begin
                  d[8 * ($signed(32'(ma_addr[5:0])) + b) +: 8] = ma_wdata[8 * b +: 8];
                  r[8 * ($signed(32'(ma_addr[5:0])) + b) +: 8] = ma_wdata[8 * b +: 8];
                  sb[$signed(32'(ma_addr[5:0])) + b] = 1'b1;
                end
              wb_data <= d;
              wb_strb <= sb;
              wb_line <= ma_addr[63:6];
              wb_valid <= 1'b1;
              if (rc_valid && rc_line == ma_addr[63:6])
                rc_data <= r;
              st <= ret;
            end
          end else if (rc_valid && rc_line == ma_addr[63:6]) begin
            ma_rdata <= rc_word;
            st <= ret;
          end else if (wb_valid && wb_line == ma_addr[63:6]) begin
            fl_ret <= S_MEM;
            st <= S_FLUSH;
          end else begin
            st <= S_RAR;
          end
        end
        S_RAR: if (m_arready[0]) st <= S_RR;
        S_RR: if (m_rvalid[0]) begin
          rc_data <= m_rdata;
          rc_line <= ma_addr[63:6];
          rc_valid <= 1'b1;
          st <= S_MEM;
        end
        S_FLUSH: begin
          if (m_awready[0])
            aw_ok <= 1'b1;
          if (m_wready[0])
            w_ok <= 1'b1;
          if ((aw_ok || m_awready[0]) && (w_ok || m_wready[0])) begin
            // posted: no read of the command touches a byte it writes
            // (A.10 checks 9 and 10), so only S_END waits for responses
            aw_ok <= 1'b0;
            w_ok <= 1'b0;
            wb_valid <= 1'b0;
            wb_strb <= '0;
            wr_issued <= wr_issued + 32'd1;
            st <= fl_ret;
          end
        end
        S_END: if (wr_acked == wr_issued) st <= S_FIN;
        S_FIN: st <= S_IDLE;
        default: st <= S_IDLE;
      endcase
      if (qz_ov) begin
        xqw[{k[6:0], qz_out.idx[7:6]}][8 * qz_out.idx[5:0] +: 8] <= qz_mag;
        qz_cnt <= qz_cnt + 9'd1;
      end
    end
  end
endmodule
