package contact

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/sigap/sigap/internal/audit"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/id"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

// Roles a contact can have.
const (
	RoleLegalRep = "legal_representative"
	RolePIC      = "pic"
	RoleOnCall   = "on_call"
)

// Input is a new contact as an admin gives it.
type Input struct {
	Jurisdiction string   `json:"jurisdiction"`
	Role         string   `json:"role"`
	Name         string   `json:"name"`
	Email        string   `json:"email,omitempty"`
	Phone        string   `json:"phone,omitempty"`
	Webhook      bool     `json:"webhook,omitempty"`
	Languages    []string `json:"languages,omitempty"`
	TimeZone     string   `json:"time_zone,omitempty"`
	Position     int      `json:"position,omitempty"`
	// Days are the weekdays of the shift, 0 = Sunday; empty means every day.
	Days []int `json:"days,omitempty"`
	// ShiftStart and ShiftEnd are "HH:MM" in TimeZone; empty means all day.
	// An end before the start runs past midnight.
	ShiftStart string `json:"shift_start,omitempty"`
	ShiftEnd   string `json:"shift_end,omitempty"`
}

// FieldError is one invalid field of an Input.
type FieldError struct{ Field, Code, Message string }

func (e FieldError) Error() string { return e.Field + ": " + e.Message }

var (
	jurisdictionRE = regexp.MustCompile(`^([A-Z]{2}|\*)$`)
	hhmm           = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)
	langRE         = regexp.MustCompile(`^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$`)
)

// Validate lists what is wrong with an Input.
func (in *Input) Validate() []FieldError {
	var out []FieldError
	add := func(f, code, msg string) { out = append(out, FieldError{f, code, msg}) }
	in.Jurisdiction = strings.ToUpper(strings.TrimSpace(in.Jurisdiction))
	if !jurisdictionRE.MatchString(in.Jurisdiction) {
		add("jurisdiction", "invalid", "an ISO 3166-1 alpha-2 code (EU allowed), or * for every jurisdiction")
	}
	if !slices.Contains([]string{RoleLegalRep, RolePIC, RoleOnCall}, in.Role) {
		add("role", "invalid", "one of legal_representative, pic, on_call")
	}
	if strings.TrimSpace(in.Name) == "" || len(in.Name) > 200 {
		add("name", "required", "a name of 1 to 200 characters")
	}
	if in.Email != "" {
		if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email {
			add("email", "invalid", "a plain e-mail address")
		}
	}
	if len(in.Phone) > 40 {
		add("phone", "invalid", "at most 40 characters")
	}
	if in.Email == "" && !in.Webhook && in.Role == RoleOnCall {
		add("email", "required", "an on-call contact needs a channel: an e-mail address or webhook: true")
	}
	if in.TimeZone == "" {
		in.TimeZone = "UTC"
	}
	if _, err := time.LoadLocation(in.TimeZone); err != nil {
		add("time_zone", "invalid", "an IANA time zone such as Asia/Jakarta")
	}
	for i, l := range in.Languages {
		if !langRE.MatchString(l) {
			add(fmt.Sprintf("languages[%d]", i), "invalid", "a BCP 47 language tag")
		}
	}
	for i, d := range in.Days {
		if d < 0 || d > 6 {
			add(fmt.Sprintf("days[%d]", i), "invalid", "a weekday from 0 (Sunday) to 6 (Saturday)")
		}
	}
	if (in.ShiftStart == "") != (in.ShiftEnd == "") {
		add("shift_end", "invalid", "give both shift_start and shift_end, or neither")
	}
	for f, v := range map[string]string{"shift_start": in.ShiftStart, "shift_end": in.ShiftEnd} {
		if v != "" && !hhmm.MatchString(v) {
			add(f, "invalid", "a time of day, HH:MM")
		}
	}
	if in.Position < 0 {
		add("position", "invalid", "zero or more")
	}
	slices.SortFunc(out, func(a, b FieldError) int { return strings.Compare(a.Field, b.Field) })
	return out
}

// ErrInvalid wraps the field errors of a refused Input.
type ErrInvalid struct{ Fields []FieldError }

func (e *ErrInvalid) Error() string { return fmt.Sprintf("contact: %d invalid fields", len(e.Fields)) }

// Registry keeps the contacts.
type Registry struct {
	DB    *store.DB
	Clock clock.Clock
}

// Add stores a new contact.
func (r *Registry) Add(ctx context.Context, in Input) (*org.Contact, error) {
	if errs := in.Validate(); len(errs) > 0 {
		return nil, &ErrInvalid{errs}
	}
	now := r.Clock.Now()
	c := &org.Contact{ID: id.New("cnt", now), Jurisdiction: in.Jurisdiction, Role: in.Role, Name: strings.TrimSpace(in.Name),
		Email: in.Email, Phone: in.Phone, Webhook: in.Webhook, Languages: in.Languages, TimeZone: in.TimeZone, Position: in.Position,
		Days: in.Days, ShiftStart: in.ShiftStart, ShiftEnd: in.ShiftEnd, CreatedAt: clock.Milli(now)}
	if c.Languages == nil {
		c.Languages = []string{}
	}
	if c.Days == nil {
		c.Days = []int{}
	}
	if err := r.DB.Write(ctx, func(tx *store.Tx) error {
		if err := tx.InsertContact(ctx, c); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Entry{At: now, Action: audit.ContactAdded, Object: c.ID})
	}); err != nil {
		return nil, err
	}
	return c, nil
}

