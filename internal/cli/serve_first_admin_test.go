package cli

import (
	"io"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/store/storetest"
)

// TestServeSaysHowToPrintTheFirstLinkAgain starts serve twice on one data
// directory: the second start, with the first administrator still without a
// password, says how to print a new link, and that command prints one.
func TestServeSaysHowToPrintTheFirstLinkAgain(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		args := onEngine(e, "serve", "--addr", "127.0.0.1:0")
		first := strings.Join(serveUntilReady(t, args), "\n")
		hint := "sigap user reset --email admin@sigap.local --data " + e.Dir
		if strings.Contains(first, hint) {
			t.Errorf("the first start, which prints the link itself, also printed the reset hint:\n%s", first)
		}
		second := strings.Join(serveUntilReady(t, args), "\n")
		if !strings.Contains(second, hint) || !strings.Contains(second, "belum punya kata sandi") {
			t.Fatalf("second start lacks %q:\n%s", hint, second)
		}
		if e.URL != "" && strings.Contains(second, e.URL) {
			t.Errorf("the hint prints the database URL, which may hold its password:\n%s", second)
		}
		// `sigap user reset` answers the hint's command with a link.
		resetArgs := onEngine(e, "user", "reset", "--email", "admin@sigap.local")
		var out strings.Builder
		env := testEnv(&out, io.Discard, nil)
		if code := Main(t.Context(), env, resetArgs); code != 0 || !strings.Contains(out.String(), "/set-password/") {
			t.Errorf("user reset: exit %d, %q", code, out.String())
		}
	})
}
