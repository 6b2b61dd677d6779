package logsapi

import (
	"errors"
	"fmt"

	"lambent/internal/errkind"
)

type createLogStreamInput struct {
	LogGroupName  string `json:"logGroupName"`
	LogStreamName string `json:"logStreamName"`
}

// createLogStream serves CreateLogStream. Without a logCreator store the
// stream is created by appending no events, which also creates a missing
// group (the check before it and the append are not one transaction).
func (h *Handler) createLogStream(c *call, body []byte) (any, error) {
	var in createLogStreamInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	group, stream, err := checkGroupAndStream(in.LogGroupName, in.LogStreamName)
	if err != nil {
		return nil, err
	}
	if err := h.authorize(c, h.streamARN(c, group, stream)); err != nil {
		return nil, err
	}
	creator, ok := h.cfg.Logs.(logCreator)
	if !ok {
		return nil, h.appendEmptyStream(c, group, stream)
	}
	err = creator.CreateLogStream(c.ctx, c.acct, group, stream)
	if errkind.Is(err, errkind.AlreadyExists) {
		return nil, fmt.Errorf("create log stream: %w: %w", errStreamExists, err)
	}
	if err != nil {
		return nil, storeError("create log stream", err, errGroupNotFound)
	}
	return struct{}{}, nil
}

// appendEmptyStream creates a stream through AppendLogEvents and returns
// nil or the error to answer.
func (h *Handler) appendEmptyStream(c *call, group, stream string) error {
	err := h.checkStream(c, group, stream)
	switch {
	case err == nil:
		return errStreamExists
	case !errors.Is(err, errStreamNotFound) && !errors.Is(err, errGroupNotFound):
		return err
	}
	if err := h.cfg.Logs.AppendLogEvents(c.ctx, c.acct, group, stream, nil); err != nil {
		return storeError("append log events", err, nil)
	}
	return nil
}

// checkGroupAndStream validates the required names of a stream operation.
func checkGroupAndStream(group, stream string) (string, string, error) {
	if group == "" {
		return "", "", required("logGroupName")
	}
	if stream == "" {
		return "", "", required("logStreamName")
	}
	if err := checkGroupName("logGroupName", group); err != nil {
		return "", "", err
	}
	return group, stream, checkStreamName("logStreamName", stream)
}
