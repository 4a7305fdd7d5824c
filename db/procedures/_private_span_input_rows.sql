-- Stage of sp_aggregate_span: apr_tmp_in, the rows whose running sum is the state (the
-- legend of the packing is in sp_aggregate_span.sql). In rules §3 order: by second, then
-- carried state and stretch edges, slot markers, and the events in feed order (seq).
DROP PROCEDURE IF EXISTS _private_span_input_rows;
CREATE PROCEDURE _private_span_input_rows(IN p_from BIGINT, IN p_to_end BIGINT, IN p_end BIGINT,
                                          IN p_stretch_from BIGINT, IN p_all BOOLEAN)
  MODIFIES SQL DATA
  COMMENT 'internal stage of sp_aggregate_span: the input rows'
BEGIN
  DECLARE c_order    BIGINT DEFAULT 65540;    -- o = ts * c_order + k
  DECLARE c_marker   BIGINT DEFAULT 1;        -- k of a slot marker
  DECLARE c_event    BIGINT DEFAULT 3;        -- k of an event: seq + c_event
  DECLARE c_unloaded BIGINT DEFAULT 16;       -- the not-loaded bit
  DECLARE c_slot     BIGINT DEFAULT 32;       -- slot index stride
  DECLARE c_na       BIGINT DEFAULT 131072;   -- not-available mark stride
  DECLARE c_na_ts    BIGINT DEFAULT 65536;    -- inside a mark: (ts - p_from) * c_na_ts + seq + 2
  DECLARE v_exts MEDIUMTEXT;

  DROP TEMPORARY TABLE IF EXISTS apr_tmp_in;
  CREATE TEMPORARY TABLE apr_tmp_in (
    a    INT     NOT NULL,  -- apr_tmp_agents.id
    o    BIGINT  NOT NULL,  -- order
    flag TINYINT NOT NULL,  -- 1 idle, 2 on call, 3 hold, 4 wrap-up, 5 not available, 6 slot marker, 7 not loaded
    w    BIGINT  NOT NULL,  -- the flag's value, already in its packed position
    PRIMARY KEY (a, o, flag)
  ) ENGINE=MEMORY;
  SET v_exts = (SELECT GROUP_CONCAT(QUOTE(ext)) FROM apr_tmp_agents);

  IF v_exts IS NOT NULL AND p_end > p_from THEN
    INSERT INTO apr_tmp_in (a, o, flag, w)
    SELECT a.id, p_from * c_order, c.flag,
      CASE c.flag WHEN 1 THEN 1 WHEN 2 THEN 2 WHEN 3 THEN 4 WHEN 4 THEN 8 ELSE 1 * c_na END
    FROM apr_tmp_carried c
    JOIN apr_tmp_agents a ON a.ext = c.ext;
    -- p_from outside loaded time: not counted until a stretch starts
    IF p_stretch_from IS NULL THEN
      INSERT INTO apr_tmp_in (a, o, flag, w)
      SELECT a.id, p_from * c_order, 7, c_unloaded FROM apr_tmp_agents a;
    END IF;
    -- rules §3: at a stretch's start and end every flag goes off; from an end to the next
    -- start nothing is counted
    INSERT INTO apr_tmp_in (a, o, flag, w)
    SELECT a.id, d.at_ts * c_order, f.flag, IF(f.flag = 7, d.is_end * c_unloaded, 0)
    FROM apr_tmp_edges d
    CROSS JOIN (SELECT 1 AS flag UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
                UNION ALL SELECT 5 UNION ALL SELECT 7) f
    CROSS JOIN apr_tmp_agents a;
    INSERT INTO apr_tmp_in (a, o, flag, w)
    SELECT a.id, s.slot_start * c_order + c_marker, 6, s.slot_idx * c_slot
    FROM apr_tmp_agents a
    JOIN apr_tmp_slots s ON s.slot_start < p_end;
    -- a marker at the span's end too, when all of it is counted: the state carried into
    -- the next hour, for its checkpoint (it holds for 0 s here)
    IF p_end = p_to_end THEN
      INSERT INTO apr_tmp_in (a, o, flag, w)
      SELECT a.id, p_end * c_order + c_marker, 6, ((SELECT COUNT(*) FROM apr_tmp_slots) + 1) * c_slot
      FROM apr_tmp_agents a;
    END IF;
    -- The events. All agents over a few hours: one range of ix_agent_events_ts, which holds
    -- every column needed (ts, event, enabled, and the key's ext and seq). A group of agents
    -- over many hours: with the agents as a literal list, one short range of
    -- ix_agent_events_flag per agent and flag type, never an agent's whole history.
    -- (STRAIGHT_JOIN: read the events first, then look each agent up.)
    SET @apr_sql = CONCAT(
      'INSERT INTO apr_tmp_in (a, o, flag, w)',
      ' SELECT a.id, e.ts * ', c_order, ' + e.seq + ', c_event, ',',
      '  CASE e.event WHEN ''agent_idle'' THEN 1 WHEN ''agent_on_call'' THEN 2 WHEN ''agent_hold'' THEN 3',
      '               WHEN ''agent_wrap_up'' THEN 4 ELSE 5 END,',
      '  CASE WHEN e.enabled = 0 THEN 0 WHEN e.event = ''agent_idle'' THEN 1 WHEN e.event = ''agent_on_call'' THEN 2',
      '       WHEN e.event = ''agent_hold'' THEN 4 WHEN e.event = ''agent_wrap_up'' THEN 8',
      '       ELSE ((e.ts - ', p_from, ') * ', c_na_ts, ' + e.seq + 2) * ', c_na, ' END',
      ' FROM agent_events e',
      ' STRAIGHT_JOIN apr_tmp_agents a ON a.ext = e.ext',
      ' WHERE ', IF(p_all, '', CONCAT('e.ext IN (', v_exts, ') AND ')),
      '  e.ts >= ', p_from, ' AND e.ts < ', p_end,
      '  AND e.event IN (''agent_idle'', ''agent_on_call'', ''agent_hold'', ''agent_wrap_up'', ''agent_not_avail_state'')');
    PREPARE apr_stmt FROM @apr_sql;
    EXECUTE apr_stmt;
    DEALLOCATE PREPARE apr_stmt;
    SET @apr_sql = NULL;
  END IF;
END
