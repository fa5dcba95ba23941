package queries_test

import (
	"fmt"

	"github.com/trendlab/trendlab/queries"
)

func ExampleParse() {
	src := `-- name: tag_volume
-- description: Videos per day carrying some tags.
-- param: tags list<tag> required "hashtags, comma-separated"
-- param: since date default 2026-01-01 "first day (UTC)"

SELECT created_at::DATE AS day, count(DISTINCT video_id) AS videos
FROM videos JOIN video_tags USING (video_id)
WHERE tag IN (SELECT unnest($tags::VARCHAR[])) AND created_at >= $since
GROUP BY ALL ORDER BY day
`
	q, err := queries.Parse("my-queries/tag_volume.sql", []byte(src))
	if err != nil {
		fmt.Println(err)
		return
	}
	st, err := q.Bind(map[string][]string{"tags": {"#Omegle,omegel"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, a := range st.Args {
		fmt.Printf("$%s = %v\n", a.Name, a.Value)
	}
	_, err = q.Bind(map[string][]string{"tag": {"omegle"}})
	fmt.Println(err)
	// Output:
	// $tags = [omegle omegel]
	// $since = 2026-01-01 00:00:00 +0000 UTC
	// query tag_volume: unknown parameter "tag"
	// parameters:
	//   tags   list<tag>  (required)            hashtags, comma-separated
	//   since  date       (default 2026-01-01)  first day (UTC)
}
