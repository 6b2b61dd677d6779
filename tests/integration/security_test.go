package integration_test

import (
	"archive/zip"
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"lambent/tests/framework"
)

func TestAuthentication(t *testing.T) {
	s := framework.StartInProcess(t, framework.Options{})
	resp, err := http.Get(s.Endpoint + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("healthz: %d", resp.StatusCode)
	}
	tests := []struct {
		name, key, secret, code string
	}{
		{"wrong secret", framework.AccessKeyID, "wrong-secret-wrong-secret-wrong-secret00", "InvalidSignatureException"},
		{"unknown key", "AKIAUNKNOWN000000000", framework.SecretAccessKey, "UnrecognizedClientException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := lambda.New(lambda.Options{Region: framework.Region, BaseEndpoint: aws.String(s.Endpoint),
				Credentials: credentials.NewStaticCredentialsProvider(tt.key, tt.secret, "")})
			_, err := c.ListFunctions(t.Context(), &lambda.ListFunctionsInput{})
			apiError(t, err, tt.code, "")
		})
	}
	for _, path := range []string{"/2015-03-31/functions", "/2016-08-19/account-settings", "/2015-03-31/functions/x/invocations"} {
		resp, err := http.Post(s.Endpoint+path, "application/json", strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 403 || resp.Header.Get("X-Amzn-Errortype") != "MissingAuthenticationTokenException" {
			t.Fatalf("unsigned POST %s: %d %s", path, resp.StatusCode, resp.Header.Get("X-Amzn-Errortype"))
		}
	}
}

// zipWith builds a zip whose entries are written raw (names unchecked).
func zipWith(t *testing.T, add func(zw *zip.Writer)) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add(zw)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestUnsafePackagesAreRefused(t *testing.T) {
	s := framework.StartInProcess(t, framework.Options{})
	c := s.Lambda()
	file := func(name string) func(*zip.Writer) {
		return func(zw *zip.Writer) {
			w, _ := zw.Create(name)
			_, _ = w.Write([]byte("x"))
		}
	}
	symlink := func(name, target string) func(*zip.Writer) {
		return func(zw *zip.Writer) {
			h := &zip.FileHeader{Name: name}
			h.SetMode(os.ModeSymlink | 0o777)
			w, _ := zw.CreateHeader(h)
			_, _ = w.Write([]byte(target))
		}
	}
	bomb := func(zw *zip.Writer) {
		w, _ := zw.Create("bomb")
		zeros := make([]byte, 1<<20)
		for range 251 {
			_, _ = w.Write(zeros)
		}
	}
	tests := []struct {
		name string
		zip  []byte
		msg  string
	}{
		{"not a zip", []byte("this is not a zip file"), "Could not unzip uploaded file"},
		{"zip slip", zipWith(t, file("../../evil")), "evil"},
		{"absolute path", zipWith(t, file("/etc/evil")), "evil"},
		{"symlink outside", zipWith(t, symlink("link", "/etc/passwd")), "link"},
		{"decompression bomb", zipWith(t, bomb), "Unzipped size must be smaller than 262144000 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.CreateFunction(t.Context(), &lambda.CreateFunctionInput{
				FunctionName: aws.String("unsafe"), Runtime: types.RuntimeProvidedal2023, Handler: aws.String("bootstrap"),
				Role: aws.String(framework.Role), Code: &types.FunctionCode{ZipFile: tt.zip},
			})
			apiError(t, err, "InvalidParameterValueException", tt.msg)
		})
	}
	// Nothing was created or stored.
	if _, err := c.GetFunction(t.Context(), &lambda.GetFunctionInput{FunctionName: aws.String("unsafe")}); err == nil {
		t.Fatal("a refused package created a function")
	}
	entries, err := os.ReadDir(filepath.Join(s.DataDir, "artifacts"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.IsDir() {
			t.Fatalf("a refused package was stored: %s", e.Name())
		}
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(s.DataDir), "evil")); err == nil {
		t.Fatal("zip slip wrote outside the data dir")
	}
}

func TestArtifactsAreEncryptedAtRest(t *testing.T) {
	s := framework.StartInProcess(t, framework.Options{})
	c := s.Lambda()
	marker := "lambent-plaintext-marker-7f3a"
	framework.CreateAndWait(t, c, &lambda.CreateFunctionInput{
		FunctionName: aws.String("secret"), Runtime: types.RuntimePython311, Handler: aws.String("app.handler"),
		Role: aws.String(framework.Role), Code: &types.FunctionCode{ZipFile: framework.Zip(t, map[string]string{
			"app.py": "SECRET = '" + marker + "'\ndef handler(e, c):\n    return SECRET\n"})},
	})
	found := false
	err := filepath.Walk(filepath.Join(s.DataDir, "artifacts"), func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		found = true
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if bytes.Contains(b, []byte(marker)) || bytes.Contains(b, []byte("app.py")) {
			t.Errorf("artifact %s holds plaintext", p)
		}
		return nil
	})
	if err != nil || !found {
		t.Fatalf("walk artifacts: %v (found=%v)", err, found)
	}
	for _, name := range []string{"master.key", "root-credentials.json", "lambent.db"} {
		info, err := os.Stat(filepath.Join(s.DataDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm()&0o077 != 0 {
			t.Fatalf("%s has mode %v, want no group/other access", name, info.Mode().Perm())
		}
	}
	db, err := os.ReadFile(filepath.Join(s.DataDir, "lambent.db"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(db, []byte(marker)) {
		t.Fatal("the database holds package plaintext")
	}
}
