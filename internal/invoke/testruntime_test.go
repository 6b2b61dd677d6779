package invoke_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
)

// The test runtime is this test binary started as a provided runtime's
// bootstrap (TestMain dispatches on the name). _HANDLER selects how init
// goes; each event's action selects how the invocation goes.

// Handlers.
const (
	handlerOK        = "ok"         // init succeeds
	handlerInitError = "init-error" // posts /runtime/init/error, then exits 1
	handlerCrash     = "crash"      // exits 2 before asking for an invocation
)

// event is the payload the tests send.
type event struct {
	Action string `json:"action"` // echo, print, error, env, hold, hang, exit
	Value  string `json:"value,omitempty"`
	Addr   string `json:"addr,omitempty"` // hold: the address to connect to
}

// reply is the test runtime's response.
type reply struct {
	PID    int      `json:"pid"`
	Stream string   `json:"stream"` // AWS_LAMBDA_LOG_STREAM_NAME: one per environment
	Value  string   `json:"value"`
	Env    []string `json:"env,omitempty"`
}

// initErrorDoc is what the init-error handler posts.
const initErrorDoc = `{"errorMessage":"Unable to import module 'app': No module named 'app'","errorType":"Runtime.ImportModuleError"}`

func runtimeMain() int {
	fmt.Println("init: " + os.Getenv("_HANDLER"))
	base := "http://" + os.Getenv("AWS_LAMBDA_RUNTIME_API") + "/2018-06-01/runtime/"
	switch os.Getenv("_HANDLER") {
	case handlerCrash:
		return 2
	case handlerInitError:
		if err := post(base+"init/error", []byte(initErrorDoc)); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
		return 1
	}
	for {
		resp, err := http.Get(base + "invocation/next")
		if err != nil {
			fmt.Fprintln(os.Stderr, "next:", err)
			return 1
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			fmt.Fprintln(os.Stderr, "next:", resp.Status)
			return 1
		}
		id := resp.Header.Get("Lambda-Runtime-Aws-Request-Id")
		route, result := handle(body)
		if err := post(base+"invocation/"+id+"/"+route, result); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
}

// handle runs one event and returns the route to post to and the body.
func handle(payload []byte) (route string, body []byte) {
	var ev event
	if err := json.Unmarshal(payload, &ev); err != nil {
		return "error", []byte(`{"errorMessage":"bad event","errorType":"TestError"}`)
	}
	r := reply{PID: os.Getpid(), Stream: os.Getenv("AWS_LAMBDA_LOG_STREAM_NAME"), Value: ev.Value}
	switch ev.Action {
	case "echo":
	case "print":
		fmt.Println(ev.Value)
	case "error":
		b, _ := json.Marshal(map[string]string{"errorMessage": ev.Value, "errorType": "TestError"})
		return "error", b
	case "env":
		r.Env = os.Environ()
	case "hold":
		// Block until the test closes the connection.
		if c, err := net.Dial("tcp", ev.Addr); err == nil {
			_, _ = io.Copy(io.Discard, c)
			c.Close()
		}
	case "hang":
		// Never answer; the orchestrator kills the environment.
		ch := make(chan os.Signal, 1)
		signal.Notify(ch, syscall.SIGTERM)
		<-ch
	case "exit":
		fmt.Println("exiting on request")
		os.Exit(3)
	}
	b, _ := json.Marshal(r)
	return "response", b
}

func post(url string, body []byte) error {
	resp, err := http.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		return fmt.Errorf("POST %s: %s", url, resp.Status)
	}
	return nil
}
