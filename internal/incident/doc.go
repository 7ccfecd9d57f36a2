// Package incident is the crisis protocol (after the GIFCT Content
// Incident Protocol): an admin declares an incident with its name, labels
// and start; it gets a bank and a list of its own (or names existing ones);
// the on-call contacts are paged at once; hits on its sets go to the
// incident lane, above every other, with the regime's shortest clock; and
// closing it writes a report. Sharing its sets with subscribers at once is a
// Sharer's, which the feeds package supplies.
package incident
