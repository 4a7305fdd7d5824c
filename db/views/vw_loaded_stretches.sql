-- Loaded time (SPEC §3) as its maximal stretches: the union of every successfully loaded
-- window, merged where windows overlap or touch. Each stretch is computed on its own by
-- the transform (its state starts Offline at s_from); time outside every stretch is Not
-- Loaded. Gaps and islands: windows in order of their start; a window that starts after
-- every earlier one has ended begins a new stretch.
CREATE OR REPLACE VIEW vw_loaded_stretches AS
SELECT MIN(w.from_ts) AS s_from, MAX(w.to_ts) AS s_to
FROM (
  SELECT x.from_ts, x.to_ts,
    SUM(x.starts) OVER (ORDER BY x.from_ts, x.to_ts, x.id ROWS UNBOUNDED PRECEDING) AS stretch
  FROM (
    SELECT id, from_ts, to_ts,
      CASE WHEN from_ts > MAX(to_ts) OVER (ORDER BY from_ts, to_ts, id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
           THEN 1 ELSE 0 END AS starts
    FROM loaded_windows
    WHERE to_ts > from_ts
  ) x
) w
GROUP BY w.stretch;
