-- Stage of sp_agent_breaks and sp_agent_live (rules §10): apr_tmp_now_runs, every agent's
-- runs of one state in [p_from, p_to), a part of ONE stretch of loaded time. A run is a
-- longest run of seconds with one state and, for a not-available state, one normalised
-- reason (rules §10's break, and the live state's "since"). The rules are the counted
-- seconds' (rules §3): five flags, each flag's last event of a second in feed order, the
-- precedence Hold > Talk > Wrap Up > Idle > reason category > Offline.
--   p_stretch_from  the start of the stretch; when it is before p_from the state at p_from
--                   is carried in (_private_span_carried_state: checkpoints, no look-back
--                   limit; for scoped agents _private_now_carried_scoped), and a run that holds that state from before p_from is marked
--                   carried_in (it began before p_from)
--   p_scoped        only the extensions in apr_tmp_now_scope
--   p_from NULL     (scoped) each agent from its own start, apr_tmp_now_scope.a_from: a
--                   checkpoint that holds, the state carried in there
--   p_last          only each agent's last run, the one that reaches p_to (the live
--                   state reads no other)
-- Agents with no flag on at p_from and no event in the part are Offline throughout and
-- have no runs.
--   apr_tmp_now_ev      the state carried in (rows before every event: o = flag, at
--                       p_from - 1) and the events (o = (ts - p_from + 1) * 65536 + seq);
--                       val: 1 on / 0 off, for not-available its event's position
--                       ts * 65536 + seq when on
--   apr_tmp_now_pieces  the state after each second's last event until the next second
--                       with events (change per flag by LAG, running SUM per agent)
--   apr_tmp_now_na, apr_tmp_now_reasons  each not-available event's reason, its
--                       normalised form and category, computed once per distinct reason
DROP PROCEDURE IF EXISTS _private_now_segments;
CREATE PROCEDURE _private_now_segments(IN p_from BIGINT, IN p_to BIGINT, IN p_stretch_from BIGINT, IN p_scoped BOOLEAN,
                                       IN p_last BOOLEAN)
  MODIFIES SQL DATA
  COMMENT 'internal stage of sp_agent_breaks and sp_agent_live: runs of one state per agent'
