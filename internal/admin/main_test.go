package admin_test

import (
	"testing"

	"github.com/sigap/sigap/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.VerifyTestMain(m) }
