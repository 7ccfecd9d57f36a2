// Package dsasor builds and checks statements of reasons in the EU DSA Transparency Database format.
//
// The rules come from the distilled specification in testdata/dsa-sor-fields.json
// (a copy of ../shared/spec/dsa-sor-fields.json), which the package embeds: the
// validator walks its fields, enums and cross-field rules, and refuses to load a
// specification holding a constraint it does not understand, so a new version of
// the file cannot be half-applied. The builder maps a sigap decision onto a
// statement whose puid carries no personal data and whose free text has links,
// handles and the subject scrubbed out.
package dsasor
