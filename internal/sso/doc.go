// Package sso signs the platform's staff in through the platform's own
// OpenID Connect provider: the settings a platform admin gives (issuer,
// client, the claim whose values map to platform roles), the code flow with
// PKCE, state and nonce, the checks on the ID token, and the user a sign-in
// makes or updates.
package sso
