package web_test

import (
	"context"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/sigap/sigap/internal/org"
)

// keys is what the keyboard test may press: the named keys with their
// DOM key codes; every other key is a printable character.
var keys = map[string]struct {
	code string
	vk   int64
}{
	"Tab": {"Tab", 9}, "Enter": {"Enter", 13}, "ArrowDown": {"ArrowDown", 40}, " ": {"Space", 32},
}

// press sends one key down and up to whatever has focus, as a keyboard would.
func press(key string, shift bool) step {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		k, named := keys[key]
		var mods int64
		if shift {
			mods = 8
		}
		down := input.DispatchKeyEventParams{Type: "keyDown", Key: key, Modifiers: mods}
		if named {
			down.Code, down.WindowsVirtualKeyCode = k.code, k.vk
		}
		if !named || key == "Enter" || key == " " {
			down.Text = key
			if key == "Enter" {
				down.Text = "\r"
			}
		}
		if _, err := cdp.Call(ctx, tg, input.DispatchKeyEvent, down); err != nil {
			return err
		}
		up := down
		up.Type, up.Text = "keyUp", ""
		_, err := cdp.Call(ctx, tg, input.DispatchKeyEvent, up)
		return err
	})
}

// typeKeys types s character by character into whatever has focus.
func typeKeys(s string) step {
	steps := make([]step, 0, len(s))
	for _, r := range s {
		steps = append(steps, press(string(r), false))
	}
	return chromedp.Steps(steps...)
}

// focused is the id of the element that has focus.
func focused(ctx context.Context) (string, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement ? document.activeElement.id : ""`))
}

// tabTo presses Tab until the element with id has focus, failing after
// limit presses; it returns the ids focus passed through, in order.
func tabTo(t *testing.T, ctx context.Context, id string, limit int) []string {
	t.Helper()
	var path []string
	for range limit {
		if err := chromedp.Do(ctx, press("Tab", false)); err != nil {
			t.Fatal(err)
		}
		got, err := focused(ctx)
		if err != nil {
			t.Fatal(err)
		}
		path = append(path, got)
		if got == id {
			return path
		}
	}
	t.Fatalf("#%s not reached in %d presses of Tab; focus went through %q", id, limit, path)
	return nil
}

// reviewerInBrowser starts a browser signed in as the reviewer rina, after
// the authority ana (whose client it returns) filed an order for each link.
func reviewerInBrowser(t *testing.T, links ...string) (context.Context, *env, *client, []string) {
	t.Helper()
	ctx := browser(t)
	e := liveEnv(t)
	_, as := e.user(e.authority, "ana@kominfo.go.id", org.RoleAuthority, true)
	_, rs := e.user(e.platform, "rina@platform.example", org.RoleReviewer, true)
	a := e.client()
	a.signIn("ana@kominfo.go.id", as)
	var notices []string
	for _, l := range links {
		notices = append(notices, fileOrder(t, a, l))
	}
	if err := chromedp.Do(ctx, loginStep(e.srv.URL+"/login", "rina@platform.example", password, `#code`)...); err != nil {
		t.Fatalf("password step: %v", err)
	}
	if err := chromedp.Do(ctx, codeStep(e.code(rs), `a[href="/review"]`)...); err != nil {
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		t.Fatalf("TOTP step (at %s): %v", loc, err)
	}
	return ctx, e, a, notices
}

// TestBrowserReviewerKeyboardOnly: a reviewer works three cases with the
// keyboard alone: Tab to "claim next", Enter, choose the action with the
// arrow keys, type the ground and reasons, and Enter on the decide button.
func TestBrowserReviewerKeyboardOnly(t *testing.T) {
	t.Parallel()
	ctx, e, _, _ := reviewerInBrowser(t, "t.me/kanal1", "t.me/kanal2", "t.me/kanal3")
	for i := range 3 {
		if err := chromedp.Do(ctx, chromedp.Navigate(e.srv.URL+"/review"), chromedp.WaitVisible(chromedp.CSS(`#claim`))); err != nil {
			t.Fatal(err)
		}
		// The first stop is the skip link, so a keyboard user need not
		// walk the whole menu on every page.
		if path := tabTo(t, ctx, "claim", 60); i == 0 && path[0] != "skip" {
			t.Errorf("first Tab stop %q, want the skip link", path[0])
		}
		err := chromedp.Do(ctx, press("Enter", false), chromedp.WaitVisible(chromedp.CSS(`#decide-form`)))
		if err != nil {
			t.Fatalf("case %d: claim: %v", i+1, err)
		}
		tabTo(t, ctx, "d-action", 80)
		// "remove" is the first action after the prompt in the list.
		if err := chromedp.Do(ctx, press("ArrowDown", false)); err != nil {
			t.Fatal(err)
		}
		if v, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`#d-action`))); v == "" {
			t.Fatalf("case %d: the arrow key chose no action", i+1)
		}
		tabTo(t, ctx, "d-ground-law", 3)
		if err := chromedp.Do(ctx, press(" ", false)); err != nil {
			t.Fatal(err)
		}
		tabTo(t, ctx, "d-ground-ref", 3)
		if err := chromedp.Do(ctx, typeKeys("UU ITE Pasal 40")); err != nil {
			t.Fatal(err)
		}
		tabTo(t, ctx, "d-reasons", 2)
		if err := chromedp.Do(ctx, typeKeys("Propaganda terorisme.")); err != nil {
			t.Fatal(err)
		}
		tabTo(t, ctx, "decide", 20) // the date field takes a stop per part
		if err := chromedp.Do(ctx, press("Enter", false), chromedp.WaitVisible(chromedp.CSS(`#done`))); err != nil {
			t.Fatalf("case %d: decide: %v", i+1, err)
		}
		if got := textAt(t, ctx, "#case-state"); got != "diputuskan" && got != "decided" {
			t.Errorf("case %d: state %q after deciding with the keyboard", i+1, got)
		}
	}
}
