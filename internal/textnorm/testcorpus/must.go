package testcorpus

// Fataler is what MustCompile needs of a *testing.T, B or F, or a
// *rapid.T.
type Fataler interface {
	Helper()
	Fatal(args ...any)
}

// MustCompile compiles rules, which the test means to be valid, with a
// matcher package's Compile; an error fails tb.
func MustCompile[R, M any](tb Fataler, compile func([]R) (M, error), rules []R) M {
	tb.Helper()
	m, err := compile(rules)
	if err != nil {
		tb.Fatal(err)
	}
	return m
}
