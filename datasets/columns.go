package datasets

// kind is how a canonical column is parsed and checked.
type kind int

const (
	kText kind = iota
	kTimestamp
	kCount // int64 >= 0
	kFloat // float >= 0
	kEnum
	kTags // list of strings
)

// column is a canonical column of the data contract.
type column struct {
	name     string
	kind     kind
	required bool
	values   []string // allowed values of an enum
}

// sqlType is the DuckDB type the column is stored as.
func (c column) sqlType() string {
	switch c.kind {
	case kTimestamp:
		return "TIMESTAMP"
	case kCount:
		return "BIGINT"
	case kFloat:
		return "DOUBLE"
	case kTags:
		return "VARCHAR[]"
	default:
		return "VARCHAR"
	}
}

// table describes one export: its table, id column and canonical columns.
type table struct {
	kind    string // "videos" or "events", as in imports.kind
	name    string // the workspace table
	id      string
	columns []column
}

var videosTable = table{
	kind: "videos", name: "videos", id: "video_id",
	columns: []column{
		{name: "video_id", kind: kText, required: true},
		{name: "author_id", kind: kText, required: true},
		{name: "created_at", kind: kTimestamp, required: true},
		{name: "caption", kind: kText},
		{name: "hashtags", kind: kTags},
		{name: "region", kind: kText},
		{name: "language", kind: kText},
		{name: "author_age_band", kind: kEnum, values: []string{"under_13", "13-15", "16-17", "18+", "unknown"}},
		{name: "view_count", kind: kCount},
		{name: "like_count", kind: kCount},
		{name: "share_count", kind: kCount},
		{name: "comment_count", kind: kCount},
		{name: "duration_s", kind: kFloat},
	},
}

// Event enums, by the data contract.
var (
	EventTypes = []string{"report", "flag", "review", "enforcement", "escalation", "appeal", "reinstatement"}
	Sources    = []string{"user", "model", "hash_match", "keyword_list", "moderator", "partner"}
	Decisions  = []string{"violation", "no_violation"}
	Actions    = []string{"removed", "age_restricted", "not_recommended", "account_banned", "escalated_lert", "reinstated"}
)

var eventsTable = table{
	kind: "events", name: "moderation_events", id: "event_id",
	columns: []column{
		{name: "event_id", kind: kText, required: true},
		{name: "video_id", kind: kText, required: true},
		{name: "event_time", kind: kTimestamp, required: true},
		{name: "event_type", kind: kEnum, required: true, values: EventTypes},
		{name: "source", kind: kEnum, required: true, values: Sources},
		{name: "policy", kind: kText, required: true},
		{name: "policy_title", kind: kText},
		{name: "decision", kind: kEnum, values: Decisions},
		{name: "action", kind: kEnum, values: Actions},
	},
}

func (t table) column(name string) (column, bool) {
	for _, c := range t.columns {
		if c.name == name {
			return c, true
		}
	}
	return column{}, false
}
