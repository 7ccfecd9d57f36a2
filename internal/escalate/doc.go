// Package escalate keeps every open clock from running out unseen: timers at
// the policy's fractions of each notice's deadline (50/80/100% by default)
// alert the on-call contacts, tell the notifier (notice.deadline), raise the
// case in the queue and, at 100%, record the breach; an urgent order nobody
// has opened in time alerts the on-call contact and then the next in line.
// Each notice's next timer is an indexed column; one loop sleeps until the
// earliest, so the cost does not grow with the number of open cases. Rule,
// plain arithmetic on a notice's clock, says which timers a notice starts
// with; intake files them in the transaction that stores the notice.
package escalate
