package logsapi

import (
	"context"
	"fmt"
	"net/http"

	"lambent/internal/account"
	"lambent/internal/errkind"
)

// logCreator is the optional part of a log store that creates empty groups
// and streams, each with AlreadyExists when taken (and CreateLogStream with
// NotFound when the group is missing). store.Logs can only create a group
// together with a stream and events (AppendLogEvents), so the handler uses
// these when the backend has them.
type logCreator interface {
	CreateLogGroup(ctx context.Context, acct account.ID, group string) error
	CreateLogStream(ctx context.Context, acct account.ID, group, stream string) error
}

var errNoEmptyGroups = &apiError{http.StatusBadRequest, "InvalidOperationException",
	"This log store cannot create an empty log group; create the log stream instead."}

type createLogGroupInput struct {
	LogGroupName string `json:"logGroupName"`
	// KmsKeyId, tags, logGroupClass and deletionProtectionEnabled are
	// accepted and ignored.
}

// createLogGroup serves CreateLogGroup.
func (h *Handler) createLogGroup(c *call, body []byte) (any, error) {
	var in createLogGroupInput
	if err := h.groupRequest(c, body, &in, &in.LogGroupName); err != nil {
		return nil, err
	}
	creator, ok := h.cfg.Logs.(logCreator)
	if !ok {
		exists, err := h.groupExists(c, in.LogGroupName)
		switch {
		case err != nil:
			return nil, err
		case exists:
			return nil, errGroupExists
		}
		return nil, errNoEmptyGroups
	}
	err := creator.CreateLogGroup(c.ctx, c.acct, in.LogGroupName)
	if errkind.Is(err, errkind.AlreadyExists) {
		return nil, fmt.Errorf("create log group: %w: %w", errGroupExists, err)
	}
	if err != nil {
		return nil, storeError("create log group", err, nil)
	}
	return struct{}{}, nil
}
