-- Stage of sp_aggregate_span:
--   apr_tmp_agents  the agents to count, numbered (small keys sort fast): a flag on at the
--                   span's start, or an event inside it. Anyone else is Offline throughout
--                   and gets no row (unless the stats give it offered calls).
--   apr_tmp_group   for a group of agents (not all): every extension of the group with
--                   events, calls or stored rows (each a loose scan of an ext-first index),
--                   so that the later stages read and replace the group's rows as one short
--                   range per agent of such an index, never all agents' rows of the span.
DROP PROCEDURE IF EXISTS _private_span_agents;
CREATE PROCEDURE _private_span_agents(IN p_from BIGINT, IN p_end BIGINT, IN p_all BOOLEAN,
                                      IN p_lo VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
                                      IN p_hi VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin)
  MODIFIES SQL DATA
  COMMENT 'internal stage of sp_aggregate_span: the agents to count'
BEGIN
  -- up to this many seconds, a span's agents come from its range of ix_agent_events_ts
  DECLARE v_short_span BIGINT DEFAULT 3 * 3600;

  DROP TEMPORARY TABLE IF EXISTS apr_tmp_agents, apr_tmp_group;
  CREATE TEMPORARY TABLE apr_tmp_agents (
    id  INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    ext VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    UNIQUE KEY ux_ext (ext)
  ) ENGINE=MEMORY;
  CREATE TEMPORARY TABLE apr_tmp_group (
    ext VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY
  ) ENGINE=MEMORY;
  INSERT IGNORE INTO apr_tmp_agents (ext) SELECT ext FROM apr_tmp_carried;
  -- Those with events in the span; the others are Offline throughout. (All agents: p_lo and
  -- p_hi bound nothing.)
  IF p_end > p_from AND p_end - p_from <= v_short_span THEN
    -- A few hours: the span's range of ix_agent_events_ts, which holds the extension too.
    -- The loose scan below would read each agent's own leaf of the primary key, about a
    -- thousand pages for 1,000 agents: for an hour whose pages are not in memory
    -- 50-100 ms, against 5-10 ms here (warm, both about 4 ms).
    INSERT IGNORE INTO apr_tmp_agents (ext)
    SELECT DISTINCT ext FROM agent_events FORCE INDEX (ix_agent_events_ts)
    WHERE ts >= p_from AND ts < p_end AND ext >= p_lo AND ext < p_hi
    ORDER BY ext;
  ELSEIF p_end > p_from THEN
    -- Longer: a loose scan of the primary key, one probe per agent in each of the span's
    -- daily partitions (for a day of 1,000 agents about 6 ms, where reading the day's
    -- range of ix_agent_events_ts took 80-90 ms).
    INSERT IGNORE INTO apr_tmp_agents (ext)
    SELECT x.ext FROM (
      SELECT ext, MIN(ts) AS first_ts FROM agent_events
      WHERE ext >= p_lo AND ext < p_hi AND ts >= p_from AND ts < p_end
      GROUP BY ext) x;
  END IF;
  IF NOT p_all THEN
    INSERT IGNORE INTO apr_tmp_group (ext) SELECT ext FROM apr_tmp_agents;
    INSERT IGNORE INTO apr_tmp_group (ext) SELECT DISTINCT ext FROM users_calls WHERE ext >= p_lo AND ext < p_hi;
    INSERT IGNORE INTO apr_tmp_group (ext) SELECT DISTINCT ext FROM agent_slot_activity WHERE ext >= p_lo AND ext < p_hi;
    INSERT IGNORE INTO apr_tmp_group (ext) SELECT DISTINCT ext FROM agent_activity WHERE ext >= p_lo AND ext < p_hi;
    INSERT IGNORE INTO apr_tmp_group (ext) SELECT DISTINCT ext FROM agent_reason_activity WHERE ext >= p_lo AND ext < p_hi;
  END IF;
END
