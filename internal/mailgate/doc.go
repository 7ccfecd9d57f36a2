// Package mailgate receives notices by e-mail: an SMTP listener takes mail
// from the addresses an authority registered, checks its DKIM signature
// against the registered key, files the notice through intake as the API
// would, and answers by return mail through the durable job queue, with the
// signed receipt or with every reason the message was refused.
package mailgate
