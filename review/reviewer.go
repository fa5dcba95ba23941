package review

// Who is labelling: the one rule of internal/who.

import "github.com/trendlab/trendlab/internal/who"

// ErrNoReviewer means no reviewer name was given and the environment names
// no user either (who.ErrUnknown: a label records who gave it, so there is
// no default).
var ErrNoReviewer = who.ErrUnknown
