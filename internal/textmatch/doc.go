// Package textmatch compiles keyword, phrase and regular-expression rules into
// an immutable Matcher that finds them in text normalised by package
// textnorm.
//
// Keywords and phrases are normalised with textnorm (the same function that
// normalises content) and compiled into one Aho-Corasick automaton whose
// alphabet is the words that occur in keywords. The scan reads the
// normalised content word by word (eight bytes at a time, finding the ending
// space with a SWAR test), looks each word up once in a hash table of those
// words, and steps the automaton; so every hit is a whole-word (or
// whole-phrase) match by construction: "isis" does not fire inside "krisis",
// and no boundary check is needed afterwards. The hits are exactly those of
// a byte-level automaton over " "+keyword+" " on " "+text+" ", in the same
// order; the tests keep that automaton as the reference.
//
// Regular-expression rules use Go's regexp (RE2: linear time, no
// backtracking) over the normalised text. They are checked at load: too long,
// too large a program, matching the empty string, too short a minimum match,
// or matching ordinary text are all refused, so a rule that would match
// everything never reaches production.
package textmatch
