-- PostgreSQL variant of sample_labels.sql, whose header and parameters apply:
-- explicit GROUP BY, and names sorted byte by byte as DuckDB sorts them.

SELECT s.name AS sample,
       s.size AS sample_size,
       l.reviewer,
       l.label,
       count(*) AS videos
FROM current_labels l
JOIN samples s USING (sample_id)
WHERE $sample = '' OR s.name = $sample
GROUP BY s.name, s.size, l.reviewer, l.label
ORDER BY s.name COLLATE "C", l.reviewer COLLATE "C", videos DESC, l.label COLLATE "C"
