package sandboxtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
)

// programArg, as os.Args[1], makes Dispatch run the suite's program
// instead of the tests.
const programArg = "sandboxtest-program"

// report is what the program sends over its connection to the Runtime API
// listener: one JSON object followed by a newline.
type report struct {
	Role        string            `json:"role"` // "runtime" or "grandchild"
	UID         int               `json:"uid"`
	Env         []string          `json:"env"`
	Code        string            `json:"code"`        // data.txt from the task root
	Nested      string            `json:"nested"`      // lib/nested.txt from the task root
	RuntimeFile string            `json:"runtimeFile"` // client.txt from the runtime dir
	TmpEntries  []string          `json:"tmpEntries"`  // tmp's entries before the marker was written
	Marker      string            `json:"marker"`      // the file the program wrote in tmp
	Attempts    map[string]string `json:"attempts"`    // attempt → error text, "" when it succeeded
}

// Attempts the program makes; the suite checks which of them must fail.
const (
	attemptCreateInTask    = "create a file in the task root"
	attemptWriteCode       = "open a code file for writing"
	attemptChmodCode       = "chmod a code file"
	attemptCreateInRuntime = "create a file in the runtime dir"
	attemptWriteTmp        = "write a file in tmp"
)

// program is the suite's stand-in for a runtime. Modes:
//
//	report TASKROOT RUNTIMEDIR TMP CODE  inspect the environment, send a report, exit with CODE
//	hang                                 start a grandchild, both connect and block
//	leaf                                 connect and block (the grandchild)
func program(args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "sandboxtest program: no mode")
		return 2
	}
	var err error
	code := 0
	switch args[0] {
	case "report":
		if len(args) != 5 {
			err = fmt.Errorf("report wants 4 arguments, got %q", args[1:])
			break
		}
		code, _ = strconv.Atoi(args[4])
		err = sendReport(inspect(args[1], args[2], args[3]), false)
	case "hang":
		err = hang()
	case "leaf":
		err = sendReport(&report{Role: "grandchild"}, true)
	default:
		err = fmt.Errorf("unknown mode %q", args[0])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "sandboxtest program:", err)
		return 2
	}
	return code
}

func inspect(taskRoot, runtimeDir, tmp string) *report {
	fmt.Println("sandboxtest stdout line")
	fmt.Fprintln(os.Stderr, "sandboxtest stderr line")
	r := &report{Role: "runtime", UID: os.Getuid(), Env: os.Environ(), Attempts: map[string]string{}}
	r.Code = readOrErr(filepath.Join(taskRoot, "data.txt"))
	r.Nested = readOrErr(filepath.Join(taskRoot, "lib", "nested.txt"))
	r.RuntimeFile = readOrErr(filepath.Join(runtimeDir, "client.txt"))
	entries, err := os.ReadDir(tmp)
	if err != nil {
		r.TmpEntries = []string{"error: " + err.Error()}
	}
	for _, e := range entries {
		r.TmpEntries = append(r.TmpEntries, e.Name())
	}
	r.Marker = "marker-" + strconv.Itoa(os.Getpid())
	r.Attempts[attemptCreateInTask] = errText(os.WriteFile(filepath.Join(taskRoot, "created-by-runtime"), []byte("x"), 0o644))
	r.Attempts[attemptWriteCode] = errText(openForWrite(filepath.Join(taskRoot, "data.txt")))
	r.Attempts[attemptChmodCode] = errText(os.Chmod(filepath.Join(taskRoot, "data.txt"), 0o666))
	r.Attempts[attemptCreateInRuntime] = errText(os.WriteFile(filepath.Join(runtimeDir, "created-by-runtime"), []byte("x"), 0o644))
	r.Attempts[attemptWriteTmp] = errText(writeAndReadBack(filepath.Join(tmp, r.Marker)))
	return r
}

func readOrErr(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "error: " + err.Error()
	}
	return string(b)
}

func openForWrite(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return err
	}
	return f.Close()
}

func writeAndReadBack(path string) error {
	if err := os.WriteFile(path, []byte("marker"), 0o600); err != nil {
		return err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if string(b) != "marker" {
		return fmt.Errorf("read back %q", b)
	}
	return nil
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// hang starts a grandchild in the runtime's process group; both connect
// and block on their connection until they are killed.
func hang() error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	leaf := exec.Command(self, programArg, "leaf")
	leaf.Stdout, leaf.Stderr = os.Stdout, os.Stderr
	if err := leaf.Start(); err != nil {
		return fmt.Errorf("start grandchild: %w", err)
	}
	return sendReport(&report{Role: "runtime"}, true)
}

// sendReport connects to the Runtime API listener and sends r. With
// block, it then reads until the connection ends, which happens only when
// the process dies: the suite never closes its side first.
func sendReport(r *report, block bool) error {
	conn, err := net.Dial("tcp", os.Getenv("AWS_LAMBDA_RUNTIME_API"))
	if err != nil {
		return fmt.Errorf("connect to the runtime API: %w", err)
	}
	defer conn.Close()
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if _, err := conn.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("send report: %w", err)
	}
	if block {
		_, _ = io.Copy(io.Discard, conn)
	}
	return nil
}
