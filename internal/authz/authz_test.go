package authz

import (
	"testing"

	"lambent/internal/account"
	"lambent/internal/errkind"
)

func TestRootOnly(t *testing.T) {
	root := &Principal{Account: "111111111111", ARN: "arn:aws:iam::111111111111:root", IsRoot: true}
	user := &Principal{Account: "111111111111", ARN: "arn:aws:iam::111111111111:user/bob"}
	tests := []struct {
		name  string
		p     *Principal
		owner account.ID
		allow bool
	}{
		{"root in own account", root, "111111111111", true},
		{"root in other account", root, "222222222222", false},
		{"non-root user", user, "111111111111", false},
		{"no principal", nil, "111111111111", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := RootOnly{}.Authorize(t.Context(), Request{Principal: tt.p, Action: "lambda:GetFunction",
				Resource: "arn:aws:lambda:us-east-1:111111111111:function:f", ResourceAccount: tt.owner})
			if tt.allow != (err == nil) {
				t.Fatalf("allow=%v, err=%v", tt.allow, err)
			}
			if err != nil && !errkind.Is(err, errkind.AccessDenied) {
				t.Fatalf("kind = %v", errkind.KindOf(err))
			}
		})
	}
}

func TestDeniedMessage(t *testing.T) {
	err := Denied(Request{Principal: &Principal{ARN: "arn:aws:iam::1:user/x"}, Action: "lambda:InvokeFunction", Resource: "arn:f"})
	e, _ := errkind.As(err)
	want := "User: arn:aws:iam::1:user/x is not authorized to perform: lambda:InvokeFunction on resource: arn:f"
	if e.Public != want {
		t.Fatalf("got %q", e.Public)
	}
}
