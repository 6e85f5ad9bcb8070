// The fp32 helpers the vector and attention units share (hls/vector_math.c,
// vector_internal.h): sanitizing, splitting |v| = m * 2^f, round half away,
// bit length and the to_f32 of the units' wide shifts. Included inside a
// module body (to_f32 comes from lg_pkg); no include guard:
// every module that uses them includes them. The results are assigned to
// the function's name, no `return`: Yosys 0.23 cannot read `return`.
  // fllm_vector_f32 of sanitized bits; f in [-172, 104].
  // Functions read a spl_t's fields as bits (neg [34], m [33:10], f [9:0]):
  // Yosys 0.23 cannot read a struct member inside a function.
  typedef struct packed {
    logic        neg;
    logic [23:0] m;
    logic [9:0]  f;     // two's complement
  } spl_t;

  function automatic logic nonfin(input logic [7:0] e);
    nonfin = e == 8'hff;
  endfunction

  // Inf -> +-FLT_MAX, NaN -> +0
  function automatic logic [31:0] sanitize(input logic [31:0] b);
    if (!nonfin(b[30:23]))
      sanitize = b;
    else if (b[22:0] != 23'd0)
      sanitize = 32'h0;
    else
      sanitize = {b[31], 31'h7f7fffff};
  endfunction

  function automatic spl_t split(input logic [31:0] b);
    logic [23:0] m;
    logic [9:0]  f;
    int          top;
    if (b[30:0] == 31'd0) begin
      m = '0;
      f = '0;
    end else if (b[30:23] == 8'd0) begin
      // subnormal: move the top bit of the fraction to bit 23
      top = 0;
      for (int k = 0; k < 23; k++)
        if (b[k])
          top = k;
      m = 24'({1'b0, b[22:0]} << (23 - top));
      f = 10'(-149 - (23 - top));
    end else begin
      m = {1'b1, b[22:0]};
      f = 10'($signed(32'({1'b0, b[30:23]})) - 150);
    end
    split = {b[31], m, f};   // neg, m, f: spl_t's order (Yosys 0.23 cannot set a local struct's members)
  endfunction

  function automatic int fexp(input logic [9:0] f);
    fexp = $signed(32'($signed(f)));
  endfunction

  // the signed mantissa (fllm_vec_signed)
  function automatic longint sgn(input logic neg, input logic [23:0] m);
    sgn = neg ? -$signed(64'({40'd0, m})) : $signed(64'({40'd0, m}));
  endfunction

  // round_half_away(m / 2^t), 0 for t >= 63 (fllm_vec_rha)
  function automatic logic [63:0] rha(input logic [63:0] m, input int t);
    if (t <= 0)
      rha = m;
    else if (t >= 63)
      rha = 64'd0;
    else
      rha = (m + (64'd1 << (t - 1))) >> t;
  endfunction

  function automatic int bitlen(input logic [63:0] x);
    int len;
    len = 0;
    for (int k = 0; k < 64; k++)
      if (x[k])
        len = k + 1;
    bitlen = len;
  endfunction

  // to_f32 with the wide shifts of this unit: beyond +-4096 the result is
  // +0 or +-FLT_MAX whatever the exact shift (|acc| < 2^64)
  function automatic logic [31:0] f32(input longint acc, input longint sh);
    logic signed [35:0] s;
    if (sh > 64'sd4096)
      s = 36'sd4096;
    else if (sh < -64'sd4096)
      s = -36'sd4096;
    else
      s = 36'(sh);
    f32 = lg_pkg::to_f32(acc, s);
  endfunction

  function automatic logic [63:0] align64(input logic [63:0] b);
    align64 = (b + 64'd63) & ~64'd63;
  endfunction
