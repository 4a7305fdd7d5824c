-- Rows computed before loaded time was tracked may carry a state across a gap: the next
-- collector run or backfill re-aggregates everything loaded so far (pending_aggregation).
INSERT INTO pending_aggregation (from_ts, to_ts)
SELECT MIN(from_ts), MAX(to_ts) FROM loaded_windows HAVING COUNT(*) > 0;
