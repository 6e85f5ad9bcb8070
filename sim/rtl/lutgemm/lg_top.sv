// The LUT-GEMM unit: the control block and NE engines. Engine e computes
// the rows of slice e (row r = e + slices * i) through its own 512-bit AXI4
// port, which the card connects to HBM pseudo-channel e, where the host
// put slice e. The control port reads only the parameter block.
`include "cu_ports.svh"

module lg_top import lg_pkg::*; #(
    parameter int unsigned NE = 32
) (
    // AXI4-Lite control slave
    `CU_REG_PORTS,
    // control read port
    `CU_CTL_PORTS,
    // engine ports, one per HBM pseudo-channel
    `CU_MEM_PORTS([NE-1:0])
);
  logic             go;
  cfg_t             cfg;
  logic [31:0][63:0] slice_addr;
  logic [NE-1:0]    busy;

  lg_ctl #(.NE(NE)) ctl (
    `CU_REG_CONNECT, `CU_CTL_CONNECT,
    .go, .cfg, .slice_addr, .eng_busy(busy)
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
