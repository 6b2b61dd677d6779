// Command coldstart is the smallest Lambda-style runtime, for the cold
// start benchmark: it asks the Runtime API for the next event and exits.
package main

import (
	"net/http"
	"os"
)

func main() {
	resp, err := http.Get("http://" + os.Getenv("AWS_LAMBDA_RUNTIME_API") + "/2018-06-01/runtime/invocation/next")
	if err != nil {
		os.Exit(1)
	}
	resp.Body.Close()
}
