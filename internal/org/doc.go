// Package org defines the organisations that use sigap (the platform,
// authorities, trusted flaggers), the roles their API keys hold, and how keys
// are made and checked.
package org
