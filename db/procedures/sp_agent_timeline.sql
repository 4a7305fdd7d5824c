-- One agent's local day as state segments [seg_from, seg_to) in UTC epoch seconds, in
-- order, covering the whole day: what GET /api/timeline and the page's timeline show.
-- Same rules as the counted seconds (rules §3):
--   * the day's UTC bounds come from report_hours (23 or 25 hours on a DST day), never
--     from the database's time-zone tables;
--   * loaded time is the union of loaded_windows (vw_loaded_stretches); outside it a
--     segment is 'Not Loaded';
--   * each stretch of loaded time starts with every flag off (Offline) and carries its
--     state with no look-back limit, but never across a gap;
--   * the five flags, switched by `enabled`; agent_reg and unknown types change nothing;
--     within a second each flag's last event in feed order (seq) wins;
--   * precedence Hold > Talk > Wrap Up > Idle > the reason's category > Offline;
--   * reason: the raw not-available reason of a break, exactly as sent ('' for NULL).
--   * before the retention cut (fn_raw_cut, npm run prune) the raw events are gone: that
--     part of the day is one 'Pruned' segment, and a stretch that began before the cut
--     carries the state of the checkpoint at the cut (agent_state_checkpoints), as the
--     transform does, then the events since.
-- Adjacent segments with the same state and reason are merged. An unknown date (outside
-- the calendar) gives no rows.
DROP PROCEDURE IF EXISTS sp_agent_timeline;
CREATE PROCEDURE sp_agent_timeline(
  IN p_ext VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
  IN p_date DATE)
  READS SQL DATA
