-- Loaded time (rules §3) as its maximal stretches: the union of every successfully loaded
-- window, merged where windows overlap or touch. Each stretch is computed on its own by
-- the transform (its state starts Offline at s_from); time outside every stretch is Not
-- Loaded. Every window start counts +1 and every end −1; in time order (starts before ends
-- at the same second, so touching windows join) a stretch starts where the running count
-- leaves 0 and ends where it returns to 0; the k-th start pairs with the k-th end.
-- A running SUM, because MariaDB recomputes MIN/MAX over a growing window frame for every
-- row: "the latest end so far" that way is quadratic (52,000 windows, a year of collector
-- runs: minutes; this way: about a second).
CREATE OR REPLACE VIEW vw_loaded_stretches AS
WITH edge AS (
  SELECT p.ts, p.d,
    SUM(p.d) OVER (ORDER BY p.ts, p.d DESC ROWS UNBOUNDED PRECEDING) AS open_after
  FROM (
    SELECT from_ts AS ts, 1 AS d FROM loaded_windows WHERE to_ts > from_ts
    UNION ALL
    SELECT to_ts AS ts, -1 AS d FROM loaded_windows WHERE to_ts > from_ts
  ) p
)
SELECT s.ts AS s_from, e.ts AS s_to
FROM (SELECT ts, ROW_NUMBER() OVER (ORDER BY ts) AS k FROM edge WHERE d = 1 AND open_after = 1) s
JOIN (SELECT ts, ROW_NUMBER() OVER (ORDER BY ts) AS k FROM edge WHERE d = -1 AND open_after = 0) e
  ON e.k = s.k;
