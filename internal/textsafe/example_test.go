package textsafe_test

import (
	"fmt"

	"github.com/trendlab/trendlab/internal/textsafe"
)

// Moved here from queries (ExampleSanitize).
func ExampleShow() {
	fmt.Println(textsafe.Show("caption \x1b[2Jwith\u202e tricks\n"))
	// Output: caption \x1b[2Jwith\u202e tricks\n
}

func ExampleStrip() {
	fmt.Printf("%q\n", textsafe.Strip("caption \x1b]0;title\x07with\u202e tricks\n"))
	// Output: "caption with tricks\n"
}
