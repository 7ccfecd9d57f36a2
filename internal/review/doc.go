// Package review is the platform's side of every notice: the queue of open
// cases with exclusive leases, decisions with four-eyes approval, statements
// of reasons, the message thread with clarification pauses, objections to
// orders, and appeals.
package review
