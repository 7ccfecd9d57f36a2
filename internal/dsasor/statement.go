package dsasor

// Statement is one statement of reasons as POST /api/v1/statement(s) of the
// DSA Transparency Database takes it. Every field of the specification has a
// member here (TestStatementCoversSpec), and empty members are left out.
type Statement struct {
	PUID string `json:"puid"`

	DecisionVisibility           []string `json:"decision_visibility,omitempty"`
	DecisionVisibilityOther      string   `json:"decision_visibility_other,omitempty"`
	EndDateVisibilityRestriction string   `json:"end_date_visibility_restriction,omitempty"`
	DecisionMonetary             string   `json:"decision_monetary,omitempty"`
	DecisionMonetaryOther        string   `json:"decision_monetary_other,omitempty"`
	EndDateMonetaryRestriction   string   `json:"end_date_monetary_restriction,omitempty"`
	DecisionProvision            string   `json:"decision_provision,omitempty"`
	EndDateServiceRestriction    string   `json:"end_date_service_restriction,omitempty"`
	DecisionAccount              string   `json:"decision_account,omitempty"`
	EndDateAccountRestriction    string   `json:"end_date_account_restriction,omitempty"`
	AccountType                  string   `json:"account_type,omitempty"`

	DecisionGround                 string `json:"decision_ground"`
	DecisionGroundReferenceURL     string `json:"decision_ground_reference_url,omitempty"`
	IllegalContentLegalGround      string `json:"illegal_content_legal_ground,omitempty"`
	IllegalContentExplanation      string `json:"illegal_content_explanation,omitempty"`
	IncompatibleContentGround      string `json:"incompatible_content_ground,omitempty"`
	IncompatibleContentExplanation string `json:"incompatible_content_explanation,omitempty"`
	IncompatibleContentIllegal     string `json:"incompatible_content_illegal,omitempty"`

	ContentType                []string `json:"content_type"`
	ContentTypeOther           string   `json:"content_type_other,omitempty"`
	Category                   string   `json:"category"`
	CategoryAddition           []string `json:"category_addition,omitempty"`
	CategorySpecification      []string `json:"category_specification,omitempty"`
	CategorySpecificationOther string   `json:"category_specification_other,omitempty"`
	TerritorialScope           []string `json:"territorial_scope,omitempty"`
	ContentLanguage            string   `json:"content_language,omitempty"`
	ContentDate                string   `json:"content_date"`
	ApplicationDate            string   `json:"application_date"`

	DecisionFacts      string `json:"decision_facts"`
	SourceType         string `json:"source_type"`
	SourceIdentity     string `json:"source_identity,omitempty"`
	AutomatedDetection string `json:"automated_detection"`
	AutomatedDecision  string `json:"automated_decision"`

	ContentID    map[string]string `json:"content_id,omitempty"`
	ContentIDEAN string            `json:"content_id_ean,omitempty"`
}

// Batches cuts statements into batches of at most n (the database takes at
// most Spec.MaxBatch, 100, per POST /api/v1/statements). n <= 0 means 100.
func Batches[T any](items []T, n int) [][]T {
	if n <= 0 {
		n = 100
	}
	var out [][]T
	for len(items) > 0 {
		k := min(n, len(items))
		out = append(out, items[:k:k])
		items = items[k:]
	}
	return out
}
