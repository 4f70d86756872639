package ember

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine outlives them: every
// query's tasks must end when its result is closed.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
