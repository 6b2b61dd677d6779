package artifact_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"os"

	"lambent/internal/artifact"
	"lambent/internal/errkind"
)

func Example() {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("handler.py")
	fmt.Fprint(w, "def handler(event, context):\n    return event\n")
	zw.Close()

	info, err := artifact.Inspect(buf.Bytes(), artifact.Limits{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(info.Files, info.UnzippedSize, len(info.CodeSha256()))

	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	if err := artifact.Extract(buf.Bytes(), dir, artifact.Limits{}); err != nil {
		fmt.Println(err)
	}

	// A hostile package is refused with a public message for the caller.
	buf.Reset()
	zw = zip.NewWriter(&buf)
	zw.Create("../../etc/passwd")
	zw.Close()
	_, err = artifact.Inspect(buf.Bytes(), artifact.Limits{})
	e, _ := errkind.As(err)
	fmt.Println(e.Kind, e.Public)
	// Output:
	// 1 46 44
	// InvalidArgument Invalid zip entry "../../etc/passwd": path escapes the package root
}
