-- Stage of sp_agent_breaks and sp_agent_live (SPEC §9): apr_tmp_now_runs, every agent's
-- runs of one state in [p_from, p_to), a part of ONE stretch of loaded time. A run is a
-- longest run of seconds with one state and, for a not-available state, one normalised
-- reason (SPEC §9's break, and the live state's "since"). The rules are the counted
-- seconds' (SPEC §3): five flags, each flag's last event of a second in feed order, the
-- precedence Hold > Talk > Wrap Up > Idle > reason category > Offline.
--   p_stretch_from  the start of the stretch; when it is before p_from the state at p_from
--                   is carried in (_private_span_carried_state: checkpoints, no look-back
--                   limit), and a run that holds that state from before p_from is marked
--                   carried_in (it began before p_from)
--   p_scoped        only the extensions in apr_tmp_now_scope
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
CREATE PROCEDURE _private_now_segments(IN p_from BIGINT, IN p_to BIGINT, IN p_stretch_from BIGINT, IN p_scoped BOOLEAN)
  MODIFIES SQL DATA
  COMMENT 'internal stage of sp_agent_breaks and sp_agent_live: runs of one state per agent'
BEGIN
  DECLARE v_carry BOOLEAN DEFAULT p_stretch_from IS NOT NULL AND p_stretch_from < p_from;

  DROP TEMPORARY TABLE IF EXISTS apr_tmp_now_ev, apr_tmp_now_pieces, apr_tmp_now_na, apr_tmp_now_reasons, apr_tmp_now_runs;
  CREATE TEMPORARY TABLE apr_tmp_now_ev (
    ext  VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    o    BIGINT  NOT NULL,
    ts   BIGINT  NOT NULL,
    flag TINYINT NOT NULL,   -- 1 idle, 2 on call, 3 hold, 4 wrap-up, 5 not available
    val  BIGINT  NOT NULL,
    PRIMARY KEY (ext, o)
  ) ENGINE=MEMORY;
  CREATE TEMPORARY TABLE apr_tmp_now_pieces (
    ext      VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    seg_from BIGINT  NOT NULL,
    seg_to   BIGINT  NOT NULL,
    code     TINYINT NOT NULL,   -- 0 Offline, 1 Idle, 2 Talk, 3 Hold, 4 Wrap Up, 5 not available
    na_pos   BIGINT  NULL,       -- code 5: the not-available event in force
    carried  BOOLEAN NOT NULL,   -- the state held before p_from
    KEY (ext, seg_from)
  ) ENGINE=MEMORY;
  CREATE TEMPORARY TABLE apr_tmp_now_na (
    ext    VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    na_pos BIGINT NOT NULL,
    reason VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    PRIMARY KEY (ext, na_pos)
  ) ENGINE=MEMORY;
  CREATE TEMPORARY TABLE apr_tmp_now_reasons (
    reason   VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
    norm     VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    category VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL
  ) ENGINE=MEMORY;
  CREATE TEMPORARY TABLE apr_tmp_now_runs (
    ext        VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    r_from     BIGINT  NOT NULL,
    r_to       BIGINT  NOT NULL,
    code       TINYINT NOT NULL,
    na_pos     BIGINT  NULL,     -- code 5: the not-available event in force when the run began
    reason     VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,   -- its reason as sent ('' for none)
    norm       VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
    category   VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
    carried_in BOOLEAN NOT NULL,
    PRIMARY KEY USING BTREE (ext, r_from, carried_in)
  ) ENGINE=MEMORY;

  IF p_to > p_from THEN
    IF v_carry THEN
      CALL _private_span_carried_state(p_from, p_to, p_stretch_from, '', CHAR(0xF48FBFBF USING utf8mb4));
      INSERT INTO apr_tmp_now_ev (ext, o, ts, flag, val)
      SELECT c.ext, c.flag, p_from - 1, c.flag, CASE WHEN c.flag = 5 THEN c.ts * 65536 + c.seq ELSE 1 END
      FROM apr_tmp_carried c
      WHERE NOT p_scoped OR c.ext IN (SELECT s.ext FROM apr_tmp_now_scope s);
    END IF;
    INSERT INTO apr_tmp_now_ev (ext, o, ts, flag, val)
    SELECT e.ext, (e.ts - p_from + 1) * 65536 + e.seq, e.ts,
      CASE e.event WHEN 'agent_idle' THEN 1 WHEN 'agent_on_call' THEN 2 WHEN 'agent_hold' THEN 3
                   WHEN 'agent_wrap_up' THEN 4 ELSE 5 END,
      CASE WHEN e.enabled = 0 THEN 0 WHEN e.event = 'agent_not_avail_state' THEN e.ts * 65536 + e.seq ELSE 1 END
    FROM agent_events e
    WHERE e.ts >= p_from AND e.ts < p_to
      AND e.event IN ('agent_idle', 'agent_on_call', 'agent_hold', 'agent_wrap_up', 'agent_not_avail_state')
      AND (NOT p_scoped OR e.ext IN (SELECT s.ext FROM apr_tmp_now_scope s));

    -- the state after a second's last row holds until the next second with rows (SPEC §3:
    -- within a second only each flag's final value counts); the rows carried in end at p_from
    INSERT INTO apr_tmp_now_pieces (ext, seg_from, seg_to, code, na_pos, carried)
    SELECT f.ext, GREATEST(f.ts, p_from), COALESCE(f.next_ts, p_to),
      -- SPEC §3 precedence
      CASE WHEN f.f3 > 0 THEN 3 WHEN f.f2 > 0 THEN 2 WHEN f.f4 > 0 THEN 4 WHEN f.f1 > 0 THEN 1
           WHEN f.f5 > 0 THEN 5 ELSE 0 END,
      CASE WHEN f.f3 > 0 OR f.f2 > 0 OR f.f4 > 0 OR f.f1 > 0 OR f.f5 = 0 THEN NULL ELSE f.f5 END,
      f.ts < p_from
    FROM (
      SELECT d.ext, d.ts,
        CAST(SUM(CASE WHEN d.flag = 1 THEN d.d ELSE 0 END) OVER w AS SIGNED) AS f1,
        CAST(SUM(CASE WHEN d.flag = 2 THEN d.d ELSE 0 END) OVER w AS SIGNED) AS f2,
        CAST(SUM(CASE WHEN d.flag = 3 THEN d.d ELSE 0 END) OVER w AS SIGNED) AS f3,
        CAST(SUM(CASE WHEN d.flag = 4 THEN d.d ELSE 0 END) OVER w AS SIGNED) AS f4,
        CAST(SUM(CASE WHEN d.flag = 5 THEN d.d ELSE 0 END) OVER w AS SIGNED) AS f5,
        LEAD(d.ts) OVER (PARTITION BY d.ext ORDER BY d.o) AS next_ts
      FROM (
        SELECT ev.ext, ev.o, ev.ts, ev.flag,
          ev.val - COALESCE(LAG(ev.val) OVER (PARTITION BY ev.ext, ev.flag ORDER BY ev.o), 0) AS d
        FROM apr_tmp_now_ev ev
      ) d
      WINDOW w AS (PARTITION BY d.ext ORDER BY d.o ROWS UNBOUNDED PRECEDING)
    ) f
    WHERE f.next_ts IS NULL OR f.next_ts > f.ts;
    -- agents with nothing carried in were Offline from p_from to their first event
    INSERT INTO apr_tmp_now_pieces (ext, seg_from, seg_to, code, na_pos, carried)
    SELECT ev.ext, p_from, MIN(ev.ts), 0, NULL, v_carry
    FROM apr_tmp_now_ev ev
    GROUP BY ev.ext
    HAVING MIN(ev.o) >= 65536;

    INSERT INTO apr_tmp_now_na (ext, na_pos, reason)
    SELECT p.ext, p.na_pos, COALESCE(e.state, '')
    FROM (SELECT DISTINCT ext, na_pos FROM apr_tmp_now_pieces WHERE code = 5) p
    JOIN agent_events e ON e.ext = p.ext AND e.ts = p.na_pos DIV 65536 AND e.seq = p.na_pos MOD 65536;
    INSERT INTO apr_tmp_now_reasons (reason, norm, category)
    SELECT r.reason, fn_normalize_reason(r.reason), fn_break_category(r.reason)
    FROM (SELECT DISTINCT reason FROM apr_tmp_now_na) r;

    -- runs: neighbours with the same state (and normalised reason) joined; the piece
    -- carried in (possibly 0 seconds long, when an event at p_from changes the state)
    -- comes first, so a run that continues it is marked as begun before p_from
    INSERT INTO apr_tmp_now_runs (ext, r_from, r_to, code, na_pos, reason, norm, category, carried_in)
    SELECT g.ext, MIN(g.seg_from), MAX(g.seg_to), MIN(g.code),
      MAX(CASE WHEN g.starts = 1 THEN g.na_pos END), MAX(CASE WHEN g.starts = 1 THEN g.reason END),
      MAX(g.norm), MAX(g.category), MAX(g.carried)
    FROM (
      SELECT m.*, SUM(m.starts) OVER (PARTITION BY m.ext ORDER BY m.seg_from, m.carried DESC ROWS UNBOUNDED PRECEDING) AS grp
      FROM (
        SELECT k.*,
          CASE WHEN LAG(k.code) OVER o = k.code AND LAG(k.norm) OVER o <=> k.norm THEN 0 ELSE 1 END AS starts
        FROM (
          SELECT p.ext, p.seg_from, p.seg_to, p.code, p.na_pos, p.carried, n.reason, r.norm, r.category
          FROM apr_tmp_now_pieces p
          LEFT JOIN apr_tmp_now_na n ON p.code = 5 AND n.ext = p.ext AND n.na_pos = p.na_pos
          LEFT JOIN apr_tmp_now_reasons r ON r.reason = n.reason
        ) k
        WINDOW o AS (PARTITION BY k.ext ORDER BY k.seg_from, k.carried DESC)
      ) m
    ) g
    GROUP BY g.ext, g.grp;
  END IF;
END
