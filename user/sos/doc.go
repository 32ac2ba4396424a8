// Package sos gives Go programs on SOS the system-call set of the SOS
// course operating system: Open, Close, Read, Write, Getdirent, Stat,
// ProcessCreate, ProcessDelete, MyID, ProcessStatus, ProcessWait,
// TimeStamp and USleep.
//
// SOS speaks the Linux system-call ABI, so these are thin wrappers over
// Linux calls (package syscall) and /proc, the way a C library wraps
// system calls; nothing here needs an SOS-specific kernel interface.
// Errors are syscall.Errno values (syscall.ENOENT, ...), so callers can
// compare them with errors.Is.
//
// # Files
//
// Open opens a file and returns the lowest free descriptor. The name
// "console" is the console (/dev/console); any other name is a path,
// relative to the working directory. A file opened for writing is
// created (mode 0666 less the umask) if it does not exist, as SOS's open
// does. Read and Write may transfer fewer bytes than asked, as their
// Linux counterparts do; end of file is a Read of 0 bytes.
//
// Getdirent(pos) names the pos-th entry (from 0) of the working
// directory, leaving out "." and ".."; pos equal to the number of
// entries gives "" and no error (the next free slot), a larger pos is
// ENOENT. GetdirentIn does the same for any directory. Stat describes a
// file as SOS's sos_stat_t does: type, access mode, size and times in
// milliseconds since the Unix epoch.
//
// # Processes
//
// ProcessCreate starts a program (with its standard descriptors shared
// with the caller) and returns its pid. A name without a slash that is
// not in the working directory is looked up in /bin. ProcessWait waits
// for a child (or any child, for -1) to end and returns its pid;
// ProcessDelete kills a process (SIGKILL). ProcessStatus lists up to max
// processes from /proc: pid, resident size in pages, start time in
// milliseconds since boot and command name. MyID is the caller's pid.
//
// # Time
//
// TimeStamp is the time since boot in microseconds (CLOCK_BOOTTIME);
// USleep sleeps for a number of microseconds.
package sos
