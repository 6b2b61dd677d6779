package linux

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// runProbe is the probe program's main: it runs inside an environment as
// the runtime would. The report goes to stdout as one "PROBE {json}" line.
func runProbe(args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "probe: no mode")
		return 2
	}
	mode, args := args[0], args[1:]
	switch mode {
	case "exit":
		fmt.Println("stdout line")
		fmt.Fprintln(os.Stderr, "stderr line")
		code, _ := strconv.Atoi(args[0])
		return code
	case "env":
		report(map[string]string{"environ": strings.Join(os.Environ(), "\n"), "cwd": cwd(), "fds": openFds()})
	case "api":
		return probeAPI(args[0])
	case "block":
		ch := make(chan os.Signal, 1)
		signal.Notify(ch, syscall.SIGTERM)
		<-ch
	case "escape":
		report(escapeChecks(args))
	case "forkbomb":
		report(forkBomb(args[0]))
	case "oom":
		mb, _ := strconv.Atoi(args[0])
		allocate(mb)
	case "fill":
		report(fillTmp())
	case "tmpwrite":
		report(map[string]string{"write": errName(os.WriteFile("/tmp/"+args[0], []byte("x"), 0o600))})
	case "dial": // dial each address; report address → result
		r := map[string]string{}
		var mu sync.Mutex
		var wg sync.WaitGroup
		for _, a := range args {
			wg.Go(func() {
				res := dialErr(a)
				mu.Lock()
				r[a] = res
				mu.Unlock()
			})
		}
		wg.Wait()
		report(r)
	case "serve": // listen on args[0] (all addresses), report, accept forever
		ln, err := net.Listen("tcp", ":"+args[0])
		report(map[string]string{"listen": errName(err)})
		for err == nil {
			var c net.Conn
			if c, err = ln.Accept(); err == nil {
				c.Close()
			}
		}
	case "spin": // print a numbered line about every millisecond, forever
		for i := 0; ; i++ {
			fmt.Printf("spin %d\n", i)
			time.Sleep(time.Millisecond)
		}
	case "tmpcheck":
		_, err := os.Stat("/tmp/" + args[0])
		report(map[string]string{"stat": errName(err)})
	default:
		fmt.Fprintln(os.Stderr, "probe: unknown mode", mode)
		return 2
	}
	return 0
}

func report(m map[string]string) {
	b, _ := json.Marshal(m)
	fmt.Printf("PROBE %s\n", b)
}

func cwd() string {
	d, err := os.Getwd()
	if err != nil {
		return errName(err)
	}
	return d
}

// errName renders an error as its errno name ("EPERM"), "ok" for nil.
func errName(err error) string {
	if err == nil {
		return "ok"
	}
	var e syscall.Errno
	if errors.As(err, &e) {
		return unix.ErrnoName(e)
	}
	return err.Error()
}

