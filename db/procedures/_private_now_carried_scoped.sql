-- Stage of _private_now_segments for a few agents (apr_tmp_now_ids): their state carried
-- into p_from, by the rules of _private_span_carried_state (rules §3: every flag's latest
-- event since the stretch began, no look-back limit; before the retention cut, the
-- checkpoint at the cut), added to apr_tmp_now_ev as its rows before every event. The
-- transform's stage reads every agent (a loose scan of all of them); following a few
-- breaks past a range, or a few states back, must not.
DROP PROCEDURE IF EXISTS _private_now_carried_scoped;
CREATE PROCEDURE _private_now_carried_scoped(IN p_from BIGINT, IN p_stretch_from BIGINT)
  MODIFIES SQL DATA
  COMMENT 'internal stage of _private_now_segments: the state carried in, for the scoped agents'
BEGIN
  DECLARE v_cut BIGINT DEFAULT fn_raw_cut();
  DECLARE v_since BIGINT DEFAULT GREATEST(p_stretch_from, v_cut);

  -- each flag's latest event per agent (the last of its second in feed order) when it set the flag on
  INSERT INTO apr_tmp_now_ev (a, o, ts, flag, val)
  SELECT x.a, x.flag, p_from - 1, x.flag, CASE WHEN x.flag = 5 THEN x.ts * 65536 + x.seq ELSE 1 END
  FROM (
    SELECT a.a, t.flag, e.ts, e.seq, e.enabled,
      ROW_NUMBER() OVER (PARTITION BY a.a, t.flag ORDER BY e.seq DESC) AS rn
    FROM apr_tmp_now_ids a
    JOIN (SELECT 1 AS flag, _utf8mb4'agent_idle' COLLATE utf8mb4_bin AS event UNION ALL SELECT 2, 'agent_on_call' UNION ALL SELECT 3, 'agent_hold'
          UNION ALL SELECT 4, 'agent_wrap_up' UNION ALL SELECT 5, 'agent_not_avail_state') t
    JOIN agent_events e ON e.ext = a.ext AND e.event = t.event
      AND e.ts = (SELECT MAX(m.ts) FROM agent_events m WHERE m.ext = a.ext AND m.event = t.event AND m.ts >= v_since AND m.ts < p_from)
  ) x
  WHERE x.rn = 1 AND x.enabled = 1;
  -- flags on at the cut that no event since has set again
  IF p_stretch_from < v_cut THEN
    INSERT INTO apr_tmp_now_ev (a, o, ts, flag, val)
    SELECT i.a, f.flag, p_from - 1, f.flag, CASE WHEN f.flag = 5 THEN k.na_ts * 65536 + k.na_seq ELSE 1 END
    FROM agent_state_checkpoints k
    JOIN apr_tmp_now_ids i ON i.ext = k.ext
    JOIN (SELECT 1 AS flag, _utf8mb4'agent_idle' COLLATE utf8mb4_bin AS event UNION ALL SELECT 2, 'agent_on_call' UNION ALL SELECT 3, 'agent_hold'
          UNION ALL SELECT 4, 'agent_wrap_up' UNION ALL SELECT 5, 'agent_not_avail_state') f
      ON (f.flag < 5 AND k.flags & (1 << (f.flag - 1))) OR (f.flag = 5 AND k.na_ts IS NOT NULL)
    WHERE k.at_ts = v_cut
      AND NOT EXISTS (SELECT 1 FROM agent_events e WHERE e.ext = k.ext AND e.event = f.event AND e.ts >= v_cut AND e.ts < p_from);
  END IF;
END
