package loader

import "encoding/binary"

// Auxiliary vector types (Linux include/uapi/linux/auxvec.h).
const (
	AT_NULL   = 0
	AT_PHDR   = 3
	AT_PHENT  = 4
	AT_PHNUM  = 5
	AT_PAGESZ = 6
	AT_BASE   = 7
	AT_FLAGS  = 8
	AT_ENTRY  = 9
	AT_UID    = 11
	AT_EUID   = 12
	AT_GID    = 13
	AT_EGID   = 14
	AT_HWCAP  = 16
	AT_CLKTCK = 17
	AT_SECURE = 23
	AT_RANDOM = 25
	AT_EXECFN = 31
)

// HwcapIMAFDC is AT_HWCAP for RV64IMAFDC: one bit per letter, 'a' = bit 0.
const HwcapIMAFDC = 1<<('i'-'a') | 1<<('m'-'a') | 1<<('a'-'a') | 1<<('f'-'a') | 1<<('d'-'a') | 1<<('c'-'a')

// StackImage is the initial stack of a new program, built below top.
type StackImage struct {
	SP   uint64 // the initial stack pointer: argc is at SP
	Data []byte // the bytes from SP up to top
}

// BuildStack lays out argc, argv, envp and the auxiliary vector below top,
// as the Linux ELF loader does: strings and the 16 AT_RANDOM bytes at the
// top, then the pointer arrays, with SP 16-byte aligned. aux holds the
// (type, value) pairs to pass besides AT_RANDOM, AT_EXECFN and AT_NULL,
// which BuildStack adds.
func BuildStack(top uint64, argv, envp []string, execfn string, aux [][2]uint64, random [16]byte) StackImage {
	var strs []byte
	// Strings are placed from the top down; record each one's offset from
	// the start of the string area, fixed up once its base is known.
	add := func(s string) int {
		off := len(strs)
		strs = append(strs, s...)
		strs = append(strs, 0)
		return off
	}
	argOff := make([]int, len(argv))
	for i, s := range argv {
		argOff[i] = add(s)
	}
	envOff := make([]int, len(envp))
	for i, s := range envp {
		envOff[i] = add(s)
	}
	execOff := add(execfn)
	randOff := len(strs)
	strs = append(strs, random[:]...)

	strBase := (top - uint64(len(strs))) &^ 15
	aux = append(aux, [2]uint64{AT_RANDOM, strBase + uint64(randOff)}, [2]uint64{AT_EXECFN, strBase + uint64(execOff)}, [2]uint64{AT_NULL, 0})
	words := 1 + len(argv) + 1 + len(envp) + 1 + 2*len(aux)
	sp := (strBase - uint64(words)*8) &^ 15

	data := make([]byte, top-sp)
	copy(data[strBase-sp:], strs)
	le := binary.LittleEndian
	w := data
	put := func(v uint64) { le.PutUint64(w, v); w = w[8:] }
	put(uint64(len(argv)))
	for _, o := range argOff {
		put(strBase + uint64(o))
	}
	put(0)
	for _, o := range envOff {
		put(strBase + uint64(o))
	}
	put(0)
	for _, a := range aux {
		put(a[0])
		put(a[1])
	}
	return StackImage{SP: sp, Data: data}
}
