-- Stage of sp_aggregate_span:
--   apr_tmp_na_reason  the reason of each not-available stretch (the state of the event that
--                      set it: the one carried in, or one inside the span)
--   apr_tmp_reasons    each distinct reason categorised once (fn_break_category:
--                      break_reason_map, else Other NPT) into cat (c_cat_* of the legend in
--                      sp_aggregate_span.sql: 0 for Other NPT and any category without a
--                      column of its own, so conservation holds whatever break_categories
--                      holds). Reasons are kept as bytes: the upstream tells 'Outbound' and
--                      'Outbound ' apart in its per-reason stats.
DROP PROCEDURE IF EXISTS _private_span_categories;
CREATE PROCEDURE _private_span_categories(IN p_from BIGINT)
  MODIFIES SQL DATA
  COMMENT 'internal stage of sp_aggregate_span: reasons and categories of the breaks'
BEGIN
  DECLARE c_flag_na      TINYINT DEFAULT 5;
  DECLARE c_na_carried   BIGINT DEFAULT 1;
  DECLARE c_na_ts_stride BIGINT DEFAULT 65536;
  DECLARE c_code_na      TINYINT DEFAULT 5;
  DECLARE v_lo BIGINT;
  DECLARE v_hi BIGINT;

  DROP TEMPORARY TABLE IF EXISTS apr_tmp_na_reason, apr_tmp_reasons;
  CREATE TEMPORARY TABLE apr_tmp_na_reason (
    agent_id INT NOT NULL,
    na     BIGINT NOT NULL,
    reason VARBINARY(1020) NOT NULL,
    rid    INT NOT NULL DEFAULT 0,
    cat    TINYINT NOT NULL DEFAULT 0,
    PRIMARY KEY (agent_id, na)
  ) ENGINE=MEMORY;
  -- The events looked up lie between the earliest carried in and the latest inside the
  -- span: as constants, they keep the look-ups to those days' partitions of agent_events
  -- (a bound taken from the joined rows would probe every partition for each).
  SET v_lo = LEAST(p_from, COALESCE((SELECT MIN(ts) FROM apr_tmp_carried WHERE flag = c_flag_na), p_from));
  SET v_hi = GREATEST(p_from, COALESCE((SELECT p_from + (MAX(na) - 2) DIV c_na_ts_stride FROM apr_tmp_pieces WHERE code = c_code_na AND na > c_na_carried), p_from));
  INSERT INTO apr_tmp_na_reason (agent_id, na, reason)
  SELECT x.agent_id, x.na, CAST(COALESCE(e.state, '') AS BINARY)
  FROM (SELECT DISTINCT agent_id, na FROM apr_tmp_pieces WHERE code = c_code_na) x
  JOIN apr_tmp_agents g ON g.id = x.agent_id
  LEFT JOIN apr_tmp_carried c ON x.na = c_na_carried AND c.ext = g.ext AND c.flag = c_flag_na
  -- (ix_agent_events_flag holds the state: no read of the table's rows)
  JOIN agent_events e FORCE INDEX (ix_agent_events_flag)
    ON e.ext = g.ext AND e.event = 'agent_not_avail_state'
    AND e.ts = CASE WHEN x.na = c_na_carried THEN c.ts ELSE p_from + (x.na - 2) DIV c_na_ts_stride END
    AND e.seq = CASE WHEN x.na = c_na_carried THEN c.seq ELSE (x.na - 2) MOD c_na_ts_stride END
    AND e.ts >= v_lo AND e.ts <= v_hi;
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
END