BEGIN
  DECLARE v_from BIGINT;
  DECLARE v_to BIGINT;
  DECLARE v_carry_from BIGINT;
  DECLARE v_cut BIGINT DEFAULT fn_raw_cut();
  DECLARE v_start BIGINT;
  SELECT MIN(h.hour_start), MAX(h.hour_end) INTO v_from, v_to
  FROM report_hours h
  WHERE h.local_start >= p_date AND h.local_start < p_date + INTERVAL 1 DAY;
  -- the states are drawn from the cut on (the whole day when nothing before it was pruned)
  SET v_start = GREATEST(v_from, LEAST(v_cut, v_to));
  -- the start of the stretch of loaded time that runs into that start, if one does: the
  -- state there is carried from it (one read of all stretches)
  SELECT MAX(s_from) INTO v_carry_from
  FROM vw_loaded_stretches
  WHERE s_from < v_start AND s_to > v_start;

  -- (prepared on every call: MariaDB re-running this statement as part of the procedure in
  -- the same session refused it under ONLY_FULL_GROUP_BY, which MySQL's default sql_mode
  -- and so every routine here has; a fresh statement each time is parsed afresh)
  SET @apr_tl_from = v_start, @apr_tl_to = v_to, @apr_tl_carry_from = v_carry_from, @apr_tl_ext = p_ext,
      @apr_tl_day_from = v_from, @apr_tl_cut = v_cut;
  SET @apr_tl_sql = '
  WITH
  -- the stretches'' parts inside the day, merged from the windows that overlap it as
  -- vw_loaded_stretches merges them all (+1 at a start, -1 at an end; a part starts where
  -- the running count leaves 0); only the part at the day''s start may carry a state in
  day_edge AS (
    SELECT p.ts, p.d,
      SUM(p.d) OVER (ORDER BY p.ts, p.d DESC ROWS UNBOUNDED PRECEDING) AS open_after
    FROM (
      SELECT GREATEST(w.from_ts, @apr_tl_from) AS ts, 1 AS d FROM loaded_windows w WHERE w.from_ts < @apr_tl_to AND w.to_ts > @apr_tl_from AND w.to_ts > w.from_ts
      UNION ALL
      SELECT LEAST(w.to_ts, @apr_tl_to) AS ts, -1 AS d FROM loaded_windows w WHERE w.from_ts < @apr_tl_to AND w.to_ts > @apr_tl_from AND w.to_ts > w.from_ts
    ) p
  ),
  stretch AS (
    SELECT s.ts AS sid, CASE WHEN s.ts = @apr_tl_from THEN @apr_tl_carry_from END AS s_from, s.ts AS c_from, e.ts AS c_to
    FROM (SELECT ts, ROW_NUMBER() OVER (ORDER BY ts) AS k FROM day_edge WHERE d = 1 AND open_after = 1) s
    JOIN (SELECT ts, ROW_NUMBER() OVER (ORDER BY ts) AS k FROM day_edge WHERE d = -1 AND open_after = 0) e ON e.k = s.k
  ),
  -- the flags when the day''s part starts: each flag''s last event inside its stretch
  -- before it (no look-back limit), since the cut when the stretch began before it, else
  -- the checkpoint at the cut; all off when the stretch starts in the day (s_from NULL)
  stretch_init AS (
    SELECT s.sid, s.c_from, s.c_to,
      COALESCE((SELECT e.enabled FROM agent_events e
        WHERE e.ext = @apr_tl_ext AND e.event = ''agent_idle'' AND e.ts >= GREATEST(s.s_from, @apr_tl_cut) AND e.ts < s.c_from
        ORDER BY e.ts DESC, e.seq DESC LIMIT 1),
        (SELECT (k.flags & 1) <> 0 FROM agent_state_checkpoints k
         WHERE s.s_from < @apr_tl_cut AND k.at_ts = @apr_tl_cut AND k.ext = @apr_tl_ext), 0) AS i1,
      COALESCE((SELECT e.enabled FROM agent_events e
        WHERE e.ext = @apr_tl_ext AND e.event = ''agent_on_call'' AND e.ts >= GREATEST(s.s_from, @apr_tl_cut) AND e.ts < s.c_from
        ORDER BY e.ts DESC, e.seq DESC LIMIT 1),
        (SELECT (k.flags & 2) <> 0 FROM agent_state_checkpoints k
         WHERE s.s_from < @apr_tl_cut AND k.at_ts = @apr_tl_cut AND k.ext = @apr_tl_ext), 0) AS i2,
      COALESCE((SELECT e.enabled FROM agent_events e
        WHERE e.ext = @apr_tl_ext AND e.event = ''agent_hold'' AND e.ts >= GREATEST(s.s_from, @apr_tl_cut) AND e.ts < s.c_from
        ORDER BY e.ts DESC, e.seq DESC LIMIT 1),
        (SELECT (k.flags & 4) <> 0 FROM agent_state_checkpoints k
         WHERE s.s_from < @apr_tl_cut AND k.at_ts = @apr_tl_cut AND k.ext = @apr_tl_ext), 0) AS i3,
      COALESCE((SELECT e.enabled FROM agent_events e
        WHERE e.ext = @apr_tl_ext AND e.event = ''agent_wrap_up'' AND e.ts >= GREATEST(s.s_from, @apr_tl_cut) AND e.ts < s.c_from
        ORDER BY e.ts DESC, e.seq DESC LIMIT 1),
        (SELECT (k.flags & 8) <> 0 FROM agent_state_checkpoints k
         WHERE s.s_from < @apr_tl_cut AND k.at_ts = @apr_tl_cut AND k.ext = @apr_tl_ext), 0) AS i4,
      -- not-available: the position (ts * 65536 + seq) of its latest event when that
      -- switched it on (its state is the reason), else 0
      COALESCE((SELECT CASE WHEN e.enabled = 0 THEN 0 ELSE e.ts * 65536 + e.seq END FROM agent_events e
        WHERE e.ext = @apr_tl_ext AND e.event = ''agent_not_avail_state'' AND e.ts >= GREATEST(s.s_from, @apr_tl_cut) AND e.ts < s.c_from
        ORDER BY e.ts DESC, e.seq DESC LIMIT 1),
        (SELECT COALESCE(k.na_ts * 65536 + k.na_seq, 0) FROM agent_state_checkpoints k
         WHERE s.s_from < @apr_tl_cut AND k.at_ts = @apr_tl_cut AND k.ext = @apr_tl_ext), 0) AS i5
    FROM stretch s
  ),
  ev AS (
    SELECT s.sid, e.ts, e.seq,
      CASE e.event WHEN ''agent_idle'' THEN 1 WHEN ''agent_on_call'' THEN 2 WHEN ''agent_hold'' THEN 3
                   WHEN ''agent_wrap_up'' THEN 4 ELSE 5 END AS flag,
      CASE WHEN e.enabled = 0 THEN 0 WHEN e.event = ''agent_not_avail_state'' THEN e.ts * 65536 + e.seq ELSE 1 END AS val,
      CASE e.event WHEN ''agent_idle'' THEN s.i1 WHEN ''agent_on_call'' THEN s.i2 WHEN ''agent_hold'' THEN s.i3
                   WHEN ''agent_wrap_up'' THEN s.i4 ELSE s.i5 END AS init
    FROM stretch_init s
    JOIN agent_events e ON e.ext = @apr_tl_ext AND e.ts >= s.c_from AND e.ts < s.c_to
    WHERE e.event IN (''agent_idle'', ''agent_on_call'', ''agent_hold'', ''agent_wrap_up'', ''agent_not_avail_state'')
  ),
  -- each event''s change of its flag; a running sum per stretch gives every flag''s value
  -- (cast back from SUM''s DECIMAL, so that f5 finds its event through the primary key)
  delta AS (
    SELECT sid, ts, seq, flag,
      val - COALESCE(LAG(val) OVER (PARTITION BY sid, flag ORDER BY ts, seq), init) AS d
    FROM ev
  ),
  flags AS (
    SELECT d.sid, d.ts,
      CAST(i.i1 + SUM(CASE WHEN d.flag = 1 THEN d.d ELSE 0 END) OVER w AS SIGNED) AS f1,
      CAST(i.i2 + SUM(CASE WHEN d.flag = 2 THEN d.d ELSE 0 END) OVER w AS SIGNED) AS f2,
      CAST(i.i3 + SUM(CASE WHEN d.flag = 3 THEN d.d ELSE 0 END) OVER w AS SIGNED) AS f3,
      CAST(i.i4 + SUM(CASE WHEN d.flag = 4 THEN d.d ELSE 0 END) OVER w AS SIGNED) AS f4,
      CAST(i.i5 + SUM(CASE WHEN d.flag = 5 THEN d.d ELSE 0 END) OVER w AS SIGNED) AS f5,
      LEAD(d.ts) OVER (PARTITION BY d.sid ORDER BY d.ts, d.seq) AS next_ts,
      i.c_to
    FROM delta d
    JOIN stretch_init i ON i.sid = d.sid
    WINDOW w AS (PARTITION BY d.sid ORDER BY d.ts, d.seq ROWS UNBOUNDED PRECEDING)
  ),
  -- raw segments: the state at each stretch''s start, then after each second with events
  -- (only the second''s last row counts: the flags'' final values)
  raw AS (
    SELECT i.sid, i.c_from AS seg_from,
      COALESCE(fv.first_ts, i.c_to) AS seg_to,
      i.i1 AS f1, i.i2 AS f2, i.i3 AS f3, i.i4 AS f4, i.i5 AS f5
    FROM stretch_init i
    -- (a grouped join, not a correlated MIN(): MariaDB re-running this procedure in the
    -- same session refused the latter under ONLY_FULL_GROUP_BY)
    LEFT JOIN (SELECT sid, MIN(ts) AS first_ts FROM ev GROUP BY sid) fv ON fv.sid = i.sid
    UNION ALL
    SELECT sid, ts, COALESCE(next_ts, c_to), f1, f2, f3, f4, f5
    FROM flags
    WHERE next_ts IS NULL OR next_ts > ts
  ),
  coded AS (
    SELECT r.sid, r.seg_from, r.seg_to,
      -- rules §3 precedence
      CASE WHEN r.f3 > 0 THEN ''Hold'' WHEN r.f2 > 0 THEN ''Talk'' WHEN r.f4 > 0 THEN ''Wrap Up''
           WHEN r.f1 > 0 THEN ''Idle'' WHEN r.f5 > 0 THEN fn_break_category(e.state) ELSE ''Offline'' END AS state,
      CASE WHEN r.f3 > 0 OR r.f2 > 0 OR r.f4 > 0 OR r.f1 > 0 OR r.f5 = 0 THEN NULL
           ELSE COALESCE(e.state, '''') END AS reason
    FROM raw r
    LEFT JOIN agent_events e
      ON r.f5 > 0 AND e.ext = @apr_tl_ext AND e.ts = r.f5 DIV 65536 AND e.seq = r.f5 MOD 65536
    WHERE r.seg_to > r.seg_from
  ),
  -- merge neighbours with the same state and reason
  marked AS (
    SELECT seg_from, seg_to, state, reason,
      CASE WHEN LAG(seg_to) OVER o = seg_from AND LAG(state) OVER o = state
                AND LAG(reason) OVER o <=> reason
           THEN 0 ELSE 1 END AS starts
    FROM coded
    WINDOW o AS (ORDER BY seg_from)
  ),
  grouped AS (
    SELECT seg_from, seg_to, state, reason,
      SUM(starts) OVER (ORDER BY seg_from ROWS UNBOUNDED PRECEDING) AS grp
    FROM marked
  ),
  loaded AS (
    SELECT MIN(seg_from) AS seg_from, MAX(seg_to) AS seg_to, MIN(state) AS state, MIN(reason) AS reason
    FROM grouped
    GROUP BY grp
  ),
  -- the day outside loaded time: before each stretch, and after the last
  not_loaded AS (
    SELECT COALESCE(LAG(c_to) OVER (ORDER BY c_from), @apr_tl_from) AS seg_from, c_from AS seg_to
    FROM stretch
    UNION ALL
    -- (a scalar subquery: MySQL''s ONLY_FULL_GROUP_BY refuses a variable beside MAX())
    SELECT COALESCE((SELECT MAX(c_to) FROM stretch), @apr_tl_from), @apr_tl_to
  )
  SELECT seg_from, seg_to, seg_to - seg_from AS seconds, state, reason FROM loaded
  UNION ALL
  SELECT seg_from, seg_to, seg_to - seg_from, ''Not Loaded'', NULL FROM not_loaded
  WHERE seg_to > seg_from AND @apr_tl_from IS NOT NULL
  UNION ALL
  SELECT @apr_tl_day_from, @apr_tl_from, @apr_tl_from - @apr_tl_day_from, ''Pruned'', NULL FROM DUAL
  WHERE @apr_tl_from > @apr_tl_day_from
  ORDER BY seg_from';
  PREPARE apr_tl_stmt FROM @apr_tl_sql;
  EXECUTE apr_tl_stmt;
  DEALLOCATE PREPARE apr_tl_stmt;
  SET @apr_tl_sql = NULL, @apr_tl_from = NULL, @apr_tl_to = NULL, @apr_tl_carry_from = NULL, @apr_tl_ext = NULL,
      @apr_tl_day_from = NULL, @apr_tl_cut = NULL;
END
