// The port groups every compute unit's top declares, written once: the
// harness (sim/rtl/harness/rtl_unit.cpp) drives them by these names.
//
//   `CU_REG_PORTS   clock, reset, the AXI4-Lite control slave and the
//                   interrupt: what cu_regs.sv serves (`CU_REG_CONNECT
//                   passes them on to it, or to a unit's control block)
//   `CU_CTL_PORTS   the control read port, AXI4 reads of the unit's
//                   parameter block (`CU_CTL_CONNECT passes them on)
//   `CU_MEM_PORTS(N) N memory ports, AXI4 512-bit reads and single-beat
//                   writes with byte strobes; port e's signals are the
//                   e-th slice of each vector (its address at
//                   [64 * e +: 64], its data at [512 * e +: 512]): flat
//                   vectors, not packed 2-D arrays, so that Yosys 0.23
//                   reads them as well as Verilator
`ifndef CU_PORTS_SVH
`define CU_PORTS_SVH

`define CU_REG_PORTS \
    input  logic        clk, \
    input  logic        rst, \
    input  logic        s_awvalid, \
    output logic        s_awready, \
    input  logic [7:0]  s_awaddr, \
    input  logic        s_wvalid, \
    output logic        s_wready, \
    input  logic [31:0] s_wdata, \
    output logic        s_bvalid, \
    input  logic        s_bready, \
    input  logic        s_arvalid, \
    output logic        s_arready, \
    input  logic [7:0]  s_araddr, \
    output logic        s_rvalid, \
    input  logic        s_rready, \
    output logic [31:0] s_rdata, \
    output logic        irq

`define CU_REG_CONNECT \
    .clk, .rst, .s_awvalid, .s_awready, .s_awaddr, .s_wvalid, .s_wready, .s_wdata, \
    .s_bvalid, .s_bready, .s_arvalid, .s_arready, .s_araddr, .s_rvalid, .s_rready, \
    .s_rdata, .irq

`define CU_CTL_PORTS \
    output logic        c_arvalid, \
    input  logic        c_arready, \
    output logic [63:0] c_araddr, \
    output logic [7:0]  c_arlen, \
    input  logic        c_rvalid, \
    output logic        c_rready, \
    input  logic [511:0] c_rdata, \
    input  logic        c_rlast

`define CU_CTL_CONNECT \
    .c_arvalid, .c_arready, .c_araddr, .c_arlen, .c_rvalid, .c_rready, .c_rdata, .c_rlast

`define CU_MEM_PORTS(N) \
    output logic [(N)-1:0]       m_arvalid, \
    input  logic [(N)-1:0]       m_arready, \
    output logic [(N)*64-1:0]    m_araddr, \
    output logic [(N)*8-1:0]     m_arlen, \
    input  logic [(N)-1:0]       m_rvalid, \
    output logic [(N)-1:0]       m_rready, \
    input  logic [(N)*512-1:0]   m_rdata, \
    output logic [(N)-1:0]       m_awvalid, \
    input  logic [(N)-1:0]       m_awready, \
    output logic [(N)*64-1:0]    m_awaddr, \
    output logic [(N)-1:0]       m_wvalid, \
    input  logic [(N)-1:0]       m_wready, \
    output logic [(N)*512-1:0]   m_wdata, \
    output logic [(N)*64-1:0]    m_wstrb, \
    input  logic [(N)-1:0]       m_bvalid, \
    output logic [(N)-1:0]       m_bready

`endif
