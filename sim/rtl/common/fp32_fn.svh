// The fp32 helpers the vector and attention units share (hls/vector_math.c,
// vector_internal.h): sanitizing, splitting |v| = m * 2^f, round half away,
// bit length and the to_f32 of the units' wide shifts. Included inside a
// module body (after `import lg_pkg::*`, for to_f32); no include guard:
// every module that uses them includes them. The results are assigned to
// the function's name, no `return`: Yosys 0.23 cannot read `return`.
  // fllm_vector_f32 of sanitized bits; f in [-172, 104]
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
    spl_t v;
    int   top;
    v.neg = b[31];
    if (b[30:0] == 31'd0) begin
      v.m = '0;
      v.f = '0;
    end else if (b[30:23] == 8'd0) begin
      // subnormal: move the top bit of the fraction to bit 23
      top = 0;
      for (int k = 0; k < 23; k++)
        if (b[k])
          top = k;
      v.m = 24'({1'b0, b[22:0]} << (23 - top));
      v.f = 10'(-149 - (23 - top));
    end else begin
      v.m = {1'b1, b[22:0]};
      v.f = 10'(int'({1'b0, b[30:23]}) - 150);
    end
    split = v;
  endfunction

  function automatic int fexp(input logic [9:0] f);
    fexp = int'($signed(f));
  endfunction

  // the signed mantissa (fllm_vec_signed)
  function automatic longint sgn(input logic neg, input logic [23:0] m);
    sgn = neg ? -longint'({40'd0, m}) : longint'({40'd0, m});
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
    f32 = to_f32(acc, s);
  endfunction

  function automatic logic [63:0] align64(input logic [63:0] b);
    align64 = (b + 64'd63) & ~64'd63;
  endfunction