// probeAPI is a minimal runtime: one GET /next, then exit.
func probeAPI(addr string) int {
	c := http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get("http://" + addr + "/2018-06-01/runtime/invocation/next")
	if err != nil {
		fmt.Println("api error:", err)
		return 1
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	report(map[string]string{"status": strconv.Itoa(resp.StatusCode), "body": string(body)})
	return 0
}

// outsideImage are host paths that no root image holds: the host's
// documentation, package manager and interpreters, and /usr/local.
var outsideImage = []string{"/usr/share/doc", "/usr/share", "/usr/bin/apt", "/usr/bin/dpkg", "/usr/bin/python3",
	"/usr/bin/perl", "/usr/local", "/usr/lib/python3/dist-packages", "/etc/os-release", "/etc/apt"}

// escapeChecks tries everything an environment must not be able to do.
// args: a host pid, a host path, a host TCP port on 127.0.0.1.
func escapeChecks(args []string) map[string]string {
	hostPid, _ := strconv.Atoi(args[0])
	r := map[string]string{"fds": openFds()} // before this probe opens any
	r["getpid"] = strconv.Itoa(os.Getpid())
	r["pids"] = visiblePids()
	r["kill_host_pid"] = errName(syscall.Kill(hostPid, 0))
	r["read_shadow"] = readErr("/etc/shadow")
	r["read_data_dir"] = statErr(args[1])
	r["stat_sys"] = statErr("/sys")
	for _, p := range outsideImage {
		r["stat "+p] = statErr(p)
	}
	for name, p := range map[string]string{"write_task": "/var/task/x", "write_root": "/x", "write_usr": "/usr/x",
		"write_etc": "/etc/x", "write_runtime": "/var/runtime/x", "write_dev": "/dev/x", "write_proc_sys": "/proc/sys/kernel/core_pattern"} {
		r[name] = writeErr(p)
	}
	r["write_tmp"] = writeErr("/tmp/x")
	r["mount"] = errName(unix.Mount("tmpfs", "/tmp", "tmpfs", 0, ""))
	r["unshare_user"] = errName(unix.Unshare(unix.CLONE_NEWUSER))
	r["unshare_net"] = errName(unix.Unshare(unix.CLONE_NEWNET))
	r["setns"] = setnsErr()
	r["ptrace"] = errName(unix.PtraceAttach(1))
	r["bpf"] = rawErr(unix.SYS_BPF, 5, 0, 0) // BPF_PROG_LOAD
	r["io_uring_setup"] = rawErr(unix.SYS_IO_URING_SETUP, 1, 0, 0)
	r["keyctl"] = rawErr(unix.SYS_KEYCTL, 0, 0, 0)
	r["perf_event_open"] = rawErr(unix.SYS_PERF_EVENT_OPEN, 0, 0, 0)
	r["clone3"] = rawErr(unix.SYS_CLONE3, 0, 0, 0)
	r["clone_newns"] = rawErr(unix.SYS_CLONE, unix.CLONE_NEWNS|uintptr(unix.SIGCHLD), 0, 0)
	r["socket_packet"] = socketErr(unix.AF_PACKET, unix.SOCK_RAW, 0)
	r["socket_raw"] = socketErr(unix.AF_INET, unix.SOCK_RAW, unix.IPPROTO_ICMP)
	r["mknod"] = errName(unix.Mknod("/tmp/null", unix.S_IFCHR|0o666, int(unix.Mkdev(1, 3))))
	r["host_tcp"] = dialErr("127.0.0.1:" + args[2])
	r["outbound_tcp"] = dialErr("192.0.2.1:80")
	r["block_devices"] = blockDevices()
	r["open_vda"] = readErr("/dev/vda")
	r["open_sda"] = readErr("/dev/sda")
	r["kcore_bytes"] = fileSize("/proc/kcore")
	r["threads"] = threads()
	r["hostname"], _ = os.Hostname()
	r["writable_mounts"] = writableMounts()
	for k, v := range statusFields("Uid", "Gid", "Groups", "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs", "Seccomp") {
		r[k] = v
	}
	return r
}

// writableMounts lists the mount points not mounted read-only.
func writableMounts() string {
	b, _ := os.ReadFile("/proc/self/mountinfo")
	var rw []string
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.Fields(line)
		if len(f) > 5 && !slices.Contains(strings.Split(f[5], ","), "ro") {
			rw = append(rw, f[4])
		}
	}
	sort.Strings(rw)
	return strings.Join(rw, ",")
}

func visiblePids() string {
	entries, _ := os.ReadDir("/proc")
	var pids []string
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err == nil {
			pids = append(pids, e.Name())
		}
	}
	return strings.Join(pids, ",")
}

func readErr(p string) string {
	_, err := os.ReadFile(p)
	return errName(err)
}

func statErr(p string) string {
	_, err := os.Stat(p)
	return errName(err)
}

func writeErr(p string) string {
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE, 0o644)
	if err == nil {
		f.Close()
	}
	return errName(err)
}

func setnsErr() string {
	fd, err := unix.Open("/proc/self/ns/net", unix.O_RDONLY, 0)
	if err != nil {
		return "open: " + errName(err)
	}
	defer unix.Close(fd)
	return errName(unix.Setns(fd, unix.CLONE_NEWNET))
}

func rawErr(nr, a1, a2, a3 uintptr) string {
	_, _, e := unix.Syscall(nr, a1, a2, a3)
	if e == 0 {
		return "ok"
	}
	return unix.ErrnoName(e)
}

func socketErr(domain, typ, proto int) string {
	fd, err := unix.Socket(domain, typ, proto)
	if err == nil {
		unix.Close(fd)
	}
	return errName(err)
}

