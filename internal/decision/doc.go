// Package decision defines the records of what the platform decides on a case and how it is contested: decisions
// with their grounds and four-eyes statuses, the affected user's appeals, and the platform's objections to orders.
package decision
