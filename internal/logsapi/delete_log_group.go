package logsapi

type deleteLogGroupInput struct {
	LogGroupName string `json:"logGroupName"`
}

// deleteLogGroup serves DeleteLogGroup.
func (h *Handler) deleteLogGroup(c *call, body []byte) (any, error) {
	var in deleteLogGroupInput
	if err := h.groupRequest(c, body, &in, &in.LogGroupName); err != nil {
		return nil, err
	}
	exists, err := h.groupExists(c, in.LogGroupName)
	if err != nil {
		return nil, err
	}
	if !exists {
		return nil, errGroupNotFound
	}
	if err := h.cfg.Logs.DeleteLogGroup(c.ctx, c.acct, in.LogGroupName); err != nil {
		return nil, storeError("delete log group", err, errGroupNotFound)
	}
	return struct{}{}, nil
}

// groupRequest decodes a request naming one log group into in, validates
// the name it stored in *group and authorises the call on the group.
func (h *Handler) groupRequest(c *call, body []byte, in any, group *string) error {
	if err := decode(body, in); err != nil {
		return err
	}
	if *group == "" {
		return required("logGroupName")
	}
	if err := checkGroupName("logGroupName", *group); err != nil {
		return err
	}
	return h.authorize(c, h.groupARN(c, *group))
}