BEGIN
  DECLARE v_each BOOLEAN DEFAULT p_from IS NULL;
  DECLARE v_carry BOOLEAN;
  DECLARE v_f DOUBLE;
  DECLARE v_x DOUBLE;
  DECLARE v_way VARCHAR(8);
  DECLARE v_done BIGINT DEFAULT 0;
  DECLARE v_last BIGINT;
  DECLARE v_exts MEDIUMTEXT;

  DROP TEMPORARY TABLE IF EXISTS apr_tmp_now_ids, apr_tmp_now_ev, apr_tmp_now_pieces, apr_tmp_now_na, apr_tmp_now_reasons, apr_tmp_now_runs,
    apr_tmp_now_last, apr_tmp_now_tail;
  -- the agents looked at, numbered: the window stages sort and partition by a number,
  -- not by a 32-character extension
  CREATE TEMPORARY TABLE apr_tmp_now_ids (
    a      INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    ext    VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    a_from BIGINT NOT NULL,   -- where the agent's piece starts: p_from, or its own start
    UNIQUE KEY (ext)
  ) ENGINE=MEMORY;
  -- (no key: it is only sorted, and a key cost about as much as the row)
  CREATE TEMPORARY TABLE apr_tmp_now_ev (
    a    INT     NOT NULL,
    o    BIGINT  NOT NULL,
    ts   BIGINT  NOT NULL,
    flag TINYINT NOT NULL,   -- 1 idle, 2 on call, 3 hold, 4 wrap-up, 5 not available
    val  BIGINT  NOT NULL
  ) ENGINE=MEMORY;
  CREATE TEMPORARY TABLE apr_tmp_now_pieces (
    a        INT     NOT NULL,
    seg_from BIGINT  NOT NULL,
    seg_to   BIGINT  NOT NULL,
    code     TINYINT NOT NULL,   -- 0 Offline, 1 Idle, 2 Talk, 3 Hold, 4 Wrap Up, 5 not available
    na_pos   BIGINT  NULL,       -- code 5: the not-available event in force
    carried  BOOLEAN NOT NULL    -- the state held before p_from
  ) ENGINE=MEMORY;
  CREATE TEMPORARY TABLE apr_tmp_now_na (
    a       INT    NOT NULL,
    na_pos  BIGINT NOT NULL,
    reason  VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    norm_id INT NULL,
    PRIMARY KEY (a, na_pos)
  ) ENGINE=MEMORY;
  CREATE TEMPORARY TABLE apr_tmp_now_reasons (
    reason   VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
    norm     VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    category VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    norm_id  INT NOT NULL
  ) ENGINE=MEMORY;
  -- (numbers only: a MEMORY table stores every row at its full declared width; the reason
  -- and category of a run are in apr_tmp_now_na and apr_tmp_now_reasons, by ext and na_pos)
  CREATE TEMPORARY TABLE apr_tmp_now_runs (
    a          INT     NOT NULL,
    ext        VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    r_from     BIGINT  NOT NULL,
    r_to       BIGINT  NOT NULL,
    code       TINYINT NOT NULL,
    na_pos     BIGINT  NULL,     -- code 5: the not-available event in force when the run began
    carried_in BOOLEAN NOT NULL,
    -- (the callers look an agent's runs up; an ordered key on the extension cost a third
    -- of this stage)
    KEY (ext)
  ) ENGINE=MEMORY;
  -- (p_last) each agent's last piece's state, then where its last run starts: the end of
  -- its latest piece in another state (d), else its first piece (first_k: seg_from * 2,
  -- plus 1 unless carried in, the runs' order)
  CREATE TEMPORARY TABLE apr_tmp_now_last (a INT NOT NULL PRIMARY KEY, st BIGINT NOT NULL) ENGINE=MEMORY;
  CREATE TEMPORARY TABLE apr_tmp_now_tail (a INT NOT NULL PRIMARY KEY, d BIGINT NULL, first_k BIGINT NOT NULL) ENGINE=MEMORY;

  -- (each agent from its own start: the earliest of them is the piece's start, for the
  -- events' order numbers and the partitions read)
  IF v_each THEN
    SET p_from = (SELECT MIN(a_from) FROM apr_tmp_now_scope);
  END IF;
  SET v_carry = p_stretch_from IS NOT NULL AND p_stretch_from < p_from;
  IF p_to > p_from THEN
    IF p_scoped THEN
      INSERT INTO apr_tmp_now_ids (ext, a_from) SELECT ext, COALESCE(a_from, p_from) FROM apr_tmp_now_scope;
    ELSE
      INSERT INTO apr_tmp_now_ids (ext, a_from) SELECT ext, p_from FROM agents;
    END IF;
    IF v_carry AND p_scoped THEN
      CALL _private_now_carried_scoped(IF(v_each, NULL, p_from), p_stretch_from);
    ELSEIF v_carry THEN
      CALL _private_span_carried_state(p_from, p_to, p_stretch_from, '', CHAR(0xF48FBFBF USING utf8mb4));
      INSERT INTO apr_tmp_now_ev (a, o, ts, flag, val)
      SELECT i.a, c.flag, p_from - 1, c.flag, CASE WHEN c.flag = 5 THEN c.ts * 65536 + c.seq ELSE 1 END
      FROM apr_tmp_carried c
      JOIN apr_tmp_now_ids i ON i.ext = c.ext;
    END IF;
    -- The events, read the cheapest of three ways, by the share f of the agents looked at
    -- and the piece's length x in days (costs in a day's events of all agents, measured:
    -- looking an event's agent up costs about twice as much as reading the event, an
    -- index dive per agent and type about a tenth of the agent's day):
    --   by time, 3x: one range of ix_agent_events_ts, which holds every column read here
    --     (ts, event, enabled, and the key's ext and seq), each event's agent looked up
    --     after (STRAIGHT_JOIN) (the horizon's hour of all agents);
    --   by agent, f * days: per agent and event type, ix_agent_events_flag within the
    --     pruned days, no look-up per event (a whole day; a long piece followed back; each
    --     agent from its own start, where a list of ranges from each start measured slower);
    --   by a list, f * (3x + days / 10): the agents as a literal list, a few hundred at a
    --     time, so each agent and type is one short range of ix_agent_events_flag (a few
    --     hours followed back, for the agents still followed).
    SET v_f = (SELECT COUNT(*) FROM apr_tmp_now_ids) / GREATEST((SELECT COUNT(*) FROM agents), 1),
        v_x = (p_to - p_from) / 86400;
    SET v_way = CASE WHEN v_each THEN 'agent'
                     WHEN 3 * v_x <= v_f * CEIL(v_x) AND 3 * v_x <= v_f * (3 * v_x + CEIL(v_x) / 10) THEN 'time'
                     WHEN CEIL(v_x) <= 3 * v_x + CEIL(v_x) / 10 THEN 'agent'
                     ELSE 'list' END;
    IF v_way = 'time' THEN
      INSERT INTO apr_tmp_now_ev (a, o, ts, flag, val)
      SELECT i.a, (e.ts - p_from + 1) * 65536 + e.seq, e.ts,
        CASE e.event WHEN 'agent_idle' THEN 1 WHEN 'agent_on_call' THEN 2 WHEN 'agent_hold' THEN 3 WHEN 'agent_wrap_up' THEN 4 ELSE 5 END,
        CASE WHEN e.enabled = 0 THEN 0 WHEN e.event = 'agent_not_avail_state' THEN e.ts * 65536 + e.seq ELSE 1 END
      FROM agent_events e FORCE INDEX (ix_agent_events_ts)
      STRAIGHT_JOIN apr_tmp_now_ids i ON i.ext = e.ext
      WHERE e.ts >= p_from AND e.ts < p_to
        AND e.event IN ('agent_idle', 'agent_on_call', 'agent_hold', 'agent_wrap_up', 'agent_not_avail_state');
    ELSEIF v_way = 'agent' THEN
      INSERT INTO apr_tmp_now_ev (a, o, ts, flag, val)
      SELECT i.a, (e.ts - p_from + 1) * 65536 + e.seq, e.ts, t.flag,
        CASE WHEN e.enabled = 0 THEN 0 WHEN t.flag = 5 THEN e.ts * 65536 + e.seq ELSE 1 END
      FROM apr_tmp_now_ids i
      JOIN (SELECT 1 AS flag, _utf8mb4'agent_idle' COLLATE utf8mb4_bin AS event UNION ALL SELECT 2, 'agent_on_call' UNION ALL SELECT 3, 'agent_hold'
            UNION ALL SELECT 4, 'agent_wrap_up' UNION ALL SELECT 5, 'agent_not_avail_state') t
      JOIN agent_events e FORCE INDEX (ix_agent_events_flag) ON e.ext = i.ext AND e.event = t.event AND e.ts >= p_from AND e.ts < p_to
        AND e.ts >= i.a_from;
    ELSE
      -- (by ranges of the numbers: a server may number in steps other than 1)
      SET v_last = (SELECT MAX(a) FROM apr_tmp_now_ids);
      WHILE v_done < v_last DO
        SET v_exts = (SELECT GROUP_CONCAT(QUOTE(ext)) FROM apr_tmp_now_ids WHERE a > v_done AND a <= v_done + 500);
        IF v_exts IS NOT NULL THEN
          SET @apr_sql = CONCAT(
            'INSERT INTO apr_tmp_now_ev (a, o, ts, flag, val)',
            ' SELECT i.a, (e.ts - ', p_from, ' + 1) * 65536 + e.seq, e.ts,',
            '  CASE e.event WHEN ''agent_idle'' THEN 1 WHEN ''agent_on_call'' THEN 2 WHEN ''agent_hold'' THEN 3',
            '               WHEN ''agent_wrap_up'' THEN 4 ELSE 5 END,',
            '  CASE WHEN e.enabled = 0 THEN 0 WHEN e.event = ''agent_not_avail_state'' THEN e.ts * 65536 + e.seq ELSE 1 END',
            ' FROM agent_events e FORCE INDEX (ix_agent_events_flag)',
            ' STRAIGHT_JOIN apr_tmp_now_ids i ON i.ext = e.ext',
            ' WHERE e.ext IN (', v_exts, ')',
            '  AND e.event IN (''agent_idle'', ''agent_on_call'', ''agent_hold'', ''agent_wrap_up'', ''agent_not_avail_state'')',
            '  AND e.ts >= ', p_from, ' AND e.ts < ', p_to);
          PREPARE apr_stmt FROM @apr_sql;
          EXECUTE apr_stmt;
          DEALLOCATE PREPARE apr_stmt;
        END IF;
        SET v_done = v_done + 500;
      END WHILE;
      SET @apr_sql = NULL;
    END IF;

    -- the state after a second's last row holds until the next second with rows (rules §3:
    -- within a second only each flag's final value counts); the rows carried in (o below
    -- 65536, at the agent's start less a second) end at that start
    -- One running sum carries every flag: idle 1, on call 2, hold 4, wrap-up 8 (each 0 or
    -- 1 after its latest row) and the not-available position times 16.
    INSERT INTO apr_tmp_now_pieces (a, seg_from, seg_to, code, na_pos, carried)
    SELECT f.a, f.ts + f.carried, COALESCE(f.next_ts, p_to),
      -- rules §3 precedence
      CASE WHEN f.s & 4 THEN 3 WHEN f.s & 2 THEN 2 WHEN f.s & 8 THEN 4 WHEN f.s & 1 THEN 1
           WHEN f.s >= 16 THEN 5 ELSE 0 END,
      CASE WHEN f.s & 15 = 0 AND f.s >= 16 THEN f.s DIV 16 END,
      f.carried
    FROM (
      SELECT d.a, d.ts, d.o < 65536 AS carried,
        CAST(SUM(d.d) OVER (PARTITION BY d.a ORDER BY d.o ROWS UNBOUNDED PRECEDING) AS SIGNED) AS s,
        LEAD(d.ts) OVER (PARTITION BY d.a ORDER BY d.o) AS next_ts
      FROM (
        SELECT ev.a, ev.o, ev.ts,
          (ev.val - COALESCE(LAG(ev.val) OVER (PARTITION BY ev.a, ev.flag ORDER BY ev.o), 0))
            * CASE ev.flag WHEN 1 THEN 1 WHEN 2 THEN 2 WHEN 3 THEN 4 WHEN 4 THEN 8 ELSE 16 END AS d
        FROM apr_tmp_now_ev ev
      ) d
    ) f
    WHERE f.next_ts IS NULL OR f.next_ts > f.ts;
    -- agents with nothing carried in were Offline from p_from to their first event (none
    -- when that event is at p_from itself: an empty piece would start a second run there)
    INSERT INTO apr_tmp_now_pieces (a, seg_from, seg_to, code, na_pos, carried)
    SELECT ev.a, p_from, MIN(ev.ts), 0, NULL, v_carry
    FROM apr_tmp_now_ev ev
    GROUP BY ev.a
    HAVING MIN(ev.o) >= 65536 AND MIN(ev.ts) > p_from;

    -- (one entry of ix_agent_events_flag, which holds the reason, rather than a row of
    -- the table: the index is the one just read, the table's pages are not in memory)
    INSERT INTO apr_tmp_now_na (a, na_pos, reason)
    SELECT p.a, p.na_pos, COALESCE(e.state, '')
    FROM (SELECT DISTINCT a, na_pos FROM apr_tmp_now_pieces WHERE code = 5) p
    STRAIGHT_JOIN apr_tmp_now_ids i ON i.a = p.a
    STRAIGHT_JOIN agent_events e FORCE INDEX (ix_agent_events_flag)
      ON e.ext = i.ext AND e.event = 'agent_not_avail_state' AND e.ts = p.na_pos DIV 65536 AND e.seq = p.na_pos MOD 65536;
    INSERT INTO apr_tmp_now_reasons (reason, norm, category, norm_id)
    SELECT x.reason, x.norm, x.category, DENSE_RANK() OVER (ORDER BY x.norm)
    FROM (SELECT r.reason, fn_normalize_reason(r.reason) AS norm, fn_break_category(r.reason) AS category
          FROM (SELECT DISTINCT reason FROM apr_tmp_now_na) r) x;
    UPDATE apr_tmp_now_na n JOIN apr_tmp_now_reasons r ON r.reason = n.reason SET n.norm_id = r.norm_id;

    -- runs: neighbours with the same state (and normalised reason) joined; the piece
    -- carried in (possibly 0 seconds long, when an event at p_from changes the state)
    -- comes first, so a run that continues it is marked as begun before p_from. An
    -- agent's pieces follow each other without a gap up to p_to, so a run ends where the
    -- next one starts.
    IF p_last THEN
      -- Only the last run: it starts where the latest piece in another state ends, or
      -- with the agent's first piece (st, the state and the normalised reason's number in
      -- one value, as below). Grouped by agent: two window passes over every piece cost
      -- three to five times as much.
      INSERT INTO apr_tmp_now_last (a, st)
      SELECT p.a, p.code * 4294967296 + COALESCE(n.norm_id, 0)
      FROM apr_tmp_now_pieces p
      LEFT JOIN apr_tmp_now_na n ON p.code = 5 AND n.a = p.a AND n.na_pos = p.na_pos
      WHERE p.seg_to = p_to;
      INSERT INTO apr_tmp_now_tail (a, d, first_k)
      SELECT p.a, MAX(CASE WHEN p.code * 4294967296 + COALESCE(n.norm_id, 0) <> l.st THEN p.seg_to END),
        MIN(p.seg_from * 2 + 1 - p.carried)
      FROM apr_tmp_now_pieces p
      JOIN apr_tmp_now_last l ON l.a = p.a
      LEFT JOIN apr_tmp_now_na n ON p.code = 5 AND n.a = p.a AND n.na_pos = p.na_pos
      GROUP BY p.a;
      INSERT INTO apr_tmp_now_runs (a, ext, r_from, r_to, code, na_pos, carried_in)
      SELECT p.a, i.ext, p.seg_from, p_to, p.code, p.na_pos, p.carried
      FROM apr_tmp_now_pieces p
      JOIN apr_tmp_now_tail t ON t.a = p.a
      JOIN apr_tmp_now_ids i ON i.a = p.a
      WHERE CASE WHEN t.d IS NULL THEN p.seg_from * 2 + 1 - p.carried = t.first_k
                 ELSE p.seg_from = t.d AND NOT p.carried END;
    ELSE
      -- (only the pieces that start a run go through the second window; only numbers go
      -- through the window stages: their rows are materialised at full width)
      INSERT INTO apr_tmp_now_runs (a, ext, r_from, r_to, code, na_pos, carried_in)
      SELECT x.a, i.ext, x.seg_from, x.r_to, x.code, x.na_pos, x.carried
      FROM (
        SELECT m.a, m.seg_from, m.code, m.na_pos, m.carried,
          COALESCE(LEAD(m.seg_from) OVER (PARTITION BY m.a ORDER BY m.seg_from, m.carried DESC), p_to) AS r_to
        FROM (
          SELECT k.*,
            CASE WHEN LAG(k.st) OVER (PARTITION BY k.a ORDER BY k.seg_from, k.carried DESC) = k.st THEN 0 ELSE 1 END AS starts
          FROM (
            -- the state and the normalised reason's number in one value
            SELECT p.a, p.seg_from, p.code, p.na_pos, p.carried, p.code * 4294967296 + COALESCE(n.norm_id, 0) AS st
            FROM apr_tmp_now_pieces p
            LEFT JOIN apr_tmp_now_na n ON p.code = 5 AND n.a = p.a AND n.na_pos = p.na_pos
          ) k
        ) m
        WHERE m.starts = 1
      ) x
      JOIN apr_tmp_now_ids i ON i.a = x.a;
    END IF;
  END IF;
END
