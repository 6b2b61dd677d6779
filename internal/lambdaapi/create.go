package lambdaapi

import (
	"net/http"

	"lambent/internal/errkind"
	"lambent/internal/function"
	"lambent/internal/store"
)

type createFunctionInput struct {
	FunctionName     string            `json:"FunctionName"`
	Runtime          string            `json:"Runtime"`
	Role             string            `json:"Role"`
	Handler          string            `json:"Handler"`
	Code             *functionCode     `json:"Code"`
	Description      *string           `json:"Description"`
	Timeout          *int              `json:"Timeout"`
	MemorySize       *int              `json:"MemorySize"`
	Publish          bool              `json:"Publish"`
	PackageType      string            `json:"PackageType"`
	Environment      *environment      `json:"Environment"`
	EphemeralStorage *ephemeralStorage `json:"EphemeralStorage"`
	Architectures    []string          `json:"Architectures"`
	Tags             map[string]string `json:"Tags"`
	TracingConfig    *tracingConfig    `json:"TracingConfig"`
	DeadLetterConfig *deadLetterConfig `json:"DeadLetterConfig"`
	LoggingConfig    *loggingConfig    `json:"LoggingConfig"`
	Layers           []string          `json:"Layers"`
	VpcConfig        *vpcConfig        `json:"VpcConfig"`
}

type functionCode struct {
	ZipFile         []byte `json:"ZipFile"`
	S3Bucket        string `json:"S3Bucket"`
	S3Key           string `json:"S3Key"`
	S3ObjectVersion string `json:"S3ObjectVersion"`
	ImageUri        string `json:"ImageUri"`
}

type vpcConfig struct {
	SubnetIds        []string `json:"SubnetIds"`
	SecurityGroupIds []string `json:"SecurityGroupIds"`
}

func (a *API) createFunction(c *call) error {
	var in createFunctionInput
	if err := decode(c.body, &in); err != nil {
		return err
	}
	name, err := a.createName(c, in.FunctionName)
	if err != nil {
		return err
	}
	t := a.function(c.caller(), name)
	if err := a.authorizeOn(c, t, "lambda:CreateFunction", configKeys(in.Layers, in.VpcConfig)); err != nil {
		return err
	}
	cfg, err := a.newConfig(name, &in)
	if err != nil {
		return err
	}
	if err := a.passRole(c, t, in.Role); err != nil {
		return err
	}
	if in.DeadLetterConfig != nil {
		if err := a.checkDeadLetterTarget(t, in.DeadLetterConfig.TargetArn); err != nil {
			return err
		}
	}
	if err := a.storeCode(&cfg, in.Code); err != nil {
		return err
	}
	now := a.cfg.Clock.Now()
	cfg.LastModified = now
	cfg.State, cfg.StateReason, cfg.StateReasonCode = function.StatePending, "The function is being created.", "Creating"
	f := &store.Function{Name: name, Version: store.LatestVersion, RevisionID: newRevision(), CodeDigest: cfg.CodeDigest,
		CodeSize: cfg.CodeSize, Config: cfg.Encode(), Tags: in.Tags, CreatedAt: now, UpdatedAt: now}
	if err := a.cfg.Functions.CreateFunction(c.r.Context(), t.acct, f); err != nil {
		if errkind.Is(err, errkind.AlreadyExists) {
			return errkind.Wrap(errkind.AlreadyExists, "Function already exist: "+name, err)
		}
		return err
	}
	shown, shownCfg := f, &cfg
	if in.Publish {
		v, err := a.cfg.Functions.PublishVersion(c.r.Context(), t.acct, name, stampVersion(a, ""))
		if err != nil {
			return err
		}
		shown = v
		if shownCfg, err = function.Decode(v.Config); err != nil {
			return err
		}
	}
	a.startPrepare(t.acct, name, shown.Version)
	if shown.Version != store.LatestVersion {
		a.startPrepare(t.acct, name, store.LatestVersion)
	}
	awswireJSON(c, http.StatusCreated, a.configuration(string(t.acct), shown, shownCfg))
	return nil
}

// newConfig validates the caller's settings and applies Lambda's defaults.
func (a *API) newConfig(name string, in *createFunctionInput) (function.Config, error) {
	var cfg function.Config
	req := function.CreateRequest{FunctionName: name, Settings: createSettings(in), Tags: in.Tags,
		PackageType: nonEmpty(in.PackageType), Architectures: in.Architectures}
	if _, err := function.ValidateCreate(&req, a.cfg.Region); err != nil {
		return cfg, err
	}
	if err := unsupported(in.Layers, in.VpcConfig); err != nil {
		return cfg, err
	}
	if _, err := a.cfg.Runtimes.Lookup(in.Runtime); err != nil {
		return cfg, err
	}
	req.Settings.ApplyTo(&cfg)
	if len(in.Architectures) > 0 {
		cfg.Architecture = in.Architectures[0]
	}
	cfg.PackageType = in.PackageType
	cfg.Defaults(name)
	return cfg, nil
}

// unsupported refuses settings whose features this server does not have
// yet, rather than accepting and ignoring them.
func unsupported(layers []string, vpc *vpcConfig) error {
	if len(layers) > 0 {
		return errkind.New(errkind.InvalidArgument, "Layers are not supported by this Lambent server yet.")
	}
	if vpc != nil && (len(vpc.SubnetIds) > 0 || len(vpc.SecurityGroupIds) > 0) {
		return errkind.New(errkind.InvalidArgument, "VpcConfig is not supported by this Lambent server yet.")
	}
	return nil
}

// storeCode validates a package and stores it encrypted. Nothing is
// written for a package that fails validation.
func (a *API) storeCode(cfg *function.Config, code *functionCode) error {
	if code == nil {
		return errkind.New(errkind.Validation, "1 validation error detected: Value null at 'code' failed to satisfy constraint: Member must not be null")
	}
	switch {
	case code.ImageUri != "":
		return errkind.New(errkind.InvalidArgument, "Container image functions are not supported by this Lambent server. Please provide a ZipFile.")
	case code.S3Bucket != "" || code.S3Key != "":
		return errkind.New(errkind.InvalidArgument, "Code from S3 is not supported by this Lambent server yet. Please provide the package as ZipFile.")
	case len(code.ZipFile) == 0:
		return errkind.New(errkind.InvalidArgument, "Please provide a source for function code.")
	}
	info, err := inspectZip(code.ZipFile, a.cfg.Limits)
	if err != nil {
		return err
	}
	digest, err := a.cfg.Artifacts.Put(code.ZipFile)
	if err != nil {
		return err
	}
	cfg.CodeDigest, cfg.CodeSha256, cfg.CodeSize = digest, info.CodeSha256(), info.Size
	return nil
}
