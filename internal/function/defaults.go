package function

// Values of the enumerated members, spelled as Lambda spells them.
const (
	ArchX86_64 = "x86_64"
	ArchARM64  = "arm64"

	PackageZip   = "Zip"
	PackageImage = "Image"

	LogFormatText = "Text"
	LogFormatJSON = "JSON"

	TracingPassThrough = "PassThrough"
	TracingActive      = "Active"
)

// HostArchitecture is the only architecture this server runs functions on.
const HostArchitecture = ArchX86_64

// LogGroupPrefix starts the default log group of every function.
const LogGroupPrefix = "/aws/lambda/"

// Defaults fills each member Lambda defaults when a caller omits it and c
// leaves zero: memory 128 MB, timeout 3 s, ephemeral storage 512 MB,
// architecture x86_64, package type Zip, log format Text, log group
// /aws/lambda/<name> and tracing mode PassThrough. name is the function's
// name.
func (c *Config) Defaults(name string) {
	setDefault(&c.MemoryMB, DefaultMemoryMB)
	setDefault(&c.TimeoutSec, DefaultTimeoutSec)
	setDefault(&c.EphemeralMB, DefaultEphemeralMB)
	setDefault(&c.Architecture, ArchX86_64)
	setDefault(&c.PackageType, PackageZip)
	setDefault(&c.LogFormat, LogFormatText)
	setDefault(&c.LogGroup, LogGroupPrefix+name)
	setDefault(&c.TracingMode, TracingPassThrough)
}

func setDefault[T comparable](field *T, value T) {
	var zero T
	if *field == zero {
		*field = value
	}
}
