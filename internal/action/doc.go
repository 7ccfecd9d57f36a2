// Package action names what a decision may do to content and which of those
// actions restrict it, once for every package that records, counts or reports
// them, and defines the records of the actions asked of the platform.
package action
