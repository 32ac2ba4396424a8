package riscv

// inst is a decoded instruction. Harts decode each instruction once, into
// the slot of its page's decoded array (see code.go), and execute the
// decoded form from then on. Compressed instructions decode to the same
// operations as their 32-bit expansions.
//
// Integer destination register 0 is stored as 32, a sink that is never read,
// so the executor needs no "rd != 0" test; sources keep register 0, which
// always holds zero.
type inst struct {
	op  uint8
	rd  uint8
	rs1 uint8
	rs2 uint8
	rs3 uint8 // FMA third source; CSR funct3; AMO funct5
	len uint8 // length in halfwords: 1 (compressed) or 2
	// tgt is the slot (pc offset in the page / 2) of the target of a
	// pc-relative branch or jal when it lies in the same page, else -1
	// (and a conditional branch is then one of the opBxxFar operations).
	tgt int16
	// imm is the sign-extended immediate; the rounding mode for
	// floating-point operations; the CSR number; the instruction bits for
	// opIllegal.
	imm int64
}

const sinkReg = 32

// Operations. The integer and memory operations, executed inline by the
// interpreter loop, come first; floating-point arithmetic (from opFPFirst
// on) is executed by execFP.
const (
	opDecode  = iota // slot not decoded yet
	opIllegal        // imm holds the instruction bits
	opPageEnd        // sentinel after the last slot of a page
	opExit           // sentinel in the scratch page: continue at vbase+2*slot
	opJIT            // translated code starts here (jit.go): imm is its host address

	opLUI
	opAUIPC
	opJAL
	opJALR
	opBEQ
	opBNE
	opBLT
	opBGE
	opBLTU
	opBGEU
	// The conditional branches whose target lies outside their page
	// (setTarget turns opBEQ into opBEQFar and so on): taking one leaves
	// the page, so the interpreter executes them with a host branch.
	opBEQFar
	opBNEFar
	opBLTFar
	opBGEFar
	opBLTUFar
	opBGEUFar

	opLB
	opLH
	opLW
	opLD
	opLBU
	opLHU
	opLWU
	opFLW
	opFLD
	opSB
	opSH
	opSW
	opSD
	opFSW
	opFSD

	opADDI
	opSLTI
	opSLTIU
	opXORI
	opORI
	opANDI
	opSLLI
	opSRLI
	opSRAI
	opADDIW
	opSLLIW
	opSRLIW
	opSRAIW

	opADD
	opSUB
	opSLL
	opSLT
	opSLTU
	opXOR
	opSRL
	opSRA
	opOR
	opAND
	opADDW
	opSUBW
	opSLLW
	opSRLW
	opSRAW

	opMUL
	opMULH
	opMULHSU
	opMULHU
	opDIV
	opDIVU
	opREM
	opREMU
	opMULW
	opDIVW
	opDIVUW
	opREMW
	opREMUW

	// Zba
	opADDUW
	opSH1ADD
	opSH2ADD
	opSH3ADD
	opSH1ADDUW
	opSH2ADDUW
	opSH3ADDUW
	opSLLIUW
	// Zbb
	opANDN
	opORN
	opXNOR
	opCLZ
	opCLZW
	opCTZ
	opCTZW
	opCPOP
	opCPOPW
	opMAX
	opMAXU
	opMIN
	opMINU
	opSEXTB
	opSEXTH
	opZEXTH
	opROL
	opROLW
	opROR
	opRORI
	opRORIW
	opRORW
	opORCB
	opREV8
	// Zbs
	opBCLR
	opBCLRI
	opBEXT
	opBEXTI
	opBINV
	opBINVI
	opBSET
	opBSETI

	opFENCE // rs3 = 1 when the fence orders earlier stores before later loads
	opFENCEI
	opECALL
	opEBREAK
	opCSR // rs3 = funct3; imm = CSR number; rs1 = register or uimm

	opLRW
	opLRD
	opSCW
	opSCD
	opAMOW // rs3 = funct5
	opAMOD

	// Floating point, executed by execFP. imm holds the rounding mode field
	// of the instructions that have one.
	opFADDS
	opFSUBS
	opFMULS
	opFDIVS
	opFSQRTS
	opFMADDS
	opFMSUBS
	opFNMSUBS
	opFNMADDS
	opFSGNJS
	opFSGNJNS
	opFSGNJXS
	opFMINS
	opFMAXS
	opFEQS
	opFLTS
	opFLES
	opFCLASSS
	opFCVTWS
	opFCVTWUS
	opFCVTLS
	opFCVTLUS
	opFCVTSW
	opFCVTSWU
	opFCVTSL
	opFCVTSLU
	opFMVXW
	opFMVWX

	opFADDD
	opFSUBD
	opFMULD
	opFDIVD
	opFSQRTD
	opFMADDD
	opFMSUBD
	opFNMSUBD
	opFNMADDD
	opFSGNJD
	opFSGNJND
	opFSGNJXD
	opFMIND
	opFMAXD
	opFEQD
	opFLTD
	opFLED
	opFCLASSD
	opFCVTWD
	opFCVTWUD
	opFCVTLD
	opFCVTLUD
	opFCVTDW
	opFCVTDWU
	opFCVTDL
	opFCVTDLU
	opFMVXD
	opFMVDX
	opFCVTSD
	opFCVTDS

	opCount
)

// opFPFirst is the first operation that execFP executes.
const opFPFirst = opFADDS
