package dsasor

import (
	"encoding/json"
	"fmt"
)

// ValidateRawBatch checks statements as JSON, as one batch (see
// ValidateBatch), and returns them decoded the way Validate takes them; it
// returns no batch when one is not a JSON object.
func (v *Validator) ValidateRawBatch(statements []json.RawMessage) ([]map[string]any, error) {
	batch := make([]map[string]any, len(statements))
	for i, b := range statements {
		var err error
		if batch[i], err = decodeObject(b); err != nil {
			return nil, fmt.Errorf("dsasor: statement %d: %w", i, err)
		}
	}
	return batch, v.ValidateBatch(batch)
}
