package iamapi

import (
	"lambent/internal/authz"
	"lambent/internal/awsquery"
	"lambent/internal/errkind"
	"lambent/internal/iam"
)

// keyUserName is the UserName of an access-key call: as given, or the calling
// IAM user's own name.
func (c *call) keyUserName() (string, error) {
	if name, ok := c.q.Lookup("UserName"); ok {
		return name, nil
	}
	if c.p.Type != authz.TypeUser || c.p.Name == "" {
		return "", errkind.WithDetail(errkind.Validation, "ValidationError",
			"Must specify userName when calling with non-User credentials")
	}
	return c.p.Name, nil
}

// keyUser reads the user of an access-key call and authorises the call on
// that user.
func (a *API) keyUser(c *call) (string, error) {
	name, err := c.keyUserName()
	if err != nil {
		return "", err
	}
	return name, a.authorizeEntity(c, iam.KindUser, name)
}

type accessKeyXML struct {
	UserName        string `xml:"UserName"`
	AccessKeyID     string `xml:"AccessKeyId"`
	Status          string `xml:"Status"`
	SecretAccessKey string `xml:"SecretAccessKey,omitempty"`
	CreateDate      string `xml:"CreateDate"`
}

func accessKey(k *iam.AccessKey) accessKeyXML {
	return accessKeyXML{UserName: k.UserName, AccessKeyID: k.AccessKeyID, Status: k.Status,
		SecretAccessKey: k.SecretAccessKey, CreateDate: awsquery.Time(k.CreateDate)}
}

type createAccessKeyResult struct {
	AccessKey accessKeyXML `xml:"AccessKey"`
}

func createAccessKey(a *API, c *call) (any, error) {
	name, err := a.keyUser(c)
	if err != nil {
		return nil, err
	}
	k, err := a.cfg.IAM.CreateAccessKey(c.ctx, c.acct(), name)
	if err != nil {
		return nil, err
	}
	return createAccessKeyResult{AccessKey: accessKey(k)}, nil
}

type listAccessKeysResult struct {
	AccessKeyMetadata awsquery.List[accessKeyXML] `xml:"AccessKeyMetadata"`
	IsTruncated       bool                        `xml:"IsTruncated"`
}

func listAccessKeys(a *API, c *call) (any, error) {
	name, err := a.keyUser(c)
	if err != nil {
		return nil, err
	}
	keys, err := a.cfg.IAM.ListAccessKeys(c.ctx, c.acct(), name)
	if err != nil {
		return nil, err
	}
	var out listAccessKeysResult
	out.AccessKeyMetadata.Member = make([]accessKeyXML, len(keys))
	for i, k := range keys {
		x := accessKey(k)
		x.SecretAccessKey = ""
		out.AccessKeyMetadata.Member[i] = x
	}
	return out, nil
}

func updateAccessKey(a *API, c *call) (any, error) {
	v, err := c.required("AccessKeyId", "Status")
	if err != nil {
		return nil, err
	}
	name, err := a.keyUser(c)
	if err != nil {
		return nil, err
	}
	return nil, a.cfg.IAM.UpdateAccessKey(c.ctx, c.acct(), name, v[0], v[1])
}

func deleteAccessKey(a *API, c *call) (any, error) {
	id, err := c.one("AccessKeyId")
	if err != nil {
		return nil, err
	}
	name, err := a.keyUser(c)
	if err != nil {
		return nil, err
	}
	return nil, a.cfg.IAM.DeleteAccessKey(c.ctx, c.acct(), name, id)
}
