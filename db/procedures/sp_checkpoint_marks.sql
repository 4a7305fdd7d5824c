-- Internal: marks the agent_state_checkpoints rows of every hour start in
-- [p_from, p_end] as complete (agent_state_marks), with the latest event before each so
-- a later reader can tell that the events before it are still the ones it saw. Called by
-- sp_aggregate_span (all agents) and sp_aggregate_between (after all groups of agents).
-- One statement per hour start: the latest event before a constant is one step down
-- ix_agent_events_ts, where a correlated subquery would scan the index.
DROP PROCEDURE IF EXISTS sp_checkpoint_marks;
CREATE PROCEDURE sp_checkpoint_marks(IN p_from BIGINT, IN p_end BIGINT)
  MODIFIES SQL DATA
  COMMENT 'internal: mark the state checkpoints of hour starts in [p_from, p_end] complete'
BEGIN
  DECLARE v_at BIGINT;
  SET v_at = (SELECT MIN(hour_start) FROM report_hours WHERE hour_start >= p_from AND hour_start <= p_end);
  WHILE v_at IS NOT NULL DO
    INSERT INTO agent_state_marks (at_ts, last_event_ts)
    VALUES (v_at, (SELECT e.ts FROM agent_events e WHERE e.ts < v_at ORDER BY e.ts DESC LIMIT 1))
    ON DUPLICATE KEY UPDATE last_event_ts = VALUES(last_event_ts), written_at = CURRENT_TIMESTAMP;
    SET v_at = (SELECT MIN(hour_start) FROM report_hours WHERE hour_start > v_at AND hour_start <= p_end);
  END WHILE;
END
