// Package contact is the registry of the platform's points of contact per
// jurisdiction (the "local representative" of the SOP): the legal
// representative, the person in charge, and an on-call rotation with shifts in
// each person's time zone, their languages and channels, and the SMTP mailer
// that alerts them by e-mail.
package contact
