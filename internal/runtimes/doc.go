// Package runtimes is the catalogue of Lambda runtimes Lambent supports and
// the runtime clients it ships for them.
//
// A Catalog validates the Runtime of CreateFunction and
// UpdateFunctionConfiguration the way Lambda does (the enum of the service
// model, then the retired runtimes) and then against this host: nodejsNN.x
// needs a node of major version NN and python3.X a python3.X, found on the
// server's PATH and probed once. provided.al2 and provided.al2023 need nothing.
//
// For Node.js and Python, Lambent runs its own runtime clients, embedded in
// the binary: client/node/bootstrap.mjs and client/python/bootstrap.py. Each
// implements the Runtime API 2018-06-01 loop as AWS's runtime interface
// clients do (handler loading, the context object, error documents and Lambda
// error types, log line format) with the language's standard library only,
// and keeps one HTTP connection to the Runtime API alive across invokes.
// A provided runtime runs the function's own bootstrap instead.
//
// Error documents follow the AWS clients: Node.js posts
// {"errorType","errorMessage","trace"} (AWS's Node runtimes name the stack
// lines "trace"), Python {"errorMessage","errorType","requestId","stackTrace"}.
// Where the AWS clients are silent or fail obscurely, ours choose: an empty
// event is null/None in both, a Node.js result JSON.stringify rejects is
// Runtime.MarshalError, and a Python handler attribute that is not callable is
// Runtime.HandlerNotFound at init.
//
// Usage, at server start and when an environment starts:
//
//	cat := runtimes.NewCatalog(exec.LookPath)
//	log.Info("runtimes", "installed", cat.Installed()) // probes now, not at the first CreateFunction
//	if err := runtimes.WriteFiles(runtimeDir); err != nil { ... }
//
//	rt, err := cat.Lookup(fn.Runtime) // at CreateFunction: errkind.Validation or InvalidArgument
//	argv := rt.Command("/var/task", runtimeDir)
//	env = append(env, "AWS_EXECUTION_ENV="+rt.ExecutionEnv) // unless rt.ExecutionEnv == ""
//
// The clients read AWS_LAMBDA_RUNTIME_API, _HANDLER and LAMBDA_TASK_ROOT,
// and for the context object AWS_LAMBDA_FUNCTION_NAME,
// AWS_LAMBDA_FUNCTION_VERSION, AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
// AWS_LAMBDA_LOG_GROUP_NAME and AWS_LAMBDA_LOG_STREAM_NAME; the environment
// builder sets them.
package runtimes
