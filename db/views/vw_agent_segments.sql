-- Each agent's state segments [seg_from, seg_to), from its first flag event up to the data
-- horizon (rules §3): nothing is counted past collector_state.horizon, and nothing at all
-- while it is NULL. Before an agent's first event it is Offline (no segment shown).
--   state: precedence Hold > Talk > Wrap Up > Idle > the not-available reason's category
--          (fn_break_category: break_reason_map, else Other NPT) > Offline;
--   reason: for a not-available state, the reason exactly as sent ('' when it was NULL).
-- Reads all history (vw_agent_states): for diagnosis and tests. agent_activity is filled
-- by sp_aggregate_* with the same rules, a span of hours at a time.
CREATE OR REPLACE VIEW vw_agent_segments AS
SELECT x.ext, x.seg_from, x.seg_to, x.seg_to - x.seg_from AS seconds,
  CASE x.code WHEN 3 THEN 'Hold' WHEN 2 THEN 'Talk' WHEN 4 THEN 'Wrap Up' WHEN 1 THEN 'Idle'
              WHEN 5 THEN fn_break_category(e.state) ELSE 'Offline' END AS state,
  CASE WHEN x.code = 5 THEN COALESCE(e.state, '') END AS reason
FROM (
  SELECT s.ext, s.ts AS seg_from, LEAST(COALESCE(s.next_ts, c.horizon), c.horizon) AS seg_to,
    -- rules §3 precedence
    CASE WHEN s.hold THEN 3 WHEN s.on_call THEN 2 WHEN s.wrap_up THEN 4 WHEN s.idle THEN 1
         WHEN s.na_pos > 0 THEN 5 ELSE 0 END AS code,
    s.na_pos
  FROM vw_agent_states s
  JOIN collector_state c ON c.id = 1 AND s.ts < c.horizon
) x
LEFT JOIN agent_events e
  ON x.code = 5 AND e.ext = x.ext AND e.ts = x.na_pos DIV 65536 AND e.seq = x.na_pos MOD 65536;
