package iam

import (
	"context"
	"encoding/base64"
	"fmt"
	"sort"
	"strings"

	"lambent/internal/account"
	"lambent/internal/arn"
)

// Page size bounds of list calls.
const (
	defaultMaxItems = 100
	maxMaxItems     = 1000
)

func checkMaxItems(n int) (int, error) {
	switch {
	case n == 0:
		return defaultMaxItems, nil
	case n < 1:
		return 0, violations(arn.Violations{{Member: "maxItems", Value: fmt.Sprint(n),
			Constraint: "Member must have value greater than or equal to 1"}})
	case n > maxMaxItems:
		return 0, violations(arn.Violations{{Member: "maxItems", Value: fmt.Sprint(n),
			Constraint: fmt.Sprintf("Member must have value less than or equal to %d", maxMaxItems)}})
	}
	return n, nil
}

// A marker is the base64 of the last key returned; it is opaque to callers.
func encodeMarker(k string) string { return base64.RawURLEncoding.EncodeToString([]byte(k)) }

func decodeMarker(m string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(m)
	if err != nil {
		return "", invalidInput("Invalid Marker.")
	}
	return string(b), nil
}

// listEntities pages through one entity kind in key order, keeping those
// whose path starts with o.PathPrefix.
func listEntities[D, T any](ctx context.Context, s *Service, acct account.ID, kind string, o ListOptions,
	conv func(d *D) (T, string)) (Page[T], error) {
	limit, err := checkMaxItems(o.MaxItems)
	if err != nil {
		return Page[T]{}, err
	}
	after, err := decodeMarker(o.Marker)
	if err != nil {
		return Page[T]{}, err
	}
	var p Page[T]
	var last string
	err = scan(ctx, s, acct, kind, after, func(k string, d *D) bool {
		item, path := conv(d)
		if !strings.HasPrefix(path, o.PathPrefix) {
			return true
		}
		if len(p.Items) == limit {
			p.IsTruncated, p.Marker = true, encodeMarker(last)
			return false
		}
		p.Items, last = append(p.Items, item), k
		return true
	})
	if err != nil {
		return Page[T]{}, err
	}
	return p, nil
}

// pageOf pages through items already sorted by keyOf, keeping those keep
// accepts.
func pageOf[T any](items []T, keyOf func(T) string, keep func(T) bool, o ListOptions) (Page[T], error) {
	limit, err := checkMaxItems(o.MaxItems)
	if err != nil {
		return Page[T]{}, err
	}
	after, err := decodeMarker(o.Marker)
	if err != nil {
		return Page[T]{}, err
	}
	i := 0
	if o.Marker != "" {
		i = sort.Search(len(items), func(i int) bool { return keyOf(items[i]) > after })
	}
	var p Page[T]
	for ; i < len(items); i++ {
		if !keep(items[i]) {
			continue
		}
		if len(p.Items) == limit {
			p.IsTruncated, p.Marker = true, encodeMarker(keyOf(p.Items[len(p.Items)-1]))
			break
		}
		p.Items = append(p.Items, items[i])
	}
	return p, nil
}
