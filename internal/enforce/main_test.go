package enforce_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/sigap/sigap/internal/store/storetest"
)

func TestMain(m *testing.M) {
	storetest.VerifyTestMain(m, goleak.IgnoreTopFunction("internal/poll.runtime_pollWait"))
}
