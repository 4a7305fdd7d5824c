-- The transform (SPEC §3-§4) for a run of consecutive report hours and a range of agents:
-- recomputes agent_activity and agent_reason_activity for every report hour whose start
-- lies in [p_from, p_to) and every extension in [p_ext_lo, p_ext_hi) (NULL: unbounded),
-- in one transaction. Internal: the public entry points are sp_aggregate_hour,
-- sp_aggregate_range and sp_aggregate_epoch_range (through sp_aggregate_between).
--
-- How (set-based: no loop over agents or events):
--  1. state carried in (SPEC §3: every flag's last value and the latest reason, no
--     look-back limit): from agent_state_checkpoints when p_from is a marked instant,
--     else each agent's latest event of each flag type before p_from, by a loose scan of
--     ix_agent_events_flag (ext, event, ts, seq), which never reads older history;
--  2. input rows: that carried state, the span's flag events (agent_reg and unknown types
--     are not read: they change nothing), and one marker row per agent and hour start.
--     Events are read from an index that holds every column needed: all agents over a
--     few hours from ix_agent_events_ts (ts, event, enabled), a group of agents over many
--     hours from ix_agent_events_flag (ext, event, ts, seq, enabled, state);
--  3. window pass 1, per agent and flag: each row's change of its flag (LAG);
--     window pass 2, per agent in time order: the running SUM of the changes = every
--     flag's latest value (linear; a running MAX is recomputed per row on MariaDB), and
--     the next row's second (LEAD). The flags are packed into one number so a single SUM
--     carries them all: bit 0 idle, 1 on call, 2 hold, 3 wrap-up; bits 4-15 the hour
--     (markers); bits 16+ which not-available-on event was the latest (0: off; 1: the
--     one carried in; 2 + (ts - p_from) * 65536 + seq: one inside the span). Each part of
--     a running sum of changes stays in its own range, so the packing is exact;
--  4. the state after a second's last row holds until the next row's second: summed per
--     hour, agent and state, pivoted into agent_activity's columns, written with the
--     hour's call counts (users_calls);
--  5. the state at every hour start of the span (the marker rows) is kept in
--     agent_state_checkpoints for the next aggregation. Later checkpoints rest on the
--     state at the span's end: kept when it comes out as before, dropped otherwise.
DROP PROCEDURE IF EXISTS sp_aggregate_span;
CREATE PROCEDURE sp_aggregate_span(IN p_from BIGINT, IN p_to BIGINT,
                                   IN p_ext_lo VARCHAR(32) CHARACTER SET utf8mb4, IN p_ext_hi VARCHAR(32) CHARACTER SET utf8mb4)
  MODIFIES SQL DATA
  COMMENT 'internal: recompute agent_activity for report hours starting in [p_from, p_to), extensions in [p_ext_lo, p_ext_hi)'
