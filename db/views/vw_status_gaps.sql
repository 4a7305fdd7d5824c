-- Gaps between loaded windows (rules §3, /api/status): stretches of time no successful
-- collector run or backfill covered, after the first loaded window: from the end of one
-- stretch of loaded time (vw_loaded_stretches) to the start of the next. npm run backfill
-- fills them.
CREATE OR REPLACE VIEW vw_status_gaps AS
SELECT g.gap_from, g.gap_to
FROM (
  SELECT LAG(s_to) OVER (ORDER BY s_from) AS gap_from, s_from AS gap_to
  FROM vw_loaded_stretches
) g
WHERE g.gap_from IS NOT NULL;
