package web

import "encoding/json"

// eventField reads one string field of a timeline event's data (a status
// change names the status it changed to), or "" when there is none.
func eventField(data json.RawMessage, key string) string {
	var m map[string]any
	if len(data) == 0 || json.Unmarshal(data, &m) != nil {
		return ""
	}
	s, _ := m[key].(string)
	return s
}
