-- Stage of sp_aggregate_span (the encodings' legend is in sp_aggregate_span.sql):
--   apr_tmp_in      the rows that are not events: the state carried in, and every flag off
--                   at a stretch's start or end (rules §3), with the not-loaded flag
--   apr_tmp_state   the agent's state piece by piece: one row per second in which something
--                   changed, holding from that second to the next such second (the last
--                   one to the counted end). One statement: per agent and flag, each row's
--                   change of its flag (LAG), then per agent in time order the running SUM
--                   of the changes (linear; a running MAX would be recomputed per row on
--                   MariaDB) and the next row (LEAD); only a second's last row makes a piece
--                   (rules §3: within one second only each flag's final value counts).
--   apr_tmp_pieces  seconds per slot, agent and state but Offline: each loaded piece split
--                   at the slot edges it crosses, by arithmetic on its ends (every slot is
--                   900 real seconds and they follow each other from p_from, rules §4).
--                   Offline is what is left of a slot's loaded seconds (every agent has a
--                   piece at every loaded second), so _private_span_rows derives it and its
--                   pieces, most of a quiet centre's, are never stored.
DROP PROCEDURE IF EXISTS _private_span_state_pieces;
CREATE PROCEDURE _private_span_state_pieces(IN p_from BIGINT, IN p_end BIGINT, IN p_stretch_from BIGINT, IN p_all BOOLEAN)
  MODIFIES SQL DATA
  COMMENT 'internal stage of sp_aggregate_span: the state pieces, seconds per slot, agent and state'
BEGIN
  DECLARE c_row_stride     BIGINT DEFAULT 65537;  -- row_order = ts * c_row_stride + k
  DECLARE c_row_k_event    BIGINT DEFAULT 1;      -- k of an event: seq + c_row_k_event
  DECLARE c_flag_idle      TINYINT DEFAULT 1;
  DECLARE c_flag_on_call   TINYINT DEFAULT 2;
  DECLARE c_flag_hold      TINYINT DEFAULT 3;
  DECLARE c_flag_wrap_up   TINYINT DEFAULT 4;
  DECLARE c_flag_na        TINYINT DEFAULT 5;
  DECLARE c_flag_unloaded  TINYINT DEFAULT 6;
  DECLARE c_bit_idle       BIGINT DEFAULT 1;
  DECLARE c_bit_on_call    BIGINT DEFAULT 2;
  DECLARE c_bit_hold       BIGINT DEFAULT 4;
  DECLARE c_bit_wrap_up    BIGINT DEFAULT 8;
  DECLARE c_bit_unloaded   BIGINT DEFAULT 16;
  DECLARE c_na_stride      BIGINT DEFAULT 32;     -- packed_state = flags + c_na_stride * na mark
  DECLARE c_na_carried     BIGINT DEFAULT 1;      -- na mark of the event carried in
  DECLARE c_na_ts_stride   BIGINT DEFAULT 65536;  -- na mark inside the span: (ts - p_from) * c_na_ts_stride + seq + 2
  DECLARE c_code_offline   TINYINT DEFAULT 0;
  DECLARE c_code_idle      TINYINT DEFAULT 1;
  DECLARE c_code_talk      TINYINT DEFAULT 2;
  DECLARE c_code_hold      TINYINT DEFAULT 3;
  DECLARE c_code_wrap_up   TINYINT DEFAULT 4;
  DECLARE c_code_na        TINYINT DEFAULT 5;
  DECLARE c_slot_seconds   BIGINT DEFAULT 900;
  DECLARE v_exts MEDIUMTEXT;

  DROP TEMPORARY TABLE IF EXISTS apr_tmp_in, apr_tmp_state, apr_tmp_pieces;
  CREATE TEMPORARY TABLE apr_tmp_in (
    agent_id   INT     NOT NULL,  -- apr_tmp_agents.id
    row_order  BIGINT  NOT NULL,
    flag       TINYINT NOT NULL,
    flag_value BIGINT  NOT NULL   -- the flag's value, already in its packed position
  ) ENGINE=MEMORY;
  -- flags: the flag bits and the not-loaded bit; na_mark: the not-available mark (0 off);
  -- code: the state (c_code_*)
  CREATE TEMPORARY TABLE apr_tmp_state (
    agent_id INT     NOT NULL,
    from_ts  BIGINT  NOT NULL,
    to_ts    BIGINT  NOT NULL,
    flags    TINYINT NOT NULL,
    na_mark  BIGINT  NOT NULL,
    code     TINYINT NOT NULL
  ) ENGINE=MEMORY;
  -- na: the not-available mark of a break (which event set the reason), else 0
  CREATE TEMPORARY TABLE apr_tmp_pieces (
    slot_idx INT     NOT NULL,
    agent_id INT     NOT NULL,
    code     TINYINT NOT NULL,
    na       BIGINT  NOT NULL,
    secs     BIGINT  NOT NULL,
    PRIMARY KEY (slot_idx, agent_id, code, na)
  ) ENGINE=MEMORY;
  SET v_exts = (SELECT GROUP_CONCAT(QUOTE(ext)) FROM apr_tmp_agents);
  IF v_exts IS NOT NULL AND p_end > p_from THEN
    INSERT INTO apr_tmp_in (agent_id, row_order, flag, flag_value)
    SELECT a.id, p_from * c_row_stride, c.flag,
      CASE c.flag WHEN c_flag_idle THEN c_bit_idle WHEN c_flag_on_call THEN c_bit_on_call WHEN c_flag_hold THEN c_bit_hold
                  WHEN c_flag_wrap_up THEN c_bit_wrap_up ELSE c_na_carried * c_na_stride END
    FROM apr_tmp_carried c
    JOIN apr_tmp_agents a ON a.ext = c.ext;
    -- every agent's first piece starts at p_from (Offline until its first event); p_from
    -- outside loaded time: not counted until a stretch starts
    INSERT INTO apr_tmp_in (agent_id, row_order, flag, flag_value)
    SELECT a.id, p_from * c_row_stride, c_flag_unloaded, IF(p_stretch_from IS NULL, c_bit_unloaded, 0) FROM apr_tmp_agents a;
    -- rules §3: at a stretch's start and end every flag goes off; from an end to the next
    -- start nothing is counted
    INSERT INTO apr_tmp_in (agent_id, row_order, flag, flag_value)
    SELECT a.id, d.at_ts * c_row_stride, f.flag, IF(f.flag = c_flag_unloaded, d.is_end * c_bit_unloaded, 0)
    FROM apr_tmp_edges d
    CROSS JOIN (SELECT c_flag_idle AS flag UNION ALL SELECT c_flag_on_call UNION ALL SELECT c_flag_hold
                UNION ALL SELECT c_flag_wrap_up UNION ALL SELECT c_flag_na UNION ALL SELECT c_flag_unloaded) f
    CROSS JOIN apr_tmp_agents a;

    -- The events. All agents over a few hours: one range of ix_agent_events_ts, which holds
    -- every column needed (ts, event, enabled, and the key's ext and seq). A group of agents
    -- over many hours: with the agents as a literal list, one short range of
    -- ix_agent_events_flag per agent and flag type, never an agent's whole history.
    -- (STRAIGHT_JOIN: read the events first, then look each agent up.)
    SET @apr_sql = CONCAT(
      'INSERT INTO apr_tmp_state (agent_id, from_ts, to_ts, flags, na_mark, code)',
      ' SELECT x.agent_id, x.row_order DIV ', c_row_stride, ', COALESCE(x.next_order DIV ', c_row_stride, ', ', p_end, '),',
      '  x.packed_state MOD ', c_na_stride, ', x.packed_state DIV ', c_na_stride, ',',
      -- rules §3 precedence: Hold > Talk > Wrap Up > Idle > not-available reason > Offline.
      '  CASE WHEN x.packed_state & ', c_bit_hold, ' THEN ', c_code_hold, ' WHEN x.packed_state & ', c_bit_on_call, ' THEN ', c_code_talk,
      '       WHEN x.packed_state & ', c_bit_wrap_up, ' THEN ', c_code_wrap_up, ' WHEN x.packed_state & ', c_bit_idle, ' THEN ', c_code_idle,
      '       WHEN x.packed_state >= ', c_na_stride, ' THEN ', c_code_na, ' ELSE ', c_code_offline, ' END',
      ' FROM (',
      '  SELECT d.agent_id, d.row_order,',
      '   SUM(d.delta) OVER (PARTITION BY d.agent_id ORDER BY d.row_order, d.flag ROWS UNBOUNDED PRECEDING) AS packed_state,',
      '   LEAD(d.row_order) OVER (PARTITION BY d.agent_id ORDER BY d.row_order, d.flag) AS next_order',
      '  FROM (',
      '   SELECT i.agent_id, i.row_order, i.flag,',
      '    i.flag_value - COALESCE(LAG(i.flag_value) OVER (PARTITION BY i.agent_id, i.flag ORDER BY i.row_order), 0) AS delta',
      '   FROM (',
      '    SELECT agent_id, row_order, flag, flag_value FROM apr_tmp_in',
      '    UNION ALL',
      '    SELECT a.id, e.ts * ', c_row_stride, ' + e.seq + ', c_row_k_event, ',',
      '     CASE e.event WHEN ''agent_idle'' THEN ', c_flag_idle, ' WHEN ''agent_on_call'' THEN ', c_flag_on_call,
      '                  WHEN ''agent_hold'' THEN ', c_flag_hold, ' WHEN ''agent_wrap_up'' THEN ', c_flag_wrap_up, ' ELSE ', c_flag_na, ' END,',
      '     CASE WHEN e.enabled = 0 THEN 0 WHEN e.event = ''agent_idle'' THEN ', c_bit_idle,
      '          WHEN e.event = ''agent_on_call'' THEN ', c_bit_on_call, ' WHEN e.event = ''agent_hold'' THEN ', c_bit_hold,
      '          WHEN e.event = ''agent_wrap_up'' THEN ', c_bit_wrap_up,
      '          ELSE ((e.ts - ', p_from, ') * ', c_na_ts_stride, ' + e.seq + 2) * ', c_na_stride, ' END',
      '    FROM agent_events e',
      '    STRAIGHT_JOIN apr_tmp_agents a ON a.ext = e.ext',
      '    WHERE ', IF(p_all, '', CONCAT('e.ext IN (', v_exts, ') AND ')),
      '     e.ts >= ', p_from, ' AND e.ts < ', p_end,
      '     AND e.event IN (''agent_idle'', ''agent_on_call'', ''agent_hold'', ''agent_wrap_up'', ''agent_not_avail_state'')',
      '   ) i',
      '  ) d',
      ' ) x',
      ' WHERE x.next_order IS NULL OR x.next_order DIV ', c_row_stride, ' > x.row_order DIV ', c_row_stride);
    PREPARE apr_stmt FROM @apr_sql;
    EXECUTE apr_stmt;
    DEALLOCATE PREPARE apr_stmt;
    SET @apr_sql = NULL;

    -- Each loaded piece's seconds in the slot it starts in; then, for a piece that crosses
    -- a slot edge, in the slot it ends in, and (a piece of over a slot) in the whole slots
    -- between. Summed by upsert into the key (plain integer sums, cheaper here than GROUP
    -- BY's).
    INSERT INTO apr_tmp_pieces (slot_idx, agent_id, code, na, secs)
    SELECT (s.from_ts - p_from) DIV c_slot_seconds + 1, s.agent_id, s.code, IF(s.code = c_code_na, s.na_mark, 0),
      LEAST(s.to_ts, p_from + ((s.from_ts - p_from) DIV c_slot_seconds + 1) * c_slot_seconds) - s.from_ts
    FROM apr_tmp_state s
    WHERE (s.flags & c_bit_unloaded) = 0 AND s.code <> c_code_offline
    ON DUPLICATE KEY UPDATE apr_tmp_pieces.secs = apr_tmp_pieces.secs + VALUES(secs);
    INSERT INTO apr_tmp_pieces (slot_idx, agent_id, code, na, secs)
    SELECT (s.to_ts - 1 - p_from) DIV c_slot_seconds + 1, s.agent_id, s.code, IF(s.code = c_code_na, s.na_mark, 0),
      s.to_ts - (p_from + (s.to_ts - 1 - p_from) DIV c_slot_seconds * c_slot_seconds)
    FROM apr_tmp_state s
    WHERE (s.flags & c_bit_unloaded) = 0 AND s.code <> c_code_offline
      AND (s.to_ts - 1 - p_from) DIV c_slot_seconds > (s.from_ts - p_from) DIV c_slot_seconds
    ON DUPLICATE KEY UPDATE apr_tmp_pieces.secs = apr_tmp_pieces.secs + VALUES(secs);
    INSERT INTO apr_tmp_pieces (slot_idx, agent_id, code, na, secs)
    SELECT k.slot_idx, s.agent_id, s.code, IF(s.code = c_code_na, s.na_mark, 0), c_slot_seconds
    FROM apr_tmp_state s
    JOIN apr_tmp_slots k
      ON k.slot_idx > (s.from_ts - p_from) DIV c_slot_seconds + 1 AND k.slot_idx < (s.to_ts - 1 - p_from) DIV c_slot_seconds + 1
    WHERE (s.flags & c_bit_unloaded) = 0 AND s.code <> c_code_offline
      AND (s.to_ts - 1 - p_from) DIV c_slot_seconds > (s.from_ts - p_from) DIV c_slot_seconds + 1
    ON DUPLICATE KEY UPDATE apr_tmp_pieces.secs = apr_tmp_pieces.secs + VALUES(secs);
  END IF;
END
