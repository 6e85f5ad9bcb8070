// The vector unit's sequential divider, for the divisions done once a
// command or a row (the per-element ones are on vu_pdiv): restoring
// radix-2 division of 64-bit unsigned integers, one quotient bit per
// cycle. The caller gives the number of quotient bits `steps` (1..64) it
// needs: the result is floor(num / den) whenever num < den * 2^steps,
// which each use guarantees by its bounds (docs/rtl.md section 5 lists
// them); fewer steps, fewer cycles.
module vu_div (
    input  logic        clk,
    input  logic        rst,
    input  logic        go,       // 1-cycle pulse; num, den, steps sampled with it
    input  logic [63:0] num,
    input  logic [63:0] den,      // > 0
    input  logic [6:0]  steps,
    output logic        busy,
    output logic        done,     // 1-cycle pulse: quo and rem valid (held until next go)
    output logic [63:0] quo,
    output logic [63:0] rem
);
  logic [63:0] d;
  logic [6:0]  left;

  always_ff @(posedge clk) begin
    done <= 1'b0;
    if (rst) begin
      busy <= 1'b0;
      d <= '0;
      left <= '0;
      quo <= '0;
      rem <= '0;
    end else if (go) begin
      // the top bits of num that no quotient bit covers are the first
      // remainder (< den by the caller's bound); the rest shift in from quo
      busy <= 1'b1;
      d <= den;
      left <= steps;
      rem <= (steps == 7'd64) ? 64'd0 : (num >> steps);
      quo <= (steps == 7'd64) ? num : (num << (7'd64 - steps));
    end else if (busy) begin
      logic [64:0] t;
      t = {rem, quo[63]};
      if (t >= {1'b0, d}) begin
        rem <= 64'(t - {1'b0, d});
        quo <= {quo[62:0], 1'b1};
      end else begin
        rem <= t[63:0];
        quo <= {quo[62:0], 1'b0};
      end
      left <= left - 7'd1;
      if (left == 7'd1) begin
        busy <= 1'b0;
        done <= 1'b1;
      end
    end
  end
endmodule
