package linux

import (
	"sos/internal/abi"
	"sos/internal/kernel"
)

// reboot(2)'s magic numbers and commands (linux/reboot.h).
const (
	rebootMagic1  = 0xfee1dead
	rebootMagic2  = 672274793 // 0x28121969
	rebootMagic2A = 85072278  // 0x05121996
	rebootMagic2B = 369367448 // 0x16041998
	rebootMagic2C = 537993216 // 0x20112000

	RebootCmdRestart  = 0x01234567
	RebootCmdHalt     = 0xcdef0123
	RebootCmdCADOn    = 0x89abcdef
	RebootCmdCADOff   = 0x00000000
	RebootCmdPowerOff = 0x4321fedc
)

var rebootCalls = []def{
	{142, Partial, sysReboot, "xxxp", "POWER_OFF, HALT and RESTART all shut SOS down (sos exits 0); CAD_ON/OFF accepted; EPERM unless the caller descends from init (the booted system) or has uid-0 credentials"},
}

// sysReboot checks the caller and the command as Linux does (privilege
// first, then the magic numbers). SOS has one user, so the privilege
// (Linux's CAP_SYS_BOOT) goes with the booted system rather than a user
// id: init and every process it starts hold it (kernel.Process.MayReboot),
// a program run by itself with `sos run PROG` does not. and hands shutdown to the kernel's
// reboot function, which stops every process; the call returns 0 to a
// caller that is still running by then.
func sysReboot(t *kernel.Task, a Args) (uint64, error) {
	if t.FS().Creds().UID != 0 && !t.Process().MayReboot() {
		return 0, abi.EPERM
	}
	magic1, magic2, cmd := uint32(a[0]), uint32(a[1]), uint32(a[2])
	if magic1 != rebootMagic1 {
		return 0, abi.EINVAL
	}
	switch magic2 {
	case rebootMagic2, rebootMagic2A, rebootMagic2B, rebootMagic2C:
	default:
		return 0, abi.EINVAL
	}
	switch cmd {
	case RebootCmdCADOn, RebootCmdCADOff:
		return 0, nil
	case RebootCmdPowerOff, RebootCmdHalt, RebootCmdRestart:
		if !t.Kernel().Reboot(kernel.RebootCmd(cmd)) {
			return 0, abi.EPERM
		}
		return 0, nil
	}
	return 0, abi.EINVAL
}
