package awsquery

import (
	"bytes"
	"encoding/xml"
	"net/http/httptest"
	"testing"
)

// FuzzDecode feeds arbitrary form bodies through Decode and every reader,
// and checks that whatever was decoded encodes into well-formed XML.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		"Action=CreateRole&Version=2010-05-08&RoleName=r1&AssumeRolePolicyDocument=%7B%7D",
		"Action=AssumeRole&Tags.member.1.Key=a&Tags.member.1.Value=b&PolicyArns.member.1.arn=x&TransitiveTagKeys.member.1=a",
		"Action=A&M.entry.1.key=k&M.entry.1.value=v&L.member.4294967296=x&L.member.1=y&L.member.01=z",
		"Action=S&ContextEntries.member.1.ContextKeyValues.member.1=v&ContextEntries.member.1.ContextKeyName=k",
		"Action=%ff%fe&x=%00\x01&&==&;",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest("POST", "/", nil)
		req, err := Decode(r, []byte(body))
		if err != nil {
			return
		}
		p := req.Params
		type out struct {
			Values []string `xml:"Values>member"`
		}
		var o out
		for _, name := range []string{"L", "Tags", "ContextEntries", "M", req.Action} {
			o.Values = append(o.Values, p.Get(name))
			o.Values = append(o.Values, p.List(name)...)
			for _, m := range p.Members(name) {
				o.Values = append(o.Values, m.Get("Key"), m.Get("Value"))
				o.Values = append(o.Values, m.List("ContextKeyValues")...)
			}
			for k, v := range p.Map(name) {
				o.Values = append(o.Values, k, v)
			}
		}
		b, err := Marshal(IAM, "Fuzz", "rid", o)
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		d := xml.NewDecoder(bytes.NewReader(b))
		for {
			if _, err := d.Token(); err != nil {
				if err.Error() != "EOF" {
					t.Fatalf("response is not well-formed XML: %v\n%s", err, b)
				}
				return
			}
		}
	})
}