// Remove retires a contact.
func (r *Registry) Remove(ctx context.Context, contactID string) error {
	now := r.Clock.Now()
	return r.DB.Write(ctx, func(tx *store.Tx) error {
		if err := tx.RemoveContact(ctx, contactID, now); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Entry{At: now, Action: audit.ContactRemoved, Object: contactID})
	})
}

// Directory is what an authority sees for its jurisdiction.
type Directory struct {
	Jurisdiction string         `json:"jurisdiction"`
	LegalReps    []*org.Contact `json:"legal_representatives"`
	PICs         []*org.Contact `json:"pics"`
	// OnCall is the rotation in escalation order: the one on shift now first,
	// then the next in line.
	OnCall []*org.Contact `json:"on_call"`
	// Current is who is on call now (nil when nobody is).
	Current *org.Contact `json:"current_on_call"`
}

// Lookup returns a jurisdiction's directory; contacts registered for "*" serve every jurisdiction.
func (r *Registry) Lookup(ctx context.Context, jurisdiction string) (*Directory, error) {
	all, err := r.DB.Contacts(ctx, "")
	if err != nil {
		return nil, err
	}
	return Build(all, strings.ToUpper(jurisdiction), r.Clock.Now()), nil
}

// Build makes a directory from contacts at now.
func Build(all []*org.Contact, jurisdiction string, now time.Time) *Directory {
	d := &Directory{Jurisdiction: jurisdiction, LegalReps: []*org.Contact{}, PICs: []*org.Contact{}, OnCall: []*org.Contact{}}
	var mine []*org.Contact
	for _, c := range all {
		if c.Jurisdiction == jurisdiction {
			mine = append(mine, c)
		}
	}
	if len(mine) == 0 {
		for _, c := range all {
			if c.Jurisdiction == "*" {
				mine = append(mine, c)
			}
		}
	}
	var rota []*org.Contact
	for _, c := range mine {
		switch c.Role {
		case RoleLegalRep:
			d.LegalReps = append(d.LegalReps, c)
		case RolePIC:
			d.PICs = append(d.PICs, c)
		case RoleOnCall:
			rota = append(rota, c)
		}
	}
	d.OnCall = Rotation(rota, now)
	if len(d.OnCall) > 0 && OnShift(d.OnCall[0], now) {
		d.Current = d.OnCall[0]
	}
	return d
}

// Rotation orders on-call contacts for escalation at now: by position, rotated
// so that the first one on shift now leads; those after it are next in line.
func Rotation(rota []*org.Contact, now time.Time) []*org.Contact {
	rota = slices.Clone(rota)
	slices.SortStableFunc(rota, func(a, b *org.Contact) int {
		if a.Position != b.Position {
			return a.Position - b.Position
		}
		return strings.Compare(a.ID, b.ID)
	})
	for i, c := range rota {
		if OnShift(c, now) {
			return append(rota[i:], rota[:i]...)
		}
	}
	return rota
}

// OnShift reports whether a contact's shift covers now, in its own time zone.
func OnShift(c *org.Contact, now time.Time) bool {
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	t := now.In(loc)
	mins := t.Hour()*60 + t.Minute()
	day := int(t.Weekday())
	if c.ShiftStart == "" {
		return len(c.Days) == 0 || slices.Contains(c.Days, day)
	}
	start, end := minutes(c.ShiftStart), minutes(c.ShiftEnd)
	if start <= end {
		return (len(c.Days) == 0 || slices.Contains(c.Days, day)) && mins >= start && mins < end
	}
	// Past midnight: the evening part belongs to today's shift, the morning part to yesterday's.
	if mins >= start {
		return len(c.Days) == 0 || slices.Contains(c.Days, day)
	}
	if mins < end {
		return len(c.Days) == 0 || slices.Contains(c.Days, (day+6)%7)
	}
	return false
}

func minutes(hm string) int {
	var h, m int
	_, _ = fmt.Sscanf(hm, "%d:%d", &h, &m)
	return h*60 + m
}

// Jurisdiction is the jurisdiction a regime's notices come from: the part
// before the dash (ID-PSE → ID, EU-TCO → EU).
func Jurisdiction(regime string) string {
	j, _, _ := strings.Cut(regime, "-")
	return strings.ToUpper(j)
}

// ErrNoSMTP is returned when e-mail is asked for but no SMTP server is configured.
var ErrNoSMTP = errors.New("contact: no SMTP server configured (serve --smtp HOST:PORT)")
