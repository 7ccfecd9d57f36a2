// Package evidence defines the record of content the platform preserved when it removed it, kept for its
// retention period or a legal hold.
package evidence