func dialErr(addr string) string {
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err == nil {
		c.Close()
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "timeout"
	}
	return errName(err)
}

func blockDevices() string {
	var found []string
	entries, _ := os.ReadDir("/dev")
	for _, e := range entries {
		if e.Type()&os.ModeDevice != 0 && e.Type()&os.ModeCharDevice == 0 {
			found = append(found, e.Name())
		}
	}
	return strings.Join(found, ",")
}

func fileSize(p string) string {
	b, err := os.ReadFile(p)
	if err != nil {
		return errName(err)
	}
	return strconv.Itoa(len(b))
}

// threads starts OS threads beyond the runtime's own and counts them.
func threads() string {
	const n = 8
	var wg sync.WaitGroup
	release := make(chan struct{})
	var ready sync.WaitGroup
	ready.Add(n)
	for range n {
		wg.Go(func() {
			runtime.LockOSThread()
			ready.Done()
			<-release
		})
	}
	ready.Wait()
	s := statusFields("Threads")["Threads"]
	close(release)
	wg.Wait()
	return s
}

// openFds lists the open descriptors with raw syscalls, so that the Go
// runtime's own (its netpoller) are not created by the listing.
func openFds() string {
	dfd, err := unix.Open("/proc/self/fd", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return errName(err)
	}
	defer unix.Close(dfd)
	buf := make([]byte, 8192)
	var names []string
	for {
		n, err := unix.ReadDirent(dfd, buf)
		if err != nil || n <= 0 {
			break
		}
		_, _, names = unix.ParseDirent(buf[:n], -1, names)
	}
	var fds []string
	for _, n := range names {
		if n != strconv.Itoa(dfd) { // the directory being read
			fds = append(fds, n)
		}
	}
	sort.Strings(fds)
	return strings.Join(fds, ",")
}

func statusFields(keys ...string) map[string]string {
	b, _ := os.ReadFile("/proc/self/status")
	out := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		for _, want := range keys {
			if k == want {
				out[k] = strings.Join(strings.Fields(v), " ")
			}
		}
	}
	return out
}

// forkBomb starts up to n sleeping processes and reports how many
// started and why the next one failed.
func forkBomb(arg string) map[string]string {
	n, _ := strconv.Atoi(arg)
	sleep := "/usr/bin/sleep"
	started, last := 0, "none"
	var procs []*exec.Cmd
	for range n {
		cmd := exec.Command(sleep, "60")
		if err := cmd.Start(); err != nil {
			last = errName(err)
			break
		}
		procs = append(procs, cmd)
		started++
	}
	for _, p := range procs {
		_ = p.Process.Kill()
		_ = p.Wait()
	}
	return map[string]string{"started": strconv.Itoa(started), "error": last}
}

// allocate touches mb MiB of fresh memory, printing progress.
func allocate(mb int) {
	var keep [][]byte
	page := os.Getpagesize()
	for i := range mb {
		b := make([]byte, 1<<20)
		for j := 0; j < len(b); j += page {
			b[j] = 1
		}
		keep = append(keep, b)
		if i%32 == 0 {
			fmt.Println("allocated MiB:", i)
		}
	}
	fmt.Println("allocated all:", len(keep))
}

// fillTmp writes /tmp/fill until the file system refuses.
func fillTmp() map[string]string {
	f, err := os.OpenFile("/tmp/fill", os.O_WRONLY|os.O_CREATE, 0o600)
	if err != nil {
		return map[string]string{"error": errName(err)}
	}
	defer f.Close()
	buf := make([]byte, 1<<20)
	var total int64
	for {
		n, err := f.Write(buf)
		total += int64(n)
		if err != nil {
			var st unix.Statfs_t
			_ = unix.Statfs("/tmp", &st)
			return map[string]string{"written": strconv.FormatInt(total, 10), "error": errName(err),
				"fs_bytes": strconv.FormatUint(st.Blocks*uint64(st.Bsize), 10), "fstype": fsType(st.Type)}
		}
	}
}

func fsType(t int64) string {
	switch t {
	case unix.EXT4_SUPER_MAGIC:
		return "ext4"
	case unix.TMPFS_MAGIC:
		return "tmpfs"
	}
	return strconv.FormatInt(t, 16)
}

// sortedKeys is for stable test output.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
