package invoke

import (
	"strconv"

	"lambent/internal/sandbox"
)

// endpointServices are the AWS services Lambent serves, by the suffix of
// their AWS_ENDPOINT_URL_<SERVICE> variable.
var endpointServices = []string{"LAMBDA", "STS", "IAM", "CLOUDWATCH_LOGS"}

// environ builds the runtime's environment from nothing: customer
// variables first, then Lambda's reserved variables, which always win.
// Nothing of the server's own environment is passed on.
func (m *Manager) environ(e *environment, rt runtimeInfo, paths sandbox.Paths, apiAddr string) []string {
	d := e.pool.deployment
	k := e.pool.key
	vars := make(map[string]string, len(d.Environment)+24)
	for key, v := range d.Environment {
		vars[key] = v
	}
	set := func(key, v string) { vars[key] = v }
	set("LANG", "en_US.UTF-8")
	set("PATH", "/usr/local/bin:/usr/bin/:/bin:/opt/bin")
	set("LD_LIBRARY_PATH", "/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:"+paths.TaskRoot+":"+paths.TaskRoot+"/lib:/opt/lib")
	if m.cfg.Endpoint != "" && e.egress {
		// Lambent's own services; other AWS services keep their real
		// endpoints (reachable through egress).
		for _, svc := range endpointServices {
			set("AWS_ENDPOINT_URL_"+svc, m.cfg.Endpoint)
		}
	}
	set("_HANDLER", d.Handler)
	if rt.ExecutionEnv != "" {
		set("AWS_EXECUTION_ENV", rt.ExecutionEnv)
	}
	set("AWS_LAMBDA_LOG_GROUP_NAME", d.LogGroup)
	set("AWS_LAMBDA_LOG_STREAM_NAME", e.stream)
	set("LAMBDA_TASK_ROOT", paths.TaskRoot)
	set("LAMBDA_RUNTIME_DIR", paths.RuntimeDir)
	set("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand")
	set("AWS_REGION", m.cfg.Region)
	set("AWS_DEFAULT_REGION", m.cfg.Region)
	set("AWS_LAMBDA_FUNCTION_NAME", k.name)
	set("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", strconv.Itoa(d.MemoryMB))
	set("AWS_LAMBDA_FUNCTION_VERSION", k.version)
	set("AWS_LAMBDA_RUNTIME_API", apiAddr)
	set("TZ", ":UTC")
	if c := e.creds; c.AccessKeyID != "" {
		set("AWS_ACCESS_KEY_ID", c.AccessKeyID)
		set("AWS_SECRET_ACCESS_KEY", c.SecretAccessKey)
		set("AWS_SESSION_TOKEN", c.SessionToken)
	}
	out := make([]string, 0, len(vars))
	for key, v := range vars {
		out = append(out, key+"="+v)
	}
	return out
}
