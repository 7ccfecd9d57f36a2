package rulelist

import (
	"errors"
	"fmt"

	"golang.org/x/net/publicsuffix"
)

// ErrCommonText is the cause of a refusal of a keyword or regex rule that
// matches too much of the benign corpus.
var ErrCommonText = errors.New("rulelist: rule matches ordinary text")

// RuleError is a refused rule. Its Error is a sentence in plain words for the
// person who entered the rule (the API and the web pages show it as is);
// code compares it with errors.Is against ErrRule and the cause, which is one
// of this package's, textmatch's, linkmatch's or subject's sentinel errors.
type RuleError struct {
	Message string
	Err     error
}

func (e *RuleError) Error() string { return e.Message }

// Unwrap gives ErrRule and the cause.
func (e *RuleError) Unwrap() []error { return []error{ErrRule, e.Err} }

func refuse(cause error, msg string) error { return &RuleError{Message: msg, Err: cause} }

// ErrPublicSuffix is the cause of a refusal of a domain that is a public
// suffix: a name under which unrelated people register their own sites.
var ErrPublicSuffix = errors.New("rulelist: domain is a public suffix")

// checkPublicSuffix refuses a normalised domain that is itself on the Public
// Suffix List, ICANN section (co.id, go.id, co.uk) or private section
// (blogspot.com, github.io): as a domain rule it would cover every site
// registered under it (a go.id rule files notices for every government site).
func checkPublicSuffix(d string) error {
	if ps, _ := publicsuffix.PublicSuffix(d); ps != d {
		return nil
	}
	return refuse(ErrPublicSuffix, fmt.Sprintf("%q is a public suffix: many unrelated sites are registered under it (such as example.%s); a domain rule must name one site's own domain", d, d))
}
