// Pipelined restoring division: one quotient bit per stage, STEPS stages,
// a new division may enter every cycle. quo = floor(num / den) whenever
// num < den * 2^STEPS (the caller's bound, as for vu_div; the first
// remainder num >> STEPS must then fit DW bits and be < den). A payload
// (tag) travels with each division, so the result comes out with what the
// caller needs to finish the element. en = 0 holds every stage (a stall
// from the consumer); the result is taken when out_valid && en.
module vu_pdiv #(
    parameter int NW    = 64,   // numerator bits (>= STEPS)
    parameter int DW    = 64,   // denominator bits
    parameter int STEPS = 8,    // quotient bits = stages (>= 2)
    parameter int PW    = 1     // payload bits
) (
    input  logic             clk,
    input  logic             rst,
    input  logic             en,
    input  logic             in_valid,
    input  logic [NW-1:0]    num,
    input  logic [DW-1:0]    den,     // > 0
    input  logic [PW-1:0]    in_tag,
    output logic             out_valid,
    output logic [STEPS-1:0] quo,
    output logic [PW-1:0]    out_tag,
    output logic             busy     // a division in some stage
);
  // step k takes the partial remainder r, the divisor d and q: the numerator
  // bits not yet shifted in (high) followed by the k quotient bits found (low)
  for (genvar k = 0; k < STEPS; k++) begin : g_st
    logic             iv, ov;
    logic [DW-1:0]    ir, id;
    logic [STEPS-1:0] iq, oq;
    logic [PW-1:0]    it, ot;
    /* verilator lint_off UNUSEDSIGNAL */
    logic [DW-1:0]    orr, od;   // the last step's are not read
    /* verilator lint_on UNUSEDSIGNAL */
    logic [DW:0]      t;

    if (k == 0) begin : g_in
      assign iv = in_valid;
      assign ir = DW'(num >> STEPS);
      assign iq = num[STEPS-1:0];
      assign id = den;
      assign it = in_tag;
    end else begin : g_prev
      assign iv = g_st[k-1].ov;
      assign ir = g_st[k-1].orr;
      assign iq = g_st[k-1].oq;
      assign id = g_st[k-1].od;
      assign it = g_st[k-1].ot;
    end

    assign t = {ir, iq[STEPS-1]};
    always_ff @(posedge clk) begin
      if (rst)
        ov <= 1'b0;
      else if (en)
        ov <= iv;
      if (en) begin
        if (t >= {1'b0, id}) begin
          orr <= DW'(t - {1'b0, id});
          oq <= {iq[STEPS-2:0], 1'b1};
        end else begin
          orr <= t[DW-1:0];
          oq <= {iq[STEPS-2:0], 1'b0};
        end
        od <= id;
        ot <= it;
      end
    end
  end

  logic [STEPS-1:0] vs;   // valid of each step's output
  for (genvar k = 0; k < STEPS; k++) begin : g_v
    assign vs[k] = g_st[k].ov;
  end

  assign out_valid = g_st[STEPS-1].ov;
  assign quo = g_st[STEPS-1].oq;
  assign out_tag = g_st[STEPS-1].ot;
  assign busy = |vs;
endmodule
