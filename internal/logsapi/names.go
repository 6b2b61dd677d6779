package logsapi

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"lambent/internal/errkind"
	"lambent/internal/store"
)

const (
	maxNameLen       = 512
	maxIdentifierLen = 2048
	groupNameRegex   = `[\.\-_/#A-Za-z0-9]+`
	streamNameRegex  = `[^:*]*`
)

func required(member string) error {
	return invalidParameter("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", member)
}

func checkLength(member, value string, max int) error {
	n := utf8.RuneCountInString(value)
	if n < 1 {
		return validationError(member, value, "Member must have length greater than or equal to 1")
	}
	if n > max {
		return validationError(member, value, fmt.Sprintf("Member must have length less than or equal to %d", max))
	}
	return nil
}

// checkGroupName validates a log group name or name prefix.
func checkGroupName(member, name string) error {
	if err := checkLength(member, name, maxNameLen); err != nil {
		return err
	}
	for i := 0; i < len(name); i++ {
		if !groupNameByte(name[i]) {
			return validationError(member, name, "Member must satisfy regular expression pattern: "+groupNameRegex)
		}
	}
	return nil
}

func groupNameByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || strings.IndexByte(".-_/#", b) >= 0
}

// checkStreamName validates a log stream name or name prefix.
func checkStreamName(member, name string) error {
	if err := checkLength(member, name, maxNameLen); err != nil {
		return err
	}
	if strings.ContainsAny(name, ":*") {
		return validationError(member, name, "Member must satisfy regular expression pattern: "+streamNameRegex)
	}
	return nil
}

// logGroup resolves the logGroupName / logGroupIdentifier pair of a request
// to a group name in the caller's account. An identifier is a name or a
// log group ARN; an ARN of another account or region names no group here.
func (h *Handler) logGroup(c *call, name, identifier string) (string, error) {
	switch {
	case name != "" && identifier != "":
		return "", invalidParameter("LogGroup name and LogGroup ARN are mutually exclusive parameters.")
	case name != "":
		return name, checkGroupName("logGroupName", name)
	case identifier == "":
		return "", invalidParameter("Should provide either logGroupName or logGroupIdentifier.")
	case !strings.HasPrefix(identifier, "arn:"):
		return identifier, checkGroupName("logGroupIdentifier", identifier)
	}
	if err := checkLength("logGroupIdentifier", identifier, maxIdentifierLen); err != nil {
		return "", err
	}
	// arn:aws:logs:REGION:ACCT:log-group:NAME[:*]
	parts := strings.SplitN(identifier, ":", 7)
	if len(parts) != 7 || parts[1] != "aws" || parts[2] != "logs" || parts[5] != "log-group" {
		return "", invalidParameter("The specified log group identifier is not a valid log group ARN.")
	}
	group := strings.TrimSuffix(parts[6], ":*")
	if err := checkGroupName("logGroupIdentifier", group); err != nil {
		return "", err
	}
	if parts[3] != h.cfg.Region || parts[4] != string(c.acct) {
		return "", errGroupNotFound
	}
	return group, nil
}

// storeError wraps a store error; NotFound becomes notFound when given.
func storeError(what string, err error, notFound *apiError) error {
	if notFound != nil && errkind.Is(err, errkind.NotFound) {
		return fmt.Errorf("%s: %w: %w", what, notFound, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// groupExists looks a group up by exact name: with names ordered, the
// name itself sorts first among those it prefixes.
func (h *Handler) groupExists(c *call, group string) (bool, error) {
	groups, err := h.cfg.Logs.ListLogGroups(c.ctx, c.acct, group, "", 1)
	if err != nil {
		return false, storeError("list log groups", err, nil)
	}
	return len(groups) == 1 && groups[0].Name == group, nil
}

// checkStream returns errGroupNotFound or errStreamNotFound unless the
// stream exists.
func (h *Handler) checkStream(c *call, group, stream string) error {
	streams, _, err := h.cfg.Logs.ListLogStreams(c.ctx, c.acct, store.StreamQuery{Group: group, Prefix: stream, Limit: 1})
	if err != nil {
		return storeError("list log streams", err, errGroupNotFound)
	}
	if len(streams) == 0 || streams[0].Name != stream {
		return errStreamNotFound
	}
	return nil
}
