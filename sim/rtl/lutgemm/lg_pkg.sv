// LUT-GEMM RTL: shared constants, the configuration the control block hands
// to the engines, and the two rounding steps of docs/numerics.md (3, step 6
// and 3.1) as functions. The block size, the token limit and the error
// codes come from fllm_card_pkg, generated from card/include. Yosys 0.23
// reads neither `import` nor a package parameter defined from another
// package's: the units name both packages' items qualified (lg_pkg::PB,
// fllm_card_pkg::CARD_OK).
package lg_pkg;

  // the LUT-GEMM unit's shape; other units importing the package for its
  // functions and error codes leave these unused
  /* verilator lint_off UNUSEDPARAM */
  localparam int unsigned LANES      = 64;     // plane bytes looked up per cycle
  localparam int unsigned TMEMS      = 32;     // table memories: lanes j and j+32 share one
  localparam int unsigned TSLOT      = 32;     // half-tables per memory: (token, group) slots
  localparam int unsigned TWORDS     = TSLOT * 8;  // 16 entries of 12 bits per word
  localparam int unsigned RT         = 256;    // rows of a tile (y_acc kept on chip)
  localparam int unsigned PB         = 8;      // plane blocks (and groups) per cycle
  localparam int unsigned ABUF_BEATS = 160;    // xq of one K-block, all tokens
  /* verilator lint_on UNUSEDPARAM */

  // What every engine needs of one validated command (held stable while it runs).
  typedef struct packed {
    logic [24:0] m;           // rows
    logic [16:0] k;           // inputs
    logic [8:0]  g;           // group size
    logic [2:0]  lgw;         // log2(g / 8): 1..5
    logic [3:0]  q;           // planes 1..8
    logic        offs;        // FLLM_LUTGEMM_F_OFFSET
    logic [5:0]  n;           // tokens 1..32
    logic [5:0]  slices;      // 1..32
    logic [12:0] groups;      // G = ceil(k / g), <= 4096
    logic [4:0]  ent;         // scale entry bytes 4 + 2q
    logic [5:0]  gb;          // groups per K-block = 32 / n
    logic [31:0] row_bytes;
    logic [31:0] pl_off;      // P: planes offset in a row record
    logic [31:0] xq_off;      // xq offset in an activation record
    logic [63:0] act_addr;
    logic [63:0] act_stride;
    logic [63:0] out_addr;
    logic [63:0] out_stride;
    logic [24:0] mq;          // m / slices
    logic [5:0]  mr;          // m % slices
  } cfg_t;

  // rshift_round(p, min(d, 62)): round to nearest, ties toward +infinity.
  function automatic logic signed [63:0] rshift_round(input logic signed [63:0] p,
                                                      input logic [7:0] d);
    logic [5:0] s;
    logic signed [63:0] half;
    s = (d > 8'd62) ? 6'd62 : d[5:0];
    if (s == 6'd0) begin
      rshift_round = p;
    end else begin
      half = 64'sd1 <<< (s - 6'd1);
      rshift_round = (p + half) >>> s;
    end
  endfunction

  // y_acc * 2^-shift as binary32: one round to 24 bits nearest-even, then
  // flush below FLT_MIN to +0 and saturate above FLT_MAX (numerics 3.1).
  function automatic logic [31:0] to_f32(input logic signed [63:0] acc,
                                         input logic signed [35:0] shift);
    logic [63:0] mag, rem, half, mant;
    logic        sgn;
    logic [6:0]  len;
    logic [6:0]  sh;
    logic signed [37:0] e;
    sgn = acc[63];
    mag = sgn ? (64'd0 - acc) : acc;
    len = 7'd0;
    for (int b = 0; b < 64; b++)
      if (mag[b])
        len = 7'(b + 1);
    if (len > 7'd24) begin
      sh = len - 7'd24;
      mant = mag >> sh;
      half = 64'd1 << (sh - 7'd1);
      rem = mag & ((64'd1 << sh) - 64'd1);
      if (rem > half || (rem == half && mant[0]))
        mant = mant + 64'd1;
      if (mant == 64'h100_0000) begin
        mant = mant >> 1;
        len = len + 7'd1;
      end
    end else begin
      mant = mag << (7'd24 - len);
    end
    e = 38'(len) - 38'sd1 - 38'(shift);
    if (acc == 64'sd0 || e < -38'sd126)
      to_f32 = 32'h0;
    else if (e > 38'sd127)
      to_f32 = {sgn, 31'h7f7fffff};
    else
      to_f32 = {sgn, 8'(e + 38'sd127), mant[22:0]};
  endfunction

  // Parameter-block checks of both units (docs/numerics.md 6.1): [addr,
  // addr + len) lies in mbytes of card memory; two ranges share a byte.
  function automatic logic range_ok(input logic [63:0] addr, input logic [63:0] len,
                                    input logic [63:0] mbytes);
    range_ok = len <= mbytes && addr <= mbytes - len;
  endfunction

  // A parameter block's own size and placement (numerics 6.1 step 1 and
  // the vector unit's V.5), checked before anything is read.
  function automatic logic [7:0] block_place_err(input logic [63:0] addr,
                                                 input logic [63:0] bytes,
                                                 input logic [63:0] want,
                                                 input logic [63:0] mbytes);
    if (bytes != want)
      block_place_err = fllm_card_pkg::CARD_ERR_SIZE;
    else if (addr[5:0] != 6'd0)
      block_place_err = fllm_card_pkg::CARD_ERR_ALIGN;
    else if (!range_ok(addr, want, mbytes))
      block_place_err = fllm_card_pkg::CARD_ERR_ADDR;
    else
      block_place_err = fllm_card_pkg::CARD_OK;
  endfunction

  function automatic logic overlap(input logic [63:0] a, input logic [63:0] alen,
                                   input logic [63:0] b, input logic [63:0] blen);
    overlap = a < b + blen && b < a + alen;
  endfunction

  // log2 of a group size the block validates (16 .. 256; 256 otherwise)
  function automatic logic [3:0] group_log2(input logic [15:0] g);
    case (g)
      16'd16:  group_log2 = 4'd4;
      16'd32:  group_log2 = 4'd5;
      16'd64:  group_log2 = 4'd6;
      16'd128: group_log2 = 4'd7;
      default: group_log2 = 4'd8;
    endcase
  endfunction

endpackage
