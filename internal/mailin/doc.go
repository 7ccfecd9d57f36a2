// Package mailin turns an e-mail (a MIME message) into the body of a notice
// as the API takes it: links one a line, lines "field: value" in English or
// Indonesian, the subject line as the reference, the rest as the explanation,
// and its attachments as name, type and bytes. It reads; it never stores,
// verifies a signature or answers (see internal/mailgate).
package mailin
