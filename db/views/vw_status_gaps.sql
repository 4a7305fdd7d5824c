-- Gaps between loaded windows (SPEC §3, /api/status): stretches of time no successful
-- collector run or backfill covered, after the first loaded window. Windows are taken in
-- order of their start; a window that starts after every earlier window has ended leaves
-- a gap [end of the earlier ones, its start). npm run backfill fills them.
CREATE OR REPLACE VIEW vw_status_gaps AS
SELECT w.prev_end AS gap_from, w.from_ts AS gap_to
FROM (
  SELECT
    from_ts,
    MAX(to_ts) OVER (ORDER BY from_ts, to_ts, id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end
  FROM loaded_windows
) w
WHERE w.from_ts > w.prev_end;
