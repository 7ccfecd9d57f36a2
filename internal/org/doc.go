// Package org defines the organisations that use sigap (the platform,
// authorities, trusted flaggers), the roles their API keys and portal users
// hold, how keys are made and checked, and the platform's points of contact.
package org
