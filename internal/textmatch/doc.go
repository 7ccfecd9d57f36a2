// Package textmatch compiles keyword, phrase and regular-expression rules into
// an immutable Matcher that finds them in text normalised by package
// textnorm.
//
// Keywords and phrases are normalised with textnorm (the same function that
// normalises content), padded with one space on each side and compiled into
// one Aho-Corasick automaton stored as a dense DFA over byte classes. The
// content is scanned as if padded the same way, so every hit the automaton
// reports is already a whole-word (or whole-phrase) match: "isis" does not
// fire inside "krisis", and no boundary check is needed afterwards. States
// that report a match are numbered last, so the scan loop tests for a match
// with one comparison.
//
// Regular-expression rules use Go's regexp (RE2: linear time, no
// backtracking) over the normalised text. They are checked at load: too long,
// too large a program, matching the empty string, too short a minimum match,
// or matching ordinary text are all refused, so a rule that would match
// everything never reaches production.
package textmatch
