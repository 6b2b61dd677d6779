// Command lambent is a self-hosted, AWS-Lambda-compatible function platform.
//
//	lambent server [flags]   serve the API and run functions
//	lambent version          print the version
package main

import (
	"fmt"
	"os"

	"lambent/internal/sandbox/sandboxinit"
)

func main() {
	// `lambent sandbox-init` is the linux sandbox re-executing this binary
	// inside new namespaces: it must run before anything else.
	sandboxinit.Dispatch()
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "server":
		err = runServer(os.Args[2:])
	case "version":
		fmt.Println("lambent", version)
	case "help", "-h", "--help":
		usage()
	default:
		fmt.Fprintf(os.Stderr, "lambent: unknown command %q\n", os.Args[1])
		usage()
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "lambent:", err)
		os.Exit(1)
	}
}

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func usage() {
	fmt.Fprint(os.Stderr, `usage: lambent <command> [flags]

commands:
  server    serve the Lambda API and run functions (lambent server -h for flags)
  version   print the version
`)
}
