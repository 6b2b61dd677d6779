package runtimes

import "slices"

// lambdaRuntimes is the enum of the "Runtime" shape in the Lambda service
// model (service-2.json), in model order. AWS lists it in this order in the
// validation message for an unknown runtime. TestEnumMatchesServiceModel keeps
// it in step with the model; treat it as read-only.
var lambdaRuntimes = []string{
	"nodejs", "nodejs4.3", "nodejs6.10", "nodejs8.10", "nodejs10.x", "nodejs12.x",
	"nodejs14.x", "nodejs16.x", "nodejs18.x", "nodejs20.x", "nodejs22.x", "nodejs24.x",
	"java8", "java8.al2", "java11", "java17", "java21", "java25",
	"python2.7", "python3.6", "python3.7", "python3.8", "python3.9", "python3.10",
	"python3.11", "python3.12", "python3.13", "python3.14",
	"dotnetcore1.0", "dotnetcore2.0", "dotnetcore2.1", "dotnetcore3.1", "dotnet6", "dotnet8",
	"dotnet10", "nodejs4.3-edge", "go1.x", "ruby2.5", "ruby2.7", "ruby3.2", "ruby3.3",
	"ruby3.4", "ruby4.0", "provided", "provided.al2", "provided.al2023", "nodejs26.x",
	"python3.15", "java8.al2023", "java11.al2023", "java17.al2023",
}

// retiredRuntimes are the runtimes Lambda refuses in CreateFunction and
// UpdateFunctionConfiguration: every runtime AWS deprecated before 2025,
// whose create and update blocks have all taken effect. Runtimes deprecated
// later (nodejs18.x, python3.9, nodejs20.x, ...) stay accepted: Lambent runs
// them when the host has the interpreter, so the operator decides by what
// they install. Treat it as read-only.
var retiredRuntimes = []string{
	"nodejs", "nodejs4.3", "nodejs4.3-edge", "nodejs6.10", "nodejs8.10",
	"nodejs10.x", "nodejs12.x", "nodejs14.x", "nodejs16.x",
	"python2.7", "python3.6", "python3.7", "python3.8",
	"java8",
	"dotnetcore1.0", "dotnetcore2.0", "dotnetcore2.1", "dotnetcore3.1", "dotnet6",
	"go1.x",
	"ruby2.5", "ruby2.7",
	"provided",
}

// retired reports whether Lambda refuses name for new configuration.
func retired(name string) bool { return slices.Contains(retiredRuntimes, name) }
