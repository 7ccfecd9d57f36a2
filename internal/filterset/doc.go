// Package filterset is the service every kind of filter set shares: hash
// banks and rule lists are both named sets of entries with a policy, labels,
// a roll-out fraction, provenance per entry, quarantine and a daily cap, so
// creating, reading, patching, adding, removing, releasing, importing and
// exporting are written once here. What differs between the families (which
// values an entry may hold and what it matches, the import and export
// formats, how a set is named on pages) is a Kind, implemented by
// internal/bank and internal/rulelist; a new family or a new entry type is a
// change to its Kind alone.
package filterset
