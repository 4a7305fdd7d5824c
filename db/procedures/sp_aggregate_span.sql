-- The transform (SPEC §3-§4) for a run of consecutive report hours: recomputes
-- agent_activity and agent_reason_activity for every report hour whose start lies in
-- [p_from, p_to), for every agent, in one transaction. Internal: the public entry points
-- are sp_aggregate_hour, sp_aggregate_range and sp_aggregate_epoch_range.
--
-- How (set-based, no loop over agents or events):
--  1. carried-in state: each agent's latest event of each flag type before p_from, found
--     by a loose scan of ix_agent_events_flag (ext, event, ts, seq): no look-back limit,
--     and no scan of older history;
--  2. the span's input rows: that carried state, the span's flag events, and one marker
--     row per agent and hour start (so no segment crosses an hour);
--  3. one window pass gives each flag's change (LAG per agent and flag), a second gives
--     each flag's value after every row (running SUM of the changes per agent: linear,
--     unlike a running MAX on MariaDB) and the next row's second (LEAD). The state after
--     the last row of a second holds until the next second with a row: that is a segment;
--  4. segments are summed per hour, agent and state, pivoted into agent_activity's columns
--     and written with the hour's call counts from users_calls.
-- agent_reg and unknown event types are not read: they change nothing (SPEC §3).
DROP PROCEDURE IF EXISTS sp_aggregate_span;
CREATE PROCEDURE sp_aggregate_span(IN p_from BIGINT, IN p_to BIGINT)
  MODIFIES SQL DATA
  COMMENT 'internal: recompute agent_activity for report hours starting in [p_from, p_to)'
