package account

import (
	"context"
	"time"

	"github.com/sigap/sigap/internal/audit"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

// userIn reads a user of orgID inside tx; a user of another org is
// ErrNotFound, so an admin cannot reach past their org by naming an ID.
func userIn(ctx context.Context, tx *store.Tx, orgID, userID string) (org.User, error) {
	u, err := tx.User(ctx, userID)
	if err != nil {
		return org.User{}, err
	}
	if orgID != "" && u.OrgID != orgID {
		return org.User{}, store.ErrNotFound
	}
	return u, nil
}

// changeUser runs change in one write on a user of orgID ("": any org), read
// by userIn, and returns the user as change leaves it.
func (s *Service) changeUser(ctx context.Context, orgID, userID string, change func(tx *store.Tx, u *org.User, now time.Time) error) (org.User, error) {
	now := clock.NowMilli(s.Clock)
	var u org.User
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		var err error
		if u, err = userIn(ctx, tx, orgID, userID); err != nil {
			return err
		}
		return change(tx, &u, now)
	})
	return u, err
}

// SetDisabled disables a user of orgID ("": any org), ending their sessions
// at once, or enables them again. Sign-in is refused while they are disabled
// with the answer a wrong password gets. Disabling a disabled user (or
// enabling an enabled one) changes nothing.
func (s *Service) SetDisabled(ctx context.Context, orgID, userID string, disabled bool) (org.User, error) {
	return s.changeUser(ctx, orgID, userID, func(tx *store.Tx, u *org.User, now time.Time) error {
		if u.Disabled == disabled {
			return nil
		}
		at, action := time.Time{}, audit.UserEnabled
		if disabled {
			at, action = now, audit.UserDisabled
			if err := tx.DeleteUserSessions(ctx, userID); err != nil {
				return err
			}
		}
		if err := tx.SetDisabled(ctx, userID, at); err != nil {
			return err
		}
		u.Disabled, u.DisabledAt = disabled, at
		return tx.Audit(ctx, audit.Entry{At: now, Action: action, Object: userID, OrgID: u.OrgID})
	})
}

// SetRole gives a user of orgID ("": any org) a role that fits their org's
// kind. It holds from the user's next request: each one reads the user anew.
func (s *Service) SetRole(ctx context.Context, orgID, userID string, role org.Role) (org.User, error) {
	return s.changeUser(ctx, orgID, userID, func(tx *store.Tx, u *org.User, now time.Time) error {
		if !org.ValidRole(role) {
			return fieldErr("role", "unknown_value", "role must be one of: admin, reviewer, authority, flagger, auditor")
		}
		if err := org.RoleFits(u.OrgKind, role); err != nil {
			return fieldErr("role", "role_mismatch", err.Error())
		}
		if u.Role == role {
			return nil
		}
		if err := tx.SetUserRole(ctx, userID, role); err != nil {
			return err
		}
		u.Role = role
		return tx.Audit(ctx, audit.Entry{At: now, Action: audit.UserRoleChanged, Object: userID, OrgID: u.OrgID})
	})
}

// ResetTOTP turns off a user's second factor (a lost phone): TOTP and every
// passkey. It ends their sessions; their next sign-in enrols anew.
func (s *Service) ResetTOTP(ctx context.Context, orgID, userID string) (org.User, error) {
	return s.changeUser(ctx, orgID, userID, func(tx *store.Tx, u *org.User, now time.Time) error {
		if err := tx.SetTOTP(ctx, userID, "", false, 0); err != nil {
			return err
		}
		if err := tx.DeleteUserPasskeys(ctx, userID); err != nil {
			return err
		}
		if err := tx.DeleteUserSessions(ctx, userID); err != nil {
			return err
		}
		u.TOTPEnabled, u.TOTPSecret = false, ""
		return tx.Audit(ctx, audit.Entry{At: now, Action: audit.UserTOTPReset, Object: userID, OrgID: u.OrgID})
	})
}
