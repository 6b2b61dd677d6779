package sandboxinit

import (
	"fmt"
	"syscall"
	"unsafe"

	seccomp "github.com/elastic/go-seccomp-bpf"
	"github.com/elastic/go-seccomp-bpf/arch"
	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// deniedSyscalls fail with EPERM: a deny-list modelled on Docker's default
// profile. Without capabilities most of them fail anyway; the filter
// removes the kernel attack surface behind them.
var deniedSyscalls = []string{
	// mounts and namespaces
	"mount", "umount2", "pivot_root", "chroot", "open_tree", "move_mount", "fsopen", "fsconfig", "fsmount",
	"fspick", "mount_setattr", "unshare", "setns",
	// other processes' memory and descriptors
	"ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd",
	// kernel interfaces with a history of exploits
	"bpf", "perf_event_open", "userfaultfd", "io_uring_setup", "io_uring_enter", "io_uring_register",
	"keyctl", "add_key", "request_key", "fanotify_init",
	// modules, kexec, reboot, swap, clocks, accounting, quotas
	"init_module", "finit_module", "delete_module", "create_module", "get_kernel_syms", "query_module",
	"kexec_load", "kexec_file_load", "reboot", "swapon", "swapoff", "settimeofday", "clock_settime",
	"clock_adjtime", "adjtimex", "acct", "quotactl", "quotactl_fd", "lookup_dcookie", "syslog", "vhangup",
	"iopl", "ioperm", "uselib", "nfsservctl", "_sysctl", "sysfs", "ustat", "open_by_handle_at",
	"name_to_handle_at", "move_pages", "migrate_pages",
}

// namespaceFlags are the CLONE_NEW* bits clone(2) must not carry.
const namespaceFlags = unix.CLONE_NEWNS | unix.CLONE_NEWCGROUP | unix.CLONE_NEWUTS | unix.CLONE_NEWIPC |
	unix.CLONE_NEWUSER | unix.CLONE_NEWPID | unix.CLONE_NEWNET

// errno returns the action "fail with e"; ActionErrno alone means EPERM.
func errno(e syscall.Errno) seccomp.Action { return seccomp.ActionErrno | seccomp.Action(e) }

// policy is the environment's seccomp policy: the deny-list, clone with a
// namespace flag denied, and clone3 failing with ENOSYS (its flags sit in
// a struct the filter cannot read; glibc falls back to clone on ENOSYS
// only, so EPERM would break pthread_create).
func policy() seccomp.Policy {
	return seccomp.Policy{
		DefaultAction: seccomp.ActionAllow,
		Syscalls: []seccomp.SyscallGroup{
			{Action: errno(unix.EPERM), Names: deniedSyscalls},
			{Action: errno(unix.ENOSYS), Names: []string{"clone3"}},
			{Action: errno(unix.EPERM), NamesWithCondtions: []seccomp.NameWithConditions{{
				Name: "clone",
				Conditions: seccomp.ArgumentConditions{{
					Argument: 0, Operation: seccomp.BitsSet, Value: namespaceFlags,
				}},
			}}},
		},
	}
}

// program assembles the policy for the running architecture, preceded by
// a check that makes every syscall of another ABI (i386 through int 0x80)
// fail with ENOSYS: the deny-list applies to the native table only.
func program() ([]bpf.RawInstruction, error) {
	info, err := arch.GetInfo("")
	if err != nil {
		return nil, err
	}
	p := policy()
	insts, err := p.Assemble()
	if err != nil {
		return nil, err
	}
	head := []bpf.Instruction{
		bpf.LoadAbsolute{Off: 4, Size: 4}, // seccomp_data.arch
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: uint32(info.ID), SkipTrue: 1},
		bpf.RetConstant{Val: uint32(errno(unix.ENOSYS))},
	}
	return bpf.Assemble(append(head, insts...))
}

// loadSeccomp installs the filter with TSYNC; no_new_privs is already set.
func loadSeccomp() error {
	raw, err := program()
	if err != nil {
		return fmt.Errorf("assemble seccomp filter: %w", err)
	}
	filter := make([]unix.SockFilter, len(raw))
	for i, in := range raw {
		filter[i] = unix.SockFilter{Code: in.Op, Jt: in.Jt, Jf: in.Jf, K: in.K}
	}
	prog := unix.SockFprog{Len: uint16(len(filter)), Filter: &filter[0]}
	tid, _, e := unix.RawSyscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER,
		unix.SECCOMP_FILTER_FLAG_TSYNC, uintptr(unsafe.Pointer(&prog)))
	if e != 0 {
		return fmt.Errorf("load seccomp filter: %w", e)
	}
	if tid != 0 { // TSYNC names the thread it could not synchronise
		return fmt.Errorf("load seccomp filter: thread %d not synchronised", tid)
	}
	return nil
}
