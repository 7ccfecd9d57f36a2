package rulelist

import "errors"

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
