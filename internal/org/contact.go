package org

import "time"

// Contact is one of the platform's points of contact in a jurisdiction.
type Contact struct {
	ID           string    `json:"id"`
	Jurisdiction string    `json:"jurisdiction"`
	Role         string    `json:"role"`
	Name         string    `json:"name"`
	Email        string    `json:"email,omitempty"`
	Phone        string    `json:"phone,omitempty"`
	Webhook      bool      `json:"webhook"`
	Languages    []string  `json:"languages"`
	TimeZone     string    `json:"time_zone"`
	Position     int       `json:"position"`
	Days         []int     `json:"days"`
	ShiftStart   string    `json:"shift_start,omitempty"`
	ShiftEnd     string    `json:"shift_end,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
}
