package iam

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"lambent/internal/policy"
)

// managedFS holds the AWS managed policies of iam.md §8: index.json lists
// them and NAME.json is each one's default-version document, byte for byte.
//
//go:embed managed/*.json
var managedFS embed.FS

// builtin is one AWS managed policy: read-only and visible in every
// account. Only its default version is seeded.
type builtin struct {
	Name        string    `json:"name"`
	Path        string    `json:"path"`
	ID          string    `json:"id"`
	Description string    `json:"description"`
	Created     time.Time `json:"created"`
	Updated     time.Time `json:"updated"`
	Version     string    `json:"version"`

	arn      string
	document string
	compiled *policy.Policy
}

// builtins are the AWS managed policies by ARN and in ARN order.
type builtins struct {
	byARN map[string]*builtin
	list  []*builtin
}

// loadBuiltins reads and compiles the embedded AWS managed policies.
func loadBuiltins() (*builtins, error) {
	idx, err := managedFS.ReadFile("managed/index.json")
	if err != nil {
		return nil, fmt.Errorf("read managed policies: %w", err)
	}
	var index struct{ Policies []*builtin }
	if err := json.Unmarshal(idx, &index); err != nil {
		return nil, fmt.Errorf("decode managed policy index: %w", err)
	}
	b := &builtins{byARN: map[string]*builtin{}}
	for _, p := range index.Policies {
		doc, err := managedFS.ReadFile("managed/" + p.Name + ".json")
		if err != nil {
			return nil, fmt.Errorf("read managed policy %s: %w", p.Name, err)
		}
		p.document = strings.TrimSuffix(string(doc), "\n")
		if p.compiled, err = policy.Parse([]byte(p.document), policy.Identity); err != nil {
			return nil, fmt.Errorf("compile managed policy %s: %w", p.Name, err)
		}
		p.arn = entityARN(awsOwner, "policy", p.Path, p.Name)
		b.byARN[p.arn] = p
		b.list = append(b.list, p)
	}
	sort.Slice(b.list, func(i, j int) bool { return b.list[i].arn < b.list[j].arn })
	return b, nil
}

func (p *builtin) info() *ManagedPolicy {
	return &ManagedPolicy{Name: p.Name, PolicyID: p.ID, ARN: p.arn, Path: p.Path, Description: p.Description,
		DefaultVersionID: p.Version, IsAttachable: true, CreateDate: p.Created, UpdateDate: p.Updated}
}

func (p *builtin) version() *PolicyVersion {
	return &PolicyVersion{VersionID: p.Version, Document: p.document, IsDefault: true, CreateDate: p.Updated}
}