BEGIN
  DECLARE v_lock VARCHAR(128) CHARACTER SET utf8mb4 DEFAULT CONCAT(DATABASE(), ':aggregate');
  DECLARE v_horizon BIGINT;
  DECLARE v_to BIGINT;
  DECLARE v_end BIGINT;
  DECLARE v_sort BIGINT UNSIGNED DEFAULT @@SESSION.sort_buffer_size;
  DECLARE v_tmp BIGINT UNSIGNED DEFAULT @@SESSION.tmp_table_size;
  DECLARE v_heap BIGINT UNSIGNED DEFAULT @@SESSION.max_heap_table_size;

  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    ROLLBACK;
    SET SESSION sort_buffer_size = v_sort, SESSION tmp_table_size = v_tmp, SESSION max_heap_table_size = v_heap;
    DO RELEASE_LOCK(v_lock);
    RESIGNAL;
  END;

  -- Aggregations take turns (collector, backfill, an operator): two at once on the same
  -- hours would only wait on each other's row locks, or deadlock.
  IF COALESCE(GET_LOCK(v_lock, 120), 0) <> 1 THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sp_aggregate: another aggregation held the lock for 120 s; try again';
  END IF;
  -- Big enough for a day of a 1,000-agent centre to sort and group in memory.
  SET SESSION sort_buffer_size = GREATEST(v_sort, 64 * 1024 * 1024),
      SESSION tmp_table_size = GREATEST(v_tmp, 512 * 1024 * 1024),
      SESSION max_heap_table_size = GREATEST(v_heap, 512 * 1024 * 1024);

  SELECT horizon INTO v_horizon FROM collector_state WHERE id = 1;
  SELECT MAX(hour_end) INTO v_to FROM report_hours WHERE hour_start >= p_from AND hour_start < p_to;
  -- SPEC §3: nothing is counted past the data horizon (NULL: nothing loaded yet).
  SET v_end = GREATEST(p_from, LEAST(COALESCE(v_to, p_from), COALESCE(v_horizon, p_from)));

  DROP TEMPORARY TABLE IF EXISTS apr_tmp_hours, apr_tmp_last, apr_tmp_carried, apr_tmp_scope,
    apr_tmp_pieces, apr_tmp_na, apr_tmp_reasons, apr_tmp_activity;

  -- The span's hours and their counted seconds: GREATEST(0, LEAST(hour_end, horizon) - hour_start).
  CREATE TEMPORARY TABLE apr_tmp_hours (
    hour_start  BIGINT   NOT NULL PRIMARY KEY,
    hour_end    BIGINT   NOT NULL,
    local_start DATETIME NOT NULL,
    local_end   DATETIME NOT NULL,
    counted_s   INT      NOT NULL
  ) ENGINE=MEMORY;
  INSERT INTO apr_tmp_hours (hour_start, hour_end, local_start, local_end, counted_s)
  SELECT hour_start, hour_end, local_start, local_end, GREATEST(0, LEAST(hour_end, v_end) - hour_start)
  FROM report_hours
  WHERE hour_start >= p_from AND hour_start < p_to;

  -- 1. SPEC §3, state carried in: every flag's last value before the span, however long
  -- ago. MAX(ts) per (ext, event) with ts < p_from is a loose index scan of
  -- ix_agent_events_flag; the latest agent event alone would miss flags set earlier.
  -- A flag's value is a number: 0 = off, 1 = on; not-available on = the position
  -- (ts * 65536 + seq) of its event, whose state is the reason (SPEC §3: the reason of the
  -- latest not-available-on event). Flags that are off are left out: they change nothing.
  CREATE TEMPORARY TABLE apr_tmp_last (
    ext   VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    event VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    ts    BIGINT NOT NULL,
    PRIMARY KEY (ext, event)
  ) ENGINE=MEMORY;
  CREATE TEMPORARY TABLE apr_tmp_carried (
    ext  VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    flag TINYINT NOT NULL,
    val  BIGINT NOT NULL,
    PRIMARY KEY (ext, flag)
  ) ENGINE=MEMORY;
  IF v_end > p_from THEN
    INSERT INTO apr_tmp_last (ext, event, ts)
    SELECT ext, event, MAX(ts)
    FROM agent_events
    WHERE event IN ('agent_idle', 'agent_on_call', 'agent_hold', 'agent_wrap_up', 'agent_not_avail_state')
      AND ts < p_from
    GROUP BY ext, event;
    -- Within that second the last event in feed order (highest seq) holds the value.
    INSERT INTO apr_tmp_carried (ext, flag, val)
    SELECT x.ext, x.flag, x.val
    FROM (
      SELECT e.ext,
        CASE e.event WHEN 'agent_idle' THEN 1 WHEN 'agent_on_call' THEN 2 WHEN 'agent_hold' THEN 3
                     WHEN 'agent_wrap_up' THEN 4 ELSE 5 END AS flag,
        CASE WHEN e.enabled = 0 THEN 0 WHEN e.event = 'agent_not_avail_state' THEN e.ts * 65536 + e.seq ELSE 1 END AS val,
        ROW_NUMBER() OVER (PARTITION BY e.ext, e.event ORDER BY e.seq DESC) AS rn
      FROM apr_tmp_last l
      JOIN agent_events e ON e.ext = l.ext AND e.event = l.event AND e.ts = l.ts
    ) x
    WHERE x.rn = 1 AND x.val <> 0;
  END IF;

  -- Agents to count: a flag on at the span's start, or any event inside it (a covering
  -- scan of ix_agent_events_ts). Any other agent is Offline throughout.
  CREATE TEMPORARY TABLE apr_tmp_scope (
    ext VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY
  ) ENGINE=MEMORY;
  INSERT IGNORE INTO apr_tmp_scope (ext) SELECT ext FROM apr_tmp_carried;
  INSERT IGNORE INTO apr_tmp_scope (ext)
  SELECT DISTINCT ext FROM agent_events WHERE ts >= p_from AND ts < v_end;

  -- 2-3. Seconds per hour, agent and state. code: 0 Offline, 1 Idle, 2 Talk, 3 Hold,
  -- 4 Wrap Up, 5 not available (na_pos: the position of the event with the reason).
  CREATE TEMPORARY TABLE apr_tmp_pieces (
    hour_start BIGINT NOT NULL,
    ext        VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    code       TINYINT NOT NULL,
    na_pos     BIGINT NOT NULL,
    secs       BIGINT NOT NULL
  ) ENGINE=MEMORY;
  INSERT INTO apr_tmp_pieces (hour_start, ext, code, na_pos, secs)
  SELECT s.hour_start, s.ext, s.code, s.na_pos, SUM(s.secs)
  FROM (
    SELECT t.ext,
      t.hr AS hour_start,
      -- SPEC §3 precedence: Hold > Talk > Wrap Up > Idle > not-available reason > Offline.
      CASE WHEN t.hold > 0 THEN 3 WHEN t.talk > 0 THEN 2 WHEN t.wrap > 0 THEN 4
           WHEN t.idle > 0 THEN 1 WHEN t.na > 0 THEN 5 ELSE 0 END AS code,
      CASE WHEN t.hold > 0 OR t.talk > 0 OR t.wrap > 0 OR t.idle > 0 THEN 0 ELSE t.na END AS na_pos,
      -- The state after a second's last row holds until the next row's second; the last
      -- row's state until the span's counted end.
      COALESCE(t.next_ts, v_end) - t.ts AS secs
    FROM (
      -- Running sum of a flag's changes = the flag's latest value.
      SELECT d.ext, d.ts,
        SUM(CASE WHEN d.flag = 1 THEN d.delta ELSE 0 END) OVER w AS idle,
        SUM(CASE WHEN d.flag = 2 THEN d.delta ELSE 0 END) OVER w AS talk,
        SUM(CASE WHEN d.flag = 3 THEN d.delta ELSE 0 END) OVER w AS hold,
        SUM(CASE WHEN d.flag = 4 THEN d.delta ELSE 0 END) OVER w AS wrap,
        SUM(CASE WHEN d.flag = 5 THEN d.delta ELSE 0 END) OVER w AS na,
        SUM(CASE WHEN d.flag = 6 THEN d.delta ELSE 0 END) OVER w AS hr,
        LEAD(d.ts) OVER (PARTITION BY d.ext ORDER BY d.ts, d.seq) AS next_ts
      FROM (
        -- SPEC §3 order: by second, then feed order (seq); carried state and hour markers
        -- come first in their second (negative seq).
        SELECT i.ext, i.ts, i.seq, i.flag,
          i.val - COALESCE(LAG(i.val) OVER (PARTITION BY i.ext, i.flag ORDER BY i.ts, i.seq), 0) AS delta
        FROM (
          SELECT c.ext, p_from AS ts, -1 AS seq, c.flag, c.val
          FROM apr_tmp_carried c
          UNION ALL
          -- flag 6: the hour the following rows belong to (its value is the hour's start)
          SELECT sc.ext, h.hour_start, -2, 6, h.hour_start
          FROM apr_tmp_scope sc
          JOIN apr_tmp_hours h ON h.hour_start < v_end
          UNION ALL
          SELECT e.ext, e.ts, e.seq,
            CASE e.event WHEN 'agent_idle' THEN 1 WHEN 'agent_on_call' THEN 2 WHEN 'agent_hold' THEN 3
                         WHEN 'agent_wrap_up' THEN 4 ELSE 5 END,
            CASE WHEN e.enabled = 0 THEN 0 WHEN e.event = 'agent_not_avail_state' THEN e.ts * 65536 + e.seq ELSE 1 END
          FROM agent_events e
          WHERE e.ts >= p_from AND e.ts < v_end
            AND e.event IN ('agent_idle', 'agent_on_call', 'agent_hold', 'agent_wrap_up', 'agent_not_avail_state')
        ) i
      ) d
      WINDOW w AS (PARTITION BY d.ext ORDER BY d.ts, d.seq ROWS UNBOUNDED PRECEDING)
    ) t
    -- SPEC §3: within one second only each flag's final value counts. (hr = 0 only for an
    -- agent whose first event arrived after the scope was read: counted on the next run.)
    WHERE (t.next_ts IS NULL OR t.next_ts > t.ts) AND t.hr > 0
  ) s
  GROUP BY s.hour_start, s.ext, s.code, s.na_pos;

  -- The reason of each not-available stretch (the state of the event at na_pos), each
  -- distinct reason categorised once through break_reason_map. Reasons are kept as bytes:
  -- the upstream tells 'Outbound' and 'Outbound ' apart in its per-reason stats.
  CREATE TEMPORARY TABLE apr_tmp_na (
    ext    VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    na_pos BIGINT NOT NULL,
    reason VARBINARY(1020) NOT NULL,
    PRIMARY KEY (ext, na_pos)
  ) ENGINE=MEMORY;
  INSERT IGNORE INTO apr_tmp_na (ext, na_pos, reason)
  SELECT p.ext, p.na_pos, CAST(COALESCE(e.state, '') AS BINARY)
  FROM apr_tmp_pieces p
  JOIN agent_events e ON e.ext = p.ext AND e.ts = p.na_pos DIV 65536 AND e.seq = p.na_pos MOD 65536
  WHERE p.code = 5;
  CREATE TEMPORARY TABLE apr_tmp_reasons (
    reason   VARBINARY(1020) NOT NULL PRIMARY KEY,
    category VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL
  ) ENGINE=MEMORY;
  INSERT INTO apr_tmp_reasons (reason, category)
  SELECT x.reason, fn_break_category(CONVERT(x.reason USING utf8mb4))
  FROM (SELECT DISTINCT reason FROM apr_tmp_na) x;

  -- 4. One row per hour and agent, in agent_activity's columns.
  CREATE TEMPORARY TABLE apr_tmp_activity (
    hour_start    BIGINT NOT NULL,
    ext           VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    idle_s INT NOT NULL, talk_s INT NOT NULL, hold_s INT NOT NULL, wrap_s INT NOT NULL,
    login_s INT NOT NULL, logoff_s INT NOT NULL, dnd_s INT NOT NULL,
    meeting_s INT NOT NULL, training_s INT NOT NULL, chat_s INT NOT NULL, tickets_s INT NOT NULL, outbound_s INT NOT NULL,
    lunch_s INT NOT NULL, tea_s INT NOT NULL, bio_s INT NOT NULL, short_break_s INT NOT NULL, other_npt_s INT NOT NULL,
    offline_s INT NOT NULL,
    active_s INT NOT NULL,
    PRIMARY KEY (hour_start, ext)
  ) ENGINE=MEMORY;
  INSERT INTO apr_tmp_activity
  SELECT p.hour_start, p.ext,
    SUM(CASE WHEN p.code = 1 THEN p.secs ELSE 0 END),
    SUM(CASE WHEN p.code = 2 THEN p.secs ELSE 0 END),
    SUM(CASE WHEN p.code = 3 THEN p.secs ELSE 0 END),
    SUM(CASE WHEN p.code = 4 THEN p.secs ELSE 0 END),
    SUM(CASE WHEN r.category = 'Login' THEN p.secs ELSE 0 END),
    SUM(CASE WHEN r.category = 'Logoff' THEN p.secs ELSE 0 END),
    SUM(CASE WHEN r.category = 'DND' THEN p.secs ELSE 0 END),
    SUM(CASE WHEN r.category = 'Meeting' THEN p.secs ELSE 0 END),
    SUM(CASE WHEN r.category = 'Training' THEN p.secs ELSE 0 END),
    SUM(CASE WHEN r.category = 'Chat' THEN p.secs ELSE 0 END),
    SUM(CASE WHEN r.category = 'Tickets' THEN p.secs ELSE 0 END),
    SUM(CASE WHEN r.category = 'Outbound' THEN p.secs ELSE 0 END),
    SUM(CASE WHEN r.category = 'Lunch' THEN p.secs ELSE 0 END),
    SUM(CASE WHEN r.category = 'Tea/Coffee' THEN p.secs ELSE 0 END),
    SUM(CASE WHEN r.category = 'Bio' THEN p.secs ELSE 0 END),
    SUM(CASE WHEN r.category = 'Short Break' THEN p.secs ELSE 0 END),
    -- Other NPT, and any category without a column of its own (none today), so that
    -- conservation holds whatever break_categories holds.
    SUM(CASE WHEN p.code = 5 AND COALESCE(r.category, 'Other NPT') NOT IN ('Login', 'Logoff', 'DND', 'Meeting', 'Training',
             'Chat', 'Tickets', 'Outbound', 'Lunch', 'Tea/Coffee', 'Bio', 'Short Break') THEN p.secs ELSE 0 END),
    SUM(CASE WHEN p.code = 0 THEN p.secs ELSE 0 END),
    SUM(CASE WHEN p.code <> 0 THEN p.secs ELSE 0 END)
  FROM apr_tmp_pieces p
  LEFT JOIN apr_tmp_na n ON p.code = 5 AND n.ext = p.ext AND n.na_pos = p.na_pos
  LEFT JOIN apr_tmp_reasons r ON r.reason = n.reason
  GROUP BY p.hour_start, p.ext;

  START TRANSACTION;
  DELETE FROM agent_activity WHERE hour_start >= p_from AND hour_start < p_to;
  DELETE FROM agent_reason_activity WHERE hour_start >= p_from AND hour_start < p_to;
  -- A row per agent and hour with a non-Offline second, or with offered calls (SPEC §5).
  INSERT INTO agent_activity (hour_start, ext, hour_end, local_start, local_end, counted_s,
    idle_s, talk_s, hold_s, wrap_s, login_s, logoff_s, dnd_s, meeting_s, training_s, chat_s, tickets_s,
    outbound_s, lunch_s, tea_s, bio_s, short_break_s, other_npt_s, offline_s, total_calls, answered_calls)
  SELECT a.hour_start, a.ext, h.hour_end, h.local_start, h.local_end, h.counted_s,
    a.idle_s, a.talk_s, a.hold_s, a.wrap_s, a.login_s, a.logoff_s, a.dnd_s, a.meeting_s, a.training_s, a.chat_s,
    a.tickets_s, a.outbound_s, a.lunch_s, a.tea_s, a.bio_s, a.short_break_s, a.other_npt_s, a.offline_s,
    COALESCE(c.total_calls, 0), COALESCE(c.answered_calls, 0)
  FROM apr_tmp_activity a
  JOIN apr_tmp_hours h ON h.hour_start = a.hour_start
  LEFT JOIN users_calls c ON c.hour_start = a.hour_start AND c.ext = a.ext
  WHERE a.active_s > 0 OR c.total_calls > 0;
  -- Offered calls from an agent Offline all hour (or never seen in the events).
  INSERT INTO agent_activity (hour_start, ext, hour_end, local_start, local_end, counted_s, offline_s,
    total_calls, answered_calls)
  SELECT c.hour_start, c.ext, h.hour_end, h.local_start, h.local_end, h.counted_s, h.counted_s,
    c.total_calls, c.answered_calls
  FROM users_calls c
  JOIN apr_tmp_hours h ON h.hour_start = c.hour_start
  WHERE c.total_calls > 0
    AND NOT EXISTS (SELECT 1 FROM apr_tmp_activity a WHERE a.hour_start = c.hour_start AND a.ext = c.ext);
  INSERT INTO agent_reason_activity (hour_start, ext, reason, reason_s)
  SELECT p.hour_start, p.ext, n.reason, SUM(p.secs)
  FROM apr_tmp_pieces p
  JOIN apr_tmp_na n ON n.ext = p.ext AND n.na_pos = p.na_pos
  WHERE p.code = 5
  GROUP BY p.hour_start, p.ext, n.reason;
  COMMIT;

  DROP TEMPORARY TABLE IF EXISTS apr_tmp_hours, apr_tmp_last, apr_tmp_carried, apr_tmp_scope,
    apr_tmp_pieces, apr_tmp_na, apr_tmp_reasons, apr_tmp_activity;
  SET SESSION sort_buffer_size = v_sort, SESSION tmp_table_size = v_tmp, SESSION max_heap_table_size = v_heap;
  DO RELEASE_LOCK(v_lock);
END