BEGIN
  DECLARE v_lock VARCHAR(128) CHARACTER SET utf8mb4 DEFAULT CONCAT(DATABASE(), ':aggregate');
  -- extension bounds; U+10FFFF sorts after any real extension
  DECLARE v_lo VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT COALESCE(p_ext_lo, '');
  DECLARE v_hi VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT COALESCE(p_ext_hi, CHAR(0xF48FBFBF USING utf8mb4));
  DECLARE v_horizon BIGINT;
  DECLARE v_to BIGINT;
  DECLARE v_end BIGINT;
  DECLARE v_exts MEDIUMTEXT;
  DECLARE v_all BOOLEAN DEFAULT p_ext_lo IS NULL AND p_ext_hi IS NULL;
  DECLARE v_marked BOOLEAN DEFAULT FALSE;
  DECLARE v_same BOOLEAN DEFAULT FALSE;
  DECLARE v_sort BIGINT UNSIGNED DEFAULT @@SESSION.sort_buffer_size;
  DECLARE v_tmp BIGINT UNSIGNED DEFAULT @@SESSION.tmp_table_size;
  DECLARE v_heap BIGINT UNSIGNED DEFAULT @@SESSION.max_heap_table_size;
  DECLARE v_concat BIGINT UNSIGNED DEFAULT @@SESSION.group_concat_max_len;

  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    ROLLBACK;
    SET SESSION sort_buffer_size = v_sort, SESSION tmp_table_size = v_tmp, SESSION max_heap_table_size = v_heap,
        SESSION group_concat_max_len = v_concat;
    DO RELEASE_LOCK(v_lock);
    RESIGNAL;
  END;

  -- Aggregations take turns (collector, backfill, an operator): two at once on the same
  -- hours would only wait on each other's row locks, or deadlock.
  IF COALESCE(GET_LOCK(v_lock, 600), 0) <> 1 THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sp_aggregate: another aggregation held the lock for 10 minutes; try again';
  END IF;
  -- A span holds about a day of a 1,000-agent centre: sort and group it in memory.
  SET SESSION sort_buffer_size = GREATEST(v_sort, 64 * 1024 * 1024),
      SESSION tmp_table_size = GREATEST(v_tmp, 512 * 1024 * 1024),
      SESSION max_heap_table_size = GREATEST(v_heap, 512 * 1024 * 1024),
      SESSION group_concat_max_len = GREATEST(v_concat, 16 * 1024 * 1024);

  SELECT horizon INTO v_horizon FROM collector_state WHERE id = 1;
  SELECT MAX(hour_end) INTO v_to FROM report_hours WHERE hour_start >= p_from AND hour_start < p_to;
  -- SPEC §3: nothing is counted past the data horizon (NULL: nothing loaded yet).
  SET v_end = GREATEST(p_from, LEAST(COALESCE(v_to, p_from), COALESCE(v_horizon, p_from)));

  DROP TEMPORARY TABLE IF EXISTS apr_tmp_hours, apr_tmp_last, apr_tmp_carried, apr_tmp_agents,
    apr_tmp_in, apr_tmp_state, apr_tmp_pieces, apr_tmp_na_reason, apr_tmp_reasons, apr_tmp_activity,
    apr_tmp_out, apr_tmp_out_reasons, apr_tmp_out_reasons_keyed, apr_tmp_checkpoints;

  -- The span's hours, numbered from 1, and their counted seconds:
  -- GREATEST(0, LEAST(hour_end, horizon) - hour_start).
  CREATE TEMPORARY TABLE apr_tmp_hours (
    hour_idx    INT      NOT NULL PRIMARY KEY,
    hour_start  BIGINT   NOT NULL,
    hour_end    BIGINT   NOT NULL,
    local_start DATETIME NOT NULL,
    local_end   DATETIME NOT NULL,
    counted_s   INT      NOT NULL,
    UNIQUE KEY ux_hour_start (hour_start)
  ) ENGINE=MEMORY;
  INSERT INTO apr_tmp_hours (hour_idx, hour_start, hour_end, local_start, local_end, counted_s)
  SELECT ROW_NUMBER() OVER (ORDER BY hour_start), hour_start, hour_end, local_start, local_end,
    GREATEST(0, LEAST(hour_end, v_end) - hour_start)
  FROM report_hours
  WHERE hour_start >= p_from AND hour_start < p_to;
  IF (SELECT COUNT(*) FROM apr_tmp_hours) > 4094 THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sp_aggregate_span: at most 4094 hours at a time';
  END IF;

  -- 1. SPEC §3, state carried in: every flag's last value before the span, however long
  -- ago, and the not-available-on event in force (its state is the reason). Flags that
  -- are off are left out.
  CREATE TEMPORARY TABLE apr_tmp_last (
    ext   VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    event VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    ts    BIGINT NOT NULL,
    PRIMARY KEY (ext, event)
  ) ENGINE=MEMORY;
  CREATE TEMPORARY TABLE apr_tmp_carried (
    ext  VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    flag TINYINT NOT NULL,
    ts   BIGINT NOT NULL,
    seq  INT NOT NULL,
    PRIMARY KEY (ext, flag)
  ) ENGINE=MEMORY;
  IF v_end > p_from THEN
    -- A checkpoint at p_from holds it when it is marked complete and the latest event
    -- before p_from is still the one it was written after.
    SET v_marked = EXISTS (
      SELECT 1 FROM agent_state_marks m
      WHERE m.at_ts = p_from
        AND m.last_event_ts <=> (SELECT e.ts FROM agent_events e WHERE e.ts < p_from ORDER BY e.ts DESC LIMIT 1));
    IF v_marked THEN
      INSERT INTO apr_tmp_carried (ext, flag, ts, seq)
      SELECT k.ext, f.flag, COALESCE(k.na_ts, 0), COALESCE(k.na_seq, 0)
      FROM agent_state_checkpoints k
      JOIN (SELECT 1 AS flag UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5) f
        ON (f.flag < 5 AND k.flags & (1 << (f.flag - 1))) OR (f.flag = 5 AND k.na_ts IS NOT NULL)
      WHERE k.at_ts = p_from AND k.ext >= v_lo AND k.ext < v_hi;
    ELSE
      -- MAX(ts) per (ext, event) with ts < p_from is a loose index scan; the agent's
      -- latest event alone would miss flags set earlier. Within that second the last event
      -- in feed order (highest seq) holds the value.
      INSERT INTO apr_tmp_last (ext, event, ts)
      SELECT ext, event, MAX(ts)
      FROM agent_events
      WHERE ext >= v_lo AND ext < v_hi
        AND event IN ('agent_idle', 'agent_on_call', 'agent_hold', 'agent_wrap_up', 'agent_not_avail_state')
        AND ts < p_from
      GROUP BY ext, event;
      INSERT INTO apr_tmp_carried (ext, flag, ts, seq)
      SELECT x.ext, x.flag, x.ts, x.seq
      FROM (
        SELECT e.ext,
          CASE e.event WHEN 'agent_idle' THEN 1 WHEN 'agent_on_call' THEN 2 WHEN 'agent_hold' THEN 3
                       WHEN 'agent_wrap_up' THEN 4 ELSE 5 END AS flag,
          e.ts, e.seq, e.enabled,
          ROW_NUMBER() OVER (PARTITION BY e.ext, e.event ORDER BY e.seq DESC) AS rn
        FROM apr_tmp_last l
        JOIN agent_events e ON e.ext = l.ext AND e.event = l.event AND e.ts = l.ts
      ) x
      WHERE x.rn = 1 AND x.enabled = 1;
    END IF;
  END IF;

  -- The agents to count, numbered (small keys sort fast): a flag on at the span's start,
  -- or an event inside it. Anyone else is Offline throughout and gets no row.
  CREATE TEMPORARY TABLE apr_tmp_agents (
    id  INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    ext VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    UNIQUE KEY ux_ext (ext)
  ) ENGINE=MEMORY;
  INSERT IGNORE INTO apr_tmp_agents (ext) SELECT ext FROM apr_tmp_carried;
  IF v_all THEN
    -- all agents, a few hours: those with events in the span (a range of ix_agent_events_ts)
    INSERT IGNORE INTO apr_tmp_agents (ext)
    SELECT DISTINCT ext FROM agent_events WHERE ts >= p_from AND ts < v_end;
  ELSEIF v_end > p_from THEN
    -- a group of agents over many hours: all of the group (a loose scan, one probe each)
    INSERT IGNORE INTO apr_tmp_agents (ext)
    SELECT DISTINCT ext FROM agent_events WHERE ext >= v_lo AND ext < v_hi;
  END IF;
  SET v_exts = (SELECT GROUP_CONCAT(QUOTE(ext)) FROM apr_tmp_agents);

  CREATE TEMPORARY TABLE apr_tmp_in (
    a    INT NOT NULL,      -- apr_tmp_agents.id
    o    BIGINT NOT NULL,   -- order: ts * 65540 + seq + 3; carried state (+0) and hour markers (+1) first
    flag TINYINT NOT NULL,  -- 1 idle, 2 on call, 3 hold, 4 wrap-up, 5 not available, 6 hour marker
    w    BIGINT NOT NULL    -- the flag's value, already in its packed position
  ) ENGINE=MEMORY;

  IF v_exts IS NOT NULL THEN
    -- 2. Input rows. SPEC §3 order: by second, then feed order (seq); carried state and
    -- hour markers come first in their second.
    INSERT INTO apr_tmp_in (a, o, flag, w)
    SELECT a.id, p_from * 65540, c.flag, CASE c.flag WHEN 1 THEN 1 WHEN 2 THEN 2 WHEN 3 THEN 4 WHEN 4 THEN 8 ELSE 65536 END
    FROM apr_tmp_carried c
    JOIN apr_tmp_agents a ON a.ext = c.ext;
    INSERT INTO apr_tmp_in (a, o, flag, w)
    SELECT a.id, h.hour_start * 65540 + 1, 6, h.hour_idx * 16
    FROM apr_tmp_agents a
    JOIN apr_tmp_hours h ON h.hour_start < v_end;
    -- a marker at the span's end too, when all of it is counted: the state carried into
    -- the next hour, for its checkpoint (it holds for 0 s here)
    IF v_end = v_to THEN
      INSERT INTO apr_tmp_in (a, o, flag, w)
      SELECT a.id, v_end * 65540 + 1, 6, ((SELECT COUNT(*) FROM apr_tmp_hours) + 1) * 16
      FROM apr_tmp_agents a;
    END IF;
    IF v_all THEN
      -- All agents, a few hours: one range of ix_agent_events_ts, which holds every
      -- column needed here (ts, event, enabled, and the key's ext and seq).
      INSERT INTO apr_tmp_in (a, o, flag, w)
      SELECT a.id, e.ts * 65540 + e.seq + 3,
        CASE e.event WHEN 'agent_idle' THEN 1 WHEN 'agent_on_call' THEN 2 WHEN 'agent_hold' THEN 3
                     WHEN 'agent_wrap_up' THEN 4 ELSE 5 END,
        CASE WHEN e.enabled = 0 THEN 0 WHEN e.event = 'agent_idle' THEN 1 WHEN e.event = 'agent_on_call' THEN 2
             WHEN e.event = 'agent_hold' THEN 4 WHEN e.event = 'agent_wrap_up' THEN 8
             ELSE ((e.ts - p_from) * 65536 + e.seq + 2) * 65536 END
      -- (STRAIGHT_JOIN: read the range first, then look each agent up; the other way round
      -- reads every agent's whole history)
      FROM agent_events e
      STRAIGHT_JOIN apr_tmp_agents a ON a.ext = e.ext
      WHERE e.ts >= p_from AND e.ts < v_end
        AND e.event IN ('agent_idle', 'agent_on_call', 'agent_hold', 'agent_wrap_up', 'agent_not_avail_state');
    ELSE
      -- A group of agents over many hours: with the agents as a literal list, the events
      -- are read as one short range of ix_agent_events_flag per agent and flag type (the
      -- index holds every column needed), never an agent's whole history.
      SET @apr_sql = CONCAT(
        'INSERT INTO apr_tmp_in (a, o, flag, w)',
        ' SELECT a.id, e.ts * 65540 + e.seq + 3,',
        '  CASE e.event WHEN ''agent_idle'' THEN 1 WHEN ''agent_on_call'' THEN 2 WHEN ''agent_hold'' THEN 3',
        '               WHEN ''agent_wrap_up'' THEN 4 ELSE 5 END,',
        '  CASE WHEN e.enabled = 0 THEN 0 WHEN e.event = ''agent_idle'' THEN 1 WHEN e.event = ''agent_on_call'' THEN 2',
        '       WHEN e.event = ''agent_hold'' THEN 4 WHEN e.event = ''agent_wrap_up'' THEN 8',
        '       ELSE ((e.ts - ', p_from, ') * 65536 + e.seq + 2) * 65536 END',
        ' FROM agent_events e',
        ' STRAIGHT_JOIN apr_tmp_agents a ON a.ext = e.ext',
        ' WHERE e.ext IN (', v_exts, ') AND e.ts >= ', p_from, ' AND e.ts < ', v_end,
        '  AND e.event IN (''agent_idle'', ''agent_on_call'', ''agent_hold'', ''agent_wrap_up'', ''agent_not_avail_state'')');
      PREPARE apr_stmt FROM @apr_sql;
      EXECUTE apr_stmt;
      DEALLOCATE PREPARE apr_stmt;
      SET @apr_sql = NULL;
    END IF;
  END IF;

  -- 3. Every flag's value after every row, and the next row's position.
  CREATE TEMPORARY TABLE apr_tmp_state (
    a   INT NOT NULL,
    o   BIGINT NOT NULL,
    st  BIGINT NOT NULL,   -- packed flags after this row
    nxt BIGINT NULL        -- the next row's o
  ) ENGINE=MEMORY;
  INSERT INTO apr_tmp_state (a, o, st, nxt)
  SELECT d.a, d.o,
    SUM(d.delta) OVER (PARTITION BY d.a ORDER BY d.o ROWS UNBOUNDED PRECEDING),
    LEAD(d.o) OVER (PARTITION BY d.a ORDER BY d.o)
  FROM (
    SELECT i.a, i.o, i.w - COALESCE(LAG(i.w) OVER (PARTITION BY i.a, i.flag ORDER BY i.o), 0) AS delta
    FROM apr_tmp_in i
  ) d;

  -- 4. Seconds per hour, agent and state. code: 0 Offline, 1 Idle, 2 Talk, 3 Hold,
  -- 4 Wrap Up, 5 not available (na: which not-available-on event set the reason).
  CREATE TEMPORARY TABLE apr_tmp_pieces (
    hour_idx INT NOT NULL,
    a        INT NOT NULL,
    code     TINYINT NOT NULL,
    na       BIGINT NOT NULL,
    secs     BIGINT NOT NULL,
    PRIMARY KEY (hour_idx, a, code, na)
  ) ENGINE=MEMORY;
  -- (summed by upsert into the key: plain integer sums, cheaper here than GROUP BY's)
  INSERT INTO apr_tmp_pieces (hour_idx, a, code, na, secs)
  SELECT p.hour_idx, p.a, p.code, p.na, p.secs
  FROM (
    SELECT s.a,
      (s.st DIV 16) MOD 4096 AS hour_idx,
      -- SPEC §3 precedence: Hold > Talk > Wrap Up > Idle > not-available reason > Offline.
      CASE WHEN s.st & 4 THEN 3 WHEN s.st & 2 THEN 2 WHEN s.st & 8 THEN 4 WHEN s.st & 1 THEN 1
           WHEN s.st >= 65536 THEN 5 ELSE 0 END AS code,
      CASE WHEN s.st & 15 THEN 0 ELSE s.st DIV 65536 END AS na,
      -- a state holds from its second until the next row's second, the last one until the
      -- span's counted end (the horizon, at most)
      COALESCE(s.nxt DIV 65540, v_end) - s.o DIV 65540 AS secs
    FROM apr_tmp_state s
    -- SPEC §3: within one second only each flag's final value counts
    WHERE s.nxt IS NULL OR s.nxt DIV 65540 > s.o DIV 65540
  ) p
  WHERE p.secs > 0
  ON DUPLICATE KEY UPDATE apr_tmp_pieces.secs = apr_tmp_pieces.secs + VALUES(secs);

  -- The reason of each not-available stretch (the state of the event that set it), and
  -- each distinct reason categorised once (fn_break_category: break_reason_map, else
  -- Other NPT) into cat: 1 Login .. 12 Short Break as in agent_activity's columns, 0 Other
  -- NPT (and any category without a column of its own, so conservation holds whatever
  -- break_categories holds). Reasons are kept as bytes: the upstream tells 'Outbound'
  -- and 'Outbound ' apart in its per-reason stats.
  CREATE TEMPORARY TABLE apr_tmp_na_reason (
    a      INT NOT NULL,
    na     BIGINT NOT NULL,
    reason VARBINARY(1020) NOT NULL,
    rid    INT NOT NULL DEFAULT 0,
    cat    TINYINT NOT NULL DEFAULT 0,
    PRIMARY KEY (a, na)
  ) ENGINE=MEMORY;
  INSERT INTO apr_tmp_na_reason (a, na, reason)
  SELECT x.a, x.na, CAST(COALESCE(e.state, '') AS BINARY)
  FROM (SELECT DISTINCT a, na FROM apr_tmp_pieces WHERE code = 5) x
  JOIN apr_tmp_agents g ON g.id = x.a
  LEFT JOIN apr_tmp_carried c ON x.na = 1 AND c.ext = g.ext AND c.flag = 5
  -- (ix_agent_events_flag holds the state: no read of the table's rows)
  JOIN agent_events e FORCE INDEX (ix_agent_events_flag)
    ON e.ext = g.ext AND e.event = 'agent_not_avail_state'
    AND e.ts = CASE WHEN x.na = 1 THEN c.ts ELSE p_from + (x.na - 2) DIV 65536 END
    AND e.seq = CASE WHEN x.na = 1 THEN c.seq ELSE (x.na - 2) MOD 65536 END;
  CREATE TEMPORARY TABLE apr_tmp_reasons (
    rid    INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    reason VARBINARY(1020) NOT NULL,
    cat    TINYINT NOT NULL,
    UNIQUE KEY ux_reason (reason)
  ) ENGINE=MEMORY;
  INSERT INTO apr_tmp_reasons (reason, cat)
  SELECT x.reason,
    FIELD(fn_break_category(CONVERT(x.reason USING utf8mb4)) COLLATE utf8mb4_bin, 'Login', 'Logoff', 'DND', 'Meeting', 'Training',
          'Chat', 'Tickets', 'Outbound', 'Lunch', 'Tea/Coffee', 'Bio', 'Short Break')
  FROM (SELECT DISTINCT reason FROM apr_tmp_na_reason) x;
  UPDATE apr_tmp_na_reason n JOIN apr_tmp_reasons r ON r.reason = n.reason SET n.rid = r.rid, n.cat = r.cat;

  -- One row per hour and agent, in agent_activity's columns.
  CREATE TEMPORARY TABLE apr_tmp_activity (
    hour_idx INT NOT NULL,
    a        INT NOT NULL,
    idle_s INT NOT NULL, talk_s INT NOT NULL, hold_s INT NOT NULL, wrap_s INT NOT NULL,
    login_s INT NOT NULL, logoff_s INT NOT NULL, dnd_s INT NOT NULL,
    meeting_s INT NOT NULL, training_s INT NOT NULL, chat_s INT NOT NULL, tickets_s INT NOT NULL, outbound_s INT NOT NULL,
    lunch_s INT NOT NULL, tea_s INT NOT NULL, bio_s INT NOT NULL, short_break_s INT NOT NULL, other_npt_s INT NOT NULL,
    offline_s INT NOT NULL,
    active_s  INT NOT NULL,
    PRIMARY KEY (hour_idx, a)
  ) ENGINE=MEMORY;
  INSERT INTO apr_tmp_activity
  SELECT p.hour_idx, p.a,
    IF(p.code = 1, p.secs, 0), IF(p.code = 2, p.secs, 0), IF(p.code = 3, p.secs, 0), IF(p.code = 4, p.secs, 0),
    IF(n.cat = 1, p.secs, 0), IF(n.cat = 2, p.secs, 0), IF(n.cat = 3, p.secs, 0), IF(n.cat = 4, p.secs, 0),
    IF(n.cat = 5, p.secs, 0), IF(n.cat = 6, p.secs, 0), IF(n.cat = 7, p.secs, 0), IF(n.cat = 8, p.secs, 0),
    IF(n.cat = 9, p.secs, 0), IF(n.cat = 10, p.secs, 0), IF(n.cat = 11, p.secs, 0), IF(n.cat = 12, p.secs, 0),
    IF(p.code = 5 AND COALESCE(n.cat, 0) = 0, p.secs, 0),
    IF(p.code = 0, p.secs, 0),
    IF(p.code <> 0, p.secs, 0)
  FROM apr_tmp_pieces p
  LEFT JOIN apr_tmp_na_reason n ON p.code = 5 AND n.a = p.a AND n.na = p.na
  ON DUPLICATE KEY UPDATE
    idle_s = idle_s + VALUES(idle_s), talk_s = talk_s + VALUES(talk_s), hold_s = hold_s + VALUES(hold_s),
    wrap_s = wrap_s + VALUES(wrap_s), login_s = login_s + VALUES(login_s), logoff_s = logoff_s + VALUES(logoff_s),
    dnd_s = dnd_s + VALUES(dnd_s), meeting_s = meeting_s + VALUES(meeting_s), training_s = training_s + VALUES(training_s),
    chat_s = chat_s + VALUES(chat_s), tickets_s = tickets_s + VALUES(tickets_s), outbound_s = outbound_s + VALUES(outbound_s),
    lunch_s = lunch_s + VALUES(lunch_s), tea_s = tea_s + VALUES(tea_s), bio_s = bio_s + VALUES(bio_s),
    short_break_s = short_break_s + VALUES(short_break_s), other_npt_s = other_npt_s + VALUES(other_npt_s),
    offline_s = offline_s + VALUES(offline_s), active_s = active_s + VALUES(active_s);

  -- The rows to store. A row per agent and hour with a non-Offline second, or with
  -- offered calls (SPEC §5); the calls come from users_calls for the same hour.
  CREATE TEMPORARY TABLE apr_tmp_out (
    hour_start BIGINT NOT NULL,
    ext VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    hour_end BIGINT NOT NULL, local_start DATETIME NOT NULL, local_end DATETIME NOT NULL, counted_s INT NOT NULL,
    idle_s INT NOT NULL DEFAULT 0, talk_s INT NOT NULL DEFAULT 0, hold_s INT NOT NULL DEFAULT 0, wrap_s INT NOT NULL DEFAULT 0,
    login_s INT NOT NULL DEFAULT 0, logoff_s INT NOT NULL DEFAULT 0, dnd_s INT NOT NULL DEFAULT 0,
    meeting_s INT NOT NULL DEFAULT 0, training_s INT NOT NULL DEFAULT 0, chat_s INT NOT NULL DEFAULT 0,
    tickets_s INT NOT NULL DEFAULT 0, outbound_s INT NOT NULL DEFAULT 0, lunch_s INT NOT NULL DEFAULT 0,
    tea_s INT NOT NULL DEFAULT 0, bio_s INT NOT NULL DEFAULT 0, short_break_s INT NOT NULL DEFAULT 0,
    other_npt_s INT NOT NULL DEFAULT 0, offline_s INT NOT NULL DEFAULT 0,
    total_calls BIGINT NOT NULL, answered_calls BIGINT NOT NULL,
    PRIMARY KEY (hour_start, ext)
  ) ENGINE=MEMORY;
  INSERT INTO apr_tmp_out (hour_start, ext, hour_end, local_start, local_end, counted_s,
    idle_s, talk_s, hold_s, wrap_s, login_s, logoff_s, dnd_s, meeting_s, training_s, chat_s, tickets_s,
    outbound_s, lunch_s, tea_s, bio_s, short_break_s, other_npt_s, offline_s, total_calls, answered_calls)
  SELECT h.hour_start, g.ext, h.hour_end, h.local_start, h.local_end, h.counted_s,
    t.idle_s, t.talk_s, t.hold_s, t.wrap_s, t.login_s, t.logoff_s, t.dnd_s, t.meeting_s, t.training_s, t.chat_s,
    t.tickets_s, t.outbound_s, t.lunch_s, t.tea_s, t.bio_s, t.short_break_s, t.other_npt_s, t.offline_s,
    COALESCE(c.total_calls, 0), COALESCE(c.answered_calls, 0)
  FROM apr_tmp_activity t
  JOIN apr_tmp_hours h ON h.hour_idx = t.hour_idx
  JOIN apr_tmp_agents g ON g.id = t.a
  LEFT JOIN users_calls c ON c.hour_start = h.hour_start AND c.ext = g.ext
  WHERE t.active_s > 0 OR c.total_calls > 0;
  -- Offered calls from an agent Offline all hour, or never seen in the events.
  INSERT IGNORE INTO apr_tmp_out (hour_start, ext, hour_end, local_start, local_end, counted_s, offline_s,
    total_calls, answered_calls)
  SELECT c.hour_start, c.ext, h.hour_end, h.local_start, h.local_end, h.counted_s, h.counted_s,
    c.total_calls, c.answered_calls
  FROM apr_tmp_hours h
  JOIN users_calls c ON c.hour_start = h.hour_start AND c.ext >= v_lo AND c.ext < v_hi
  WHERE c.total_calls > 0;
  CREATE TEMPORARY TABLE apr_tmp_out_reasons (
    hour_idx INT NOT NULL,
    a        INT NOT NULL,
    rid      INT NOT NULL,
    reason_s INT NOT NULL,
    PRIMARY KEY (hour_idx, a, rid)
  ) ENGINE=MEMORY;
  INSERT INTO apr_tmp_out_reasons (hour_idx, a, rid, reason_s)
  SELECT p.hour_idx, p.a, r.rid, SUM(p.secs)
  FROM apr_tmp_pieces p
  JOIN apr_tmp_na_reason r ON r.a = p.a AND r.na = p.na
  WHERE p.code = 5
  GROUP BY p.hour_idx, p.a, r.rid
  ORDER BY NULL;

  CREATE TEMPORARY TABLE apr_tmp_out_reasons_keyed (
    hour_start BIGINT NOT NULL,
    ext VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    reason VARBINARY(1020) NOT NULL,
    PRIMARY KEY (hour_start, ext, reason)
  ) ENGINE=MEMORY;
  INSERT INTO apr_tmp_out_reasons_keyed (hour_start, ext, reason)
  SELECT h.hour_start, g.ext, r.reason
  FROM apr_tmp_out_reasons o
  JOIN apr_tmp_hours h ON h.hour_idx = o.hour_idx
  JOIN apr_tmp_agents g ON g.id = o.a
  JOIN apr_tmp_reasons r ON r.rid = o.rid;
  CREATE TEMPORARY TABLE apr_tmp_checkpoints (
    at_ts  BIGINT NOT NULL,
    ext    VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    flags  TINYINT NOT NULL,
    na_ts  BIGINT NULL,
    na_seq INT NULL,
    PRIMARY KEY (at_ts, ext)
  ) ENGINE=MEMORY;
  INSERT INTO apr_tmp_checkpoints (at_ts, ext, flags, na_ts, na_seq)
  SELECT s.o DIV 65540, g.ext, s.st & 15,
    CASE WHEN s.st < 65536 THEN NULL WHEN s.st DIV 65536 = 1 THEN c.ts ELSE p_from + (s.st DIV 65536 - 2) DIV 65536 END,
    CASE WHEN s.st < 65536 THEN NULL WHEN s.st DIV 65536 = 1 THEN c.seq ELSE (s.st DIV 65536 - 2) MOD 65536 END
  FROM apr_tmp_state s
  JOIN apr_tmp_agents g ON g.id = s.a
  LEFT JOIN apr_tmp_carried c ON c.ext = g.ext AND c.flag = 5
  WHERE s.o MOD 65540 = 1 AND (s.st & 15 <> 0 OR s.st >= 65536);

  -- Replace the hours' rows of these agents: drop the rows no longer produced, upsert the
  -- others (a row that comes out the same is not written again).
  START TRANSACTION;
  DELETE t FROM agent_activity t
  LEFT JOIN apr_tmp_out o ON o.hour_start = t.hour_start AND o.ext = t.ext
  WHERE t.hour_start >= p_from AND t.hour_start < p_to AND t.ext >= v_lo AND t.ext < v_hi AND o.ext IS NULL;
  INSERT INTO agent_activity (hour_start, ext, hour_end, local_start, local_end, counted_s,
    idle_s, talk_s, hold_s, wrap_s, login_s, logoff_s, dnd_s, meeting_s, training_s, chat_s, tickets_s,
    outbound_s, lunch_s, tea_s, bio_s, short_break_s, other_npt_s, offline_s, total_calls, answered_calls)
  SELECT hour_start, ext, hour_end, local_start, local_end, counted_s,
    idle_s, talk_s, hold_s, wrap_s, login_s, logoff_s, dnd_s, meeting_s, training_s, chat_s, tickets_s,
    outbound_s, lunch_s, tea_s, bio_s, short_break_s, other_npt_s, offline_s, total_calls, answered_calls
  FROM apr_tmp_out
  ON DUPLICATE KEY UPDATE hour_end = VALUES(hour_end), local_start = VALUES(local_start), local_end = VALUES(local_end),
    counted_s = VALUES(counted_s), idle_s = VALUES(idle_s), talk_s = VALUES(talk_s), hold_s = VALUES(hold_s),
    wrap_s = VALUES(wrap_s), login_s = VALUES(login_s), logoff_s = VALUES(logoff_s), dnd_s = VALUES(dnd_s),
    meeting_s = VALUES(meeting_s), training_s = VALUES(training_s), chat_s = VALUES(chat_s),
    tickets_s = VALUES(tickets_s), outbound_s = VALUES(outbound_s), lunch_s = VALUES(lunch_s), tea_s = VALUES(tea_s),
    bio_s = VALUES(bio_s), short_break_s = VALUES(short_break_s), other_npt_s = VALUES(other_npt_s),
    offline_s = VALUES(offline_s), total_calls = VALUES(total_calls), answered_calls = VALUES(answered_calls);
  DELETE t FROM agent_reason_activity t
  LEFT JOIN apr_tmp_out_reasons_keyed o ON o.hour_start = t.hour_start AND o.ext = t.ext AND o.reason = t.reason
  WHERE t.hour_start >= p_from AND t.hour_start < p_to AND t.ext >= v_lo AND t.ext < v_hi AND o.ext IS NULL;
  INSERT INTO agent_reason_activity (hour_start, ext, reason, reason_s)
  SELECT h.hour_start, g.ext, r.reason, o.reason_s
  FROM apr_tmp_out_reasons o
  JOIN apr_tmp_hours h ON h.hour_idx = o.hour_idx
  JOIN apr_tmp_agents g ON g.id = o.a
  JOIN apr_tmp_reasons r ON r.rid = o.rid
  ON DUPLICATE KEY UPDATE reason_s = VALUES(reason_s);
  -- 5. The state carried into each hour start of the span (the marker rows), for agents
  -- with something on. The checkpoints after the span rest on the state at its end: when
  -- that comes out as before, they stand; otherwise they go, with their marks.
  DELETE FROM agent_state_marks WHERE at_ts > p_from AND at_ts < v_end;
  -- (one temporary table per statement: MySQL cannot open one twice in a statement)
  SET v_same = v_end = v_to AND EXISTS (
    SELECT 1 FROM agent_state_marks m
    WHERE m.at_ts = v_end
      AND m.last_event_ts <=> (SELECT e.ts FROM agent_events e WHERE e.ts < v_end ORDER BY e.ts DESC LIMIT 1));
  IF v_same THEN
    SET v_same = NOT EXISTS (
      SELECT 1 FROM apr_tmp_checkpoints n
      LEFT JOIN agent_state_checkpoints k ON k.at_ts = n.at_ts AND k.ext = n.ext AND k.flags = n.flags
        AND k.na_ts <=> n.na_ts AND k.na_seq <=> n.na_seq
      WHERE n.at_ts = v_end AND k.ext IS NULL);
  END IF;
  IF v_same THEN
    SET v_same = NOT EXISTS (
      SELECT 1 FROM agent_state_checkpoints k
      LEFT JOIN apr_tmp_checkpoints n ON n.at_ts = k.at_ts AND n.ext = k.ext
      WHERE k.at_ts = v_end AND k.ext >= v_lo AND k.ext < v_hi AND n.ext IS NULL);
  END IF;
  IF NOT v_same THEN
    DELETE FROM agent_state_marks WHERE at_ts >= v_end;
    DELETE FROM agent_state_checkpoints WHERE at_ts > v_end AND ext >= v_lo AND ext < v_hi;
  END IF;
  DELETE t FROM agent_state_checkpoints t
  LEFT JOIN apr_tmp_checkpoints n ON n.at_ts = t.at_ts AND n.ext = t.ext
  WHERE t.at_ts >= p_from AND t.at_ts <= v_end AND t.ext >= v_lo AND t.ext < v_hi AND n.ext IS NULL;
  INSERT INTO agent_state_checkpoints (at_ts, ext, flags, na_ts, na_seq)
  SELECT at_ts, ext, flags, na_ts, na_seq FROM apr_tmp_checkpoints
  ON DUPLICATE KEY UPDATE flags = VALUES(flags), na_ts = VALUES(na_ts), na_seq = VALUES(na_seq);
  -- With all agents here, the checkpoints of these instants are complete.
  IF v_all AND v_end > p_from THEN
    CALL sp_checkpoint_marks(p_from, IF(v_end = v_to, v_end, v_end - 1));
  END IF;
  COMMIT;

  DROP TEMPORARY TABLE IF EXISTS apr_tmp_hours, apr_tmp_last, apr_tmp_carried, apr_tmp_agents,
    apr_tmp_in, apr_tmp_state, apr_tmp_pieces, apr_tmp_na_reason, apr_tmp_reasons, apr_tmp_activity,
    apr_tmp_out, apr_tmp_out_reasons, apr_tmp_out_reasons_keyed, apr_tmp_checkpoints;
  SET SESSION sort_buffer_size = v_sort, SESSION tmp_table_size = v_tmp, SESSION max_heap_table_size = v_heap,
      SESSION group_concat_max_len = v_concat;
  DO RELEASE_LOCK(v_lock);
END
