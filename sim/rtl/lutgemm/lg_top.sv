// The LUT-GEMM unit: the control block and NE engines. Engine e computes
// the rows of slice e (row r = e + slices * i) through its own 512-bit AXI4
// port, which the card connects to HBM pseudo-channel e, where the host
// put slice e. The control port reads only the parameter block.
`include "cu_ports.svh"

module lg_top #(
    parameter int unsigned NE = 32
) (
    // AXI4-Lite control slave
    `CU_REG_PORTS,
    // control read port
    `CU_CTL_PORTS,
    // engine ports, one per HBM pseudo-channel
    `CU_MEM_PORTS(NE)
);
  logic             go;
  lg_pkg::cfg_t             cfg;
  logic [2047:0] slice_addr;
  logic [NE-1:0]    busy;

  lg_ctl #(.NE(NE)) ctl (
    `CU_REG_CONNECT, `CU_CTL_CONNECT,
    .go, .cfg, .slice_addr, .eng_busy(busy)
  );

  for (genvar e = 0; e < NE; e++) begin : g_eng
    lg_engine engine (
      .clk, .rst, .go, .cfg, .slice_base(slice_addr[64 * e +: 64]), .eng(6'(e)), .busy(busy[e]),
      .m_arvalid(m_arvalid[e]), .m_arready(m_arready[e]), .m_araddr(m_araddr[64 * e +: 64]),
      .m_arlen(m_arlen[8 * e +: 8]), .m_rvalid(m_rvalid[e]), .m_rready(m_rready[e]),
      .m_rdata(m_rdata[512 * e +: 512]), .m_awvalid(m_awvalid[e]), .m_awready(m_awready[e]),
      .m_awaddr(m_awaddr[64 * e +: 64]), .m_wvalid(m_wvalid[e]), .m_wready(m_wready[e]),
      .m_wdata(m_wdata[512 * e +: 512]), .m_wstrb(m_wstrb[64 * e +: 64]), .m_bvalid(m_bvalid[e]),
      .m_bready(m_bready[e])
    );
  end
endmodule
