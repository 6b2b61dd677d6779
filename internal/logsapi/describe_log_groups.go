package logsapi

import (
	"strings"

	"lambent/internal/store"
)

const (
	maxDescribePage = 50
	// maxPatternScan bounds the groups one logGroupNamePattern call reads.
	maxPatternScan = 10_000
)

type describeLogGroupsInput struct {
	LogGroupNamePrefix    string   `json:"logGroupNamePrefix"`
	LogGroupNamePattern   string   `json:"logGroupNamePattern"`
	NextToken             string   `json:"nextToken"`
	Limit                 *int64   `json:"limit"`
	LogGroupClass         string   `json:"logGroupClass"`
	LogGroupIdentifiers   []string `json:"logGroupIdentifiers"`
	IncludeLinkedAccounts bool     `json:"includeLinkedAccounts"` // there are none
	AccountIdentifiers    []string `json:"accountIdentifiers"`
}

type logGroupOutput struct {
	LogGroupName      string `json:"logGroupName"`
	CreationTime      int64  `json:"creationTime"`
	MetricFilterCount int    `json:"metricFilterCount"`
	ARN               string `json:"arn"`
	LogGroupARN       string `json:"logGroupArn"`
	StoredBytes       int64  `json:"storedBytes"`
	LogGroupClass     string `json:"logGroupClass"`
}

type describeLogGroupsOutput struct {
	LogGroups []logGroupOutput `json:"logGroups"`
	NextToken string           `json:"nextToken,omitempty"`
}

// groupListing is a validated DescribeLogGroups request.
type groupListing struct {
	prefix, pattern, after string
	limit                  int
	none                   bool // a log group class we do not have
}

func (h *Handler) parseDescribeLogGroups(c *call, body []byte) (groupListing, error) {
	var in describeLogGroupsInput
	if err := decode(body, &in); err != nil {
		return groupListing{}, err
	}
	l := groupListing{prefix: in.LogGroupNamePrefix, pattern: strings.ToLower(in.LogGroupNamePattern)}
	switch {
	case len(in.LogGroupIdentifiers) > 0:
		return groupListing{}, invalidParameter("logGroupIdentifiers is not supported.")
	case l.prefix != "" && l.pattern != "":
		return groupListing{}, invalidParameter("LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.")
	case l.prefix != "":
		if err := checkGroupName("logGroupNamePrefix", l.prefix); err != nil {
			return groupListing{}, err
		}
	case l.pattern != "":
		if err := checkGroupName("logGroupNamePattern", l.pattern); err != nil {
			return groupListing{}, err
		}
	}
	switch in.LogGroupClass {
	case "", "STANDARD":
	case "INFREQUENT_ACCESS", "DELIVERY":
		l.none = true
	default:
		return groupListing{}, validationError("logGroupClass", in.LogGroupClass, "Member must satisfy enum value set: [STANDARD, INFREQUENT_ACCESS, DELIVERY]")
	}
	var err error
	if l.limit, err = checkLimit(in.Limit, maxDescribePage, maxDescribePage); err != nil {
		return groupListing{}, err
	}
	if in.NextToken != "" {
		tok, err := decodeToken(in.NextToken, c.op, "", "")
		if err != nil {
			return groupListing{}, err
		}
		l.after = tok.Name
	}
	return l, nil
}

// describeLogGroups serves DescribeLogGroups, ordered by name. A name
// pattern is a case-insensitive substring, found by scanning the account's
// groups in pages.
func (h *Handler) describeLogGroups(c *call, body []byte) (any, error) {
	l, err := h.parseDescribeLogGroups(c, body)
	if err != nil {
		return nil, err
	}
	// The action names no single group; a policy on log-group:* covers it.
	if err := h.authorize(c, "arn:aws:logs:"+h.cfg.Region+":"+string(c.acct)+":log-group:*"); err != nil {
		return nil, err
	}
	out := &describeLogGroupsOutput{LogGroups: []logGroupOutput{}}
	if l.none {
		return out, nil
	}
	groups, next, err := h.listGroups(c, l)
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		arn := "arn:aws:logs:" + h.cfg.Region + ":" + string(c.acct) + ":log-group:" + g.Name
		out.LogGroups = append(out.LogGroups, logGroupOutput{
			LogGroupName: g.Name, CreationTime: g.CreationTime, ARN: arn + ":*", LogGroupARN: arn,
			StoredBytes: g.StoredBytes, LogGroupClass: "STANDARD",
		})
	}
	if next != "" {
		out.NextToken = pageToken{Op: c.op, Name: next}.encode()
	}
	return out, nil
}

// listGroups returns one page and the name to continue after ("" when
// done).
func (h *Handler) listGroups(c *call, l groupListing) ([]store.LogGroup, string, error) {
	if l.pattern == "" {
		groups, err := h.cfg.Logs.ListLogGroups(c.ctx, c.acct, l.prefix, l.after, l.limit+1)
		if err != nil {
			return nil, "", storeError("list log groups", err, nil)
		}
		if len(groups) > l.limit {
			return groups[:l.limit], groups[l.limit-1].Name, nil
		}
		return groups, "", nil
	}
	var page []store.LogGroup
	for scanned := 0; scanned < maxPatternScan; {
		groups, err := h.cfg.Logs.ListLogGroups(c.ctx, c.acct, "", l.after, maxDescribePage)
		if err != nil {
			return nil, "", storeError("list log groups", err, nil)
		}
		for _, g := range groups {
			scanned++
			l.after = g.Name
			if strings.Contains(strings.ToLower(g.Name), l.pattern) {
				page = append(page, g)
				if len(page) == l.limit {
					return page, g.Name, nil
				}
			}
		}
		if len(groups) < maxDescribePage {
			return page, "", nil
		}
	}
	return page, l.after, nil
}
