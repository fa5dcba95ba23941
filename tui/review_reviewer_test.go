package tui

import (
	"errors"
	"testing"

	"github.com/trendlab/trendlab/review"
)

// TestReviewNeedsReviewer: without a reviewer name (cmd resolves it with
// who.Resolve, as `sample label` does) the review screen refuses
// to open a sample for labelling or to draw one, with the same message.
func TestReviewNeedsReviewer(t *testing.T) {
	msg := openSample(nil, &review.Sample{Name: "s"}, "")
	if !errors.Is(msg.err, review.ErrNoReviewer) {
		t.Errorf("openSample without a reviewer: %v", msg.err)
	}
	var m reviewModel
	m.sess = &session{}
	m2, cmd := m.create()
	if cmd != nil || m2.err != errNoReviewer.Error() {
		t.Errorf("create without a reviewer: cmd %v, error %q", cmd != nil, m2.err)
	}
}
