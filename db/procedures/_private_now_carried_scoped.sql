-- Stage of _private_now_segments for a few agents (apr_tmp_now_ids): their state carried
-- into p_from, by the rules of _private_span_carried_state (rules §3: every flag's latest
-- event since the stretch began, no look-back limit; before the retention cut, the
-- checkpoint at the cut), added to apr_tmp_now_ev as its rows before every event. The
-- transform's stage reads every agent (a loose scan of all of them); following a few
-- breaks past a range, or a few states back, must not.
-- The look-up starts from the latest state checkpoint inside the stretch that still holds
-- (agent_state_marks; the transform writes one at every hour start it passes), so it reads
-- the events since that hour only, not every daily partition back to the stretch's start
-- (a state that has held since the morning, an overnight Logoff). Without one, from the
-- cut's checkpoint or the stretch's start, as the transform does.
-- With p_from NULL, each agent from its own start (apr_tmp_now_ids.a_from), a checkpoint
-- that holds (_private_now_follow_starts chose it): that checkpoint is the state.
DROP PROCEDURE IF EXISTS _private_now_carried_scoped;
CREATE PROCEDURE _private_now_carried_scoped(IN p_from BIGINT, IN p_stretch_from BIGINT)
  MODIFIES SQL DATA
  COMMENT 'internal stage of _private_now_segments: the state carried in, for the scoped agents'
BEGIN
  DECLARE v_cut BIGINT DEFAULT fn_raw_cut();
  DECLARE v_base BIGINT;

  IF p_from IS NOT NULL THEN
    SET v_base = (SELECT MAX(m.at_ts) FROM agent_state_marks m
                  WHERE m.at_ts <= p_from AND m.at_ts > p_stretch_from AND m.at_ts >= v_cut);
    IF v_base IS NOT NULL AND NOT fn_mark_holds(v_base) THEN
      SET v_base = NULL;
    END IF;
    IF v_base IS NULL AND p_stretch_from < v_cut THEN
      SET v_base = v_cut;
    END IF;
  END IF;
  -- each flag's latest event per agent since the base (the last of its second in feed
  -- order) when it set the flag on
  IF p_from IS NOT NULL AND (v_base IS NULL OR v_base < p_from) THEN
    INSERT INTO apr_tmp_now_ev (a, o, ts, flag, val)
    SELECT x.a, x.flag, p_from - 1, x.flag, CASE WHEN x.flag = 5 THEN x.ts * 65536 + x.seq ELSE 1 END
    FROM (
      SELECT a.a, t.flag, e.ts, e.seq, e.enabled,
        ROW_NUMBER() OVER (PARTITION BY a.a, t.flag ORDER BY e.seq DESC) AS rn
      FROM apr_tmp_now_ids a
      JOIN (SELECT 1 AS flag, _utf8mb4'agent_idle' COLLATE utf8mb4_bin AS event UNION ALL SELECT 2, 'agent_on_call' UNION ALL SELECT 3, 'agent_hold'
            UNION ALL SELECT 4, 'agent_wrap_up' UNION ALL SELECT 5, 'agent_not_avail_state') t
      JOIN agent_events e ON e.ext = a.ext AND e.event = t.event
        AND e.ts = (SELECT MAX(m.ts) FROM agent_events m
                    WHERE m.ext = a.ext AND m.event = t.event AND m.ts >= COALESCE(v_base, p_stretch_from) AND m.ts < p_from)
      -- (constant bounds: only those days' partitions are probed)
      WHERE e.ts >= COALESCE(v_base, p_stretch_from) AND e.ts < p_from
    ) x
    WHERE x.rn = 1 AND x.enabled = 1;
  END IF;
  -- flags on at the base that no event since has set again (each agent's own start: all)
  IF v_base IS NOT NULL OR p_from IS NULL THEN
    INSERT INTO apr_tmp_now_ev (a, o, ts, flag, val)
    SELECT i.a, f.flag, COALESCE(p_from, i.a_from) - 1, f.flag, CASE WHEN f.flag = 5 THEN k.na_ts * 65536 + k.na_seq ELSE 1 END
    FROM apr_tmp_now_ids i
    JOIN agent_state_checkpoints k ON k.at_ts = COALESCE(v_base, i.a_from) AND k.ext = i.ext
    JOIN (SELECT 1 AS flag, _utf8mb4'agent_idle' COLLATE utf8mb4_bin AS event UNION ALL SELECT 2, 'agent_on_call' UNION ALL SELECT 3, 'agent_hold'
          UNION ALL SELECT 4, 'agent_wrap_up' UNION ALL SELECT 5, 'agent_not_avail_state') f
      ON (f.flag < 5 AND k.flags & (1 << (f.flag - 1))) OR (f.flag = 5 AND k.na_ts IS NOT NULL)
    WHERE p_from IS NULL OR v_base = p_from
       OR NOT EXISTS (SELECT 1 FROM agent_events e WHERE e.ext = k.ext AND e.event = f.event AND e.ts >= v_base AND e.ts < p_from);
  END IF;
END
