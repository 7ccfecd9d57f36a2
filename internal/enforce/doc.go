// Package enforce carries decisions out on the platform: every pending action
// (from review or from automated scanning) becomes an action.requested webhook
// to the platform org's endpoint; the platform's confirmation, in the webhook's
// answer or through the API, moves the case and its notices to actioned, tells
// the notifiers, and preserves the evidence the platform reports.
package enforce
