package invoke

import (
	"fmt"
	"math"
	"strings"
	"time"
)

func startLine(requestID, version string) string {
	return "START RequestId: " + requestID + " Version: " + version
}

func endLine(requestID string) string { return "END RequestId: " + requestID }

// reportLine renders Lambda's REPORT line: Duration with two decimals,
// Billed Duration rounded up, Init Duration after Max Memory Used, abnormal
// status last, and a trailing tab.
func reportLine(requestID string, d time.Duration, memoryMB int, maxUsed int64, init time.Duration, status, errType string) string {
	var b strings.Builder
	ms := float64(d) / float64(time.Millisecond)
	fmt.Fprintf(&b, "REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms\tMemory Size: %d MB\tMax Memory Used: %d MB\t",
		requestID, ms, int64(math.Ceil(ms)), memoryMB, (maxUsed+(1<<20)-1)>>20)
	if init > 0 {
		fmt.Fprintf(&b, "Init Duration: %.2f ms\t", float64(init)/float64(time.Millisecond))
	}
	if status != "" {
		fmt.Fprintf(&b, "Status: %s\t", status)
		if errType != "" {
			fmt.Fprintf(&b, "Error Type: %s\t", errType)
		}
	}
	return b.String()
}

func initReportLine(init time.Duration, errType string) string {
	return fmt.Sprintf("INIT_REPORT Init Duration: %.2f ms\tPhase: init\tStatus: error\tError Type: %s",
		float64(init)/float64(time.Millisecond), errType)
}
