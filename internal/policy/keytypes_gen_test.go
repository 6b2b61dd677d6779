package policy

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"go/format"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"lambent/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite keytypes_table.go from ../shared/testdata/service-authz-iam-data-MIT")

// keyTableServices are the services whose condition keys Lambent's
// requests can carry.
var keyTableServices = []string{"iam", "lambda", "logs", "sts"}

// globalKeyTypes are the aws: global condition keys, typed as in the IAM
// User Guide's "AWS global condition context keys" page
// (reference_policies_condition-keys); the Service Authorization data
// lists only the tag keys among them.
var globalKeyTypes = map[string]string{
	"aws:CalledVia":                    "ArrayOfString",
	"aws:CalledViaFirst":               "String",
	"aws:CalledViaLast":                "String",
	"aws:CurrentTime":                  "Date",
	"aws:EpochTime":                    "Date",
	"aws:Ec2InstanceSourcePrivateIPv4": "IPAddress",
	"aws:Ec2InstanceSourceVpc":         "String",
	"aws:FederatedProvider":            "String",
	"aws:MultiFactorAuthAge":           "Numeric",
	"aws:MultiFactorAuthPresent":       "Bool",
	"aws:PrincipalAccount":             "String",
	"aws:PrincipalArn":                 "ARN",
	"aws:PrincipalIsAWSService":        "Bool",
	"aws:PrincipalOrgID":               "String",
	"aws:PrincipalOrgPaths":            "ArrayOfString",
	"aws:PrincipalServiceName":         "String",
	"aws:PrincipalServiceNamesList":    "ArrayOfString",
	"aws:PrincipalTag/${TagKey}":       "String",
	"aws:PrincipalType":                "String",
	"aws:Referer":                      "String",
	"aws:RequestedRegion":              "String",
	"aws:RequestTag/${TagKey}":         "String",
	"aws:ResourceAccount":              "String",
	"aws:ResourceOrgID":                "String",
	"aws:ResourceOrgPaths":             "ArrayOfString",
	"aws:ResourceTag/${TagKey}":        "String",
	"aws:SecureTransport":              "Bool",
	"aws:SourceAccount":                "String",
	"aws:SourceArn":                    "ARN",
	"aws:SourceIdentity":               "String",
	"aws:SourceIp":                     "IPAddress",
	"aws:SourceOrgID":                  "String",
	"aws:SourceOrgPaths":               "ArrayOfString",
	"aws:SourceVpc":                    "String",
	"aws:SourceVpcArn":                 "ARN",
	"aws:SourceVpce":                   "String",
	"aws:TagKeys":                      "ArrayOfString",
	"aws:TokenIssueTime":               "Date",
	"aws:UserAgent":                    "String",
	"aws:userid":                       "String",
	"aws:username":                     "String",
	"aws:ViaAWSService":                "Bool",
	"aws:VpceAccount":                  "String",
	"aws:VpceOrgID":                    "String",
	"aws:VpceOrgPaths":                 "ArrayOfString",
	"aws:VpcSourceIp":                  "IPAddress",
}

var keyTypeConst = map[string]string{
	"String": "KeyString", "ArrayOfString": "KeyArrayOfString", "ARN": "KeyARN", "ArrayOfARN": "KeyArrayOfARN",
	"Numeric": "KeyNumeric", "Bool": "KeyBool", "Date": "KeyDate", "IPAddress": "KeyIPAddress", "Binary": "KeyBinary",
}

// TestKeyTypeTable checks that keytypes_table.go is what the shared data
// generates; with -update it rewrites the file (go generate).
func TestKeyTypeTable(t *testing.T) {
	got := generateKeyTypeTable(t, testenv.SharedTestdata(t, "service-authz-iam-data-MIT"))
	if *update {
		if err := os.WriteFile("keytypes_table.go", got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile("keytypes_table.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("keytypes_table.go is stale: run go generate ./internal/policy")
	}
}

func generateKeyTypeTable(t *testing.T, dir string) []byte {
	t.Helper()
	types := map[string]string{} // lower-cased key or template → type
	add := func(key, typ, source string) {
		if _, ok := keyTypeConst[typ]; !ok {
			t.Fatalf("%s: key %s has unknown type %q", source, key, typ)
		}
		k := strings.ToLower(key)
		if old, ok := types[k]; ok && old != typ {
			t.Fatalf("%s: key %s typed %s and %s", source, key, old, typ)
		}
		types[k] = typ
	}
	for k, typ := range globalKeyTypes {
		add(k, typ, "global")
	}
	for _, svc := range keyTableServices {
		raw, err := os.ReadFile(filepath.Join(dir, "conditionKeys", svc+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var keys map[string]struct{ Key, Type string }
		if err := json.Unmarshal(raw, &keys); err != nil {
			t.Fatalf("%s: %v", svc, err)
		}
		for _, v := range keys {
			add(v.Key, v.Type, svc)
		}
	}
	return formatKeyTable(t, types)
}

func formatKeyTable(t *testing.T, types map[string]string) []byte {
	t.Helper()
	var exact, templated []string
	for k := range types {
		if strings.Contains(k, "${") {
			templated = append(templated, k)
		} else {
			exact = append(exact, k)
		}
	}
	sort.Strings(exact)
	sort.Strings(templated)
	var b bytes.Buffer
	b.WriteString("// Code generated by TestKeyTypeTable (go generate); DO NOT EDIT.\n")
	b.WriteString("// Source: ../shared/testdata/service-authz-iam-data-MIT/conditionKeys/{" +
		strings.Join(keyTableServices, ",") + "}.json and the aws: global keys.\n\n")
	b.WriteString("package policy\n\n")
	b.WriteString("func keyTypeExact(key string) (KeyType, bool) {\n\tswitch key {\n")
	for _, k := range exact {
		fmt.Fprintf(&b, "\tcase %q:\n\t\treturn %s, true\n", k, keyTypeConst[types[k]])
	}
	b.WriteString("\t}\n\treturn 0, false\n}\n\n")
	b.WriteString("func keyTypeTemplated(key string) (KeyType, bool) {\n\tswitch {\n")
	for _, k := range templated {
		i := strings.Index(k, "${")
		j := strings.Index(k[i:], "}")
		if j < 0 || strings.Contains(k[i+j:], "${") {
			t.Fatalf("template %s: want exactly one placeholder", k)
		}
		fmt.Fprintf(&b, "\tcase hasAround(key, %q, %q):\n\t\treturn %s, true\n", k[:i], k[i+j+1:], keyTypeConst[types[k]])
	}
	b.WriteString("\t}\n\treturn 0, false\n}\n")
	src, err := format.Source(b.Bytes())
	if err != nil {
		t.Fatalf("format generated table: %v", err)
	}
	return src
}
