package policy

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"lambent/internal/errkind"
	"lambent/internal/testenv"
)

// motoCorpus loads testdata/policy-validation-moto: documents IAM rejects,
// with AWS's messages, and documents it accepts.
func motoCorpus(t testing.TB) (invalid []motoCase, valid []json.RawMessage) {
	t.Helper()
	dir := testenv.SharedTestdata(t, "policy-validation-moto")
	read := func(name string, v any) {
		raw, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	read("invalid_policy_documents.json", &invalid)
	read("valid_policy_documents.json", &valid)
	return invalid, valid
}

type motoCase struct {
	Document     json.RawMessage `json:"document"`
	ErrorMessage string          `json:"error_message"`
}

// TestMotoInvalid checks that every rejected document yields exactly AWS's
// message, as an InvalidArgument error with Detail Malformed. The first
// entry is a bare JSON string, as the README says.
func TestMotoInvalid(t *testing.T) {
	invalid, _ := motoCorpus(t)
	if len(invalid) != 78 {
		t.Fatalf("corpus has %d invalid documents, want 78", len(invalid))
	}
	for i, c := range invalid {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			_, err := Parse(c.Document, Identity)
			e, ok := errkind.As(err)
			if !ok {
				t.Fatalf("Parse(%s) = %v, want %q", c.Document, err, c.ErrorMessage)
			}
			if e.Public != c.ErrorMessage || e.Kind != errkind.InvalidArgument || e.Detail != Malformed {
				t.Errorf("Parse(%s)\n got %v %s %q\nwant InvalidArgument %s %q", c.Document, e.Kind, e.Detail, e.Public,
					Malformed, c.ErrorMessage)
			}
		})
	}
}

func TestMotoValid(t *testing.T) {
	_, valid := motoCorpus(t)
	if len(valid) != 54 {
		t.Fatalf("corpus has %d valid documents, want 54", len(valid))
	}
	for i, doc := range valid {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			p, err := Parse(doc, Identity)
			if err != nil {
				t.Fatalf("Parse(%s): %v", doc, err)
			}
			if len(p.Statements()) == 0 {
				t.Fatal("no statements")
			}
		})
	}
}
