-- Each agent's flags after every second that has flag events, over all history
-- (rules §3), and the next such second. vw_agent_segments names the states.
--   * the five flags: agent_idle, agent_on_call, agent_hold, agent_wrap_up,
--     agent_not_avail_state, switched by `enabled`; agent_reg and unknown types are not
--     read, they change nothing;
--   * order: by second, then feed order (seq); within a second only each flag's final
--     value counts, so a row stands for the state after the second's last event;
--   * not-available: na_pos is the position (ts * 65536 + seq) of the latest
--     not-available event when that event switched it on (its state is the reason), else 0.
-- Linear on MariaDB: LAG per agent and flag gives each flag's change, a running SUM of
-- the changes per agent gives its latest value (a running MAX would be recomputed for
-- every row). sp_aggregate_span applies the same rules to a span of hours with the state
-- carried in; this view reads the whole table and is for diagnosis and tests.
CREATE OR REPLACE VIEW vw_agent_states AS
SELECT t.ext, t.ts,
  t.idle > 0 AS idle, t.talk > 0 AS on_call, t.hold > 0 AS hold, t.wrap > 0 AS wrap_up,
  t.na AS na_pos,
  t.next_ts
FROM (
  SELECT d.ext, d.ts,
    SUM(CASE WHEN d.flag = 1 THEN d.delta ELSE 0 END) OVER (PARTITION BY d.ext ORDER BY d.ts, d.seq ROWS UNBOUNDED PRECEDING) AS idle,
    SUM(CASE WHEN d.flag = 2 THEN d.delta ELSE 0 END) OVER (PARTITION BY d.ext ORDER BY d.ts, d.seq ROWS UNBOUNDED PRECEDING) AS talk,
    SUM(CASE WHEN d.flag = 3 THEN d.delta ELSE 0 END) OVER (PARTITION BY d.ext ORDER BY d.ts, d.seq ROWS UNBOUNDED PRECEDING) AS hold,
    SUM(CASE WHEN d.flag = 4 THEN d.delta ELSE 0 END) OVER (PARTITION BY d.ext ORDER BY d.ts, d.seq ROWS UNBOUNDED PRECEDING) AS wrap,
    SUM(CASE WHEN d.flag = 5 THEN d.delta ELSE 0 END) OVER (PARTITION BY d.ext ORDER BY d.ts, d.seq ROWS UNBOUNDED PRECEDING) AS na,
    LEAD(d.ts) OVER (PARTITION BY d.ext ORDER BY d.ts, d.seq) AS next_ts
  FROM (
    SELECT i.ext, i.ts, i.seq, i.flag,
      i.val - COALESCE(LAG(i.val) OVER (PARTITION BY i.ext, i.flag ORDER BY i.ts, i.seq), 0) AS delta
    FROM (
      SELECT e.ext, e.ts, e.seq,
        CASE e.event WHEN 'agent_idle' THEN 1 WHEN 'agent_on_call' THEN 2 WHEN 'agent_hold' THEN 3
                     WHEN 'agent_wrap_up' THEN 4 ELSE 5 END AS flag,
        CASE WHEN e.enabled = 0 THEN 0 WHEN e.event = 'agent_not_avail_state' THEN e.ts * 65536 + e.seq ELSE 1 END AS val
      FROM agent_events e
      WHERE e.event IN ('agent_idle', 'agent_on_call', 'agent_hold', 'agent_wrap_up', 'agent_not_avail_state')
    ) i
  ) d
) t
-- the last row of its second
WHERE t.next_ts IS NULL OR t.next_ts > t.ts;
