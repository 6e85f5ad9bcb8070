// The LUT-GEMM unit: the control block and NE engines. Engine e computes
// the rows of slice e (row r = e + slices * i) through its own 512-bit AXI4
// port, which the card connects to HBM pseudo-channel e, where the host
// put slice e. The control port reads only the parameter block.
module lg_top import lg_pkg::*; #(
    parameter int unsigned NE = 32
) (
    input  logic clk,
    input  logic rst,
    // AXI4-Lite control slave
    input  logic        s_awvalid,
    output logic        s_awready,
    input  logic [7:0]  s_awaddr,
    input  logic        s_wvalid,
    output logic        s_wready,
    input  logic [31:0] s_wdata,
    output logic        s_bvalid,
    input  logic        s_bready,
    input  logic        s_arvalid,
    output logic        s_arready,
    input  logic [7:0]  s_araddr,
    output logic        s_rvalid,
    input  logic        s_rready,
    output logic [31:0] s_rdata,
    output logic        irq,
    // control read port
    output logic        c_arvalid,
    input  logic        c_arready,
    output logic [63:0] c_araddr,
    output logic [7:0]  c_arlen,
    input  logic        c_rvalid,
    output logic        c_rready,
    input  logic [511:0] c_rdata,
    input  logic        c_rlast,
    // engine ports, one per HBM pseudo-channel
    output logic [NE-1:0]        m_arvalid,
    input  logic [NE-1:0]        m_arready,
    output logic [NE-1:0][63:0]  m_araddr,
    output logic [NE-1:0][7:0]   m_arlen,
    input  logic [NE-1:0]        m_rvalid,
    output logic [NE-1:0]        m_rready,
    input  logic [NE-1:0][511:0] m_rdata,
    output logic [NE-1:0]        m_awvalid,
    input  logic [NE-1:0]        m_awready,
    output logic [NE-1:0][63:0]  m_awaddr,
    output logic [NE-1:0]        m_wvalid,
    input  logic [NE-1:0]        m_wready,
    output logic [NE-1:0][511:0] m_wdata,
    output logic [NE-1:0][63:0]  m_wstrb,
    input  logic [NE-1:0]        m_bvalid,
    output logic [NE-1:0]        m_bready
);
  logic             go;
  cfg_t             cfg;
  logic [31:0][63:0] slice_addr;
  logic [NE-1:0]    busy;

  lg_ctl #(.NE(NE)) ctl (
    .clk, .rst, .s_awvalid, .s_awready, .s_awaddr, .s_wvalid, .s_wready, .s_wdata,
    .s_bvalid, .s_bready, .s_arvalid, .s_arready, .s_araddr, .s_rvalid, .s_rready, .s_rdata,
    .c_arvalid, .c_arready, .c_araddr, .c_arlen, .c_rvalid, .c_rready, .c_rdata, .c_rlast,
    .go, .cfg, .slice_addr, .eng_busy(busy), .irq
  );

  for (genvar e = 0; e < NE; e++) begin : g_eng
    lg_engine engine (
      .clk, .rst, .go, .cfg, .slice_base(slice_addr[e]), .eng(6'(e)), .busy(busy[e]),
      .m_arvalid(m_arvalid[e]), .m_arready(m_arready[e]), .m_araddr(m_araddr[e]),
      .m_arlen(m_arlen[e]), .m_rvalid(m_rvalid[e]), .m_rready(m_rready[e]),
      .m_rdata(m_rdata[e]), .m_awvalid(m_awvalid[e]), .m_awready(m_awready[e]),
      .m_awaddr(m_awaddr[e]), .m_wvalid(m_wvalid[e]), .m_wready(m_wready[e]),
      .m_wdata(m_wdata[e]), .m_wstrb(m_wstrb[e]), .m_bvalid(m_bvalid[e]),
      .m_bready(m_bready[e])
    );
  end
endmodule
