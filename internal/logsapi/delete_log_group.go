package logsapi

type deleteLogGroupInput struct {
	LogGroupName string `json:"logGroupName"`
}

// deleteLogGroup serves DeleteLogGroup.
func (h *Handler) deleteLogGroup(c *call, body []byte) (any, error) {
	var in deleteLogGroupInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.LogGroupName == "" {
		return nil, required("logGroupName")
	}
	if err := checkGroupName("logGroupName", in.LogGroupName); err != nil {
		return nil, err
	}
	if err := h.authorize(c, h.groupARN(c, in.LogGroupName)); err != nil {
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
