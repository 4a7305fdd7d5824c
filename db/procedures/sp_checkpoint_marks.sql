-- Internal: marks the agent_state_checkpoints rows of every hour start in
-- [p_from, p_end] as complete (agent_state_marks), with the latest event before each so
-- a later reader can tell that the events before it are still the ones it saw. Called by
-- sp_aggregate_span (all agents) and sp_aggregate_between (after all groups of agents).
-- The latest event before the first hour start is one step down ix_agent_events_ts (a
-- day back first: that touches one or two daily partitions, not all of them); each next
-- one is the latest of the hour between, else the one before.
DROP PROCEDURE IF EXISTS sp_checkpoint_marks;
CREATE PROCEDURE sp_checkpoint_marks(IN p_from BIGINT, IN p_end BIGINT)
  MODIFIES SQL DATA
  COMMENT 'internal: mark the state checkpoints of hour starts in [p_from, p_end] complete'
BEGIN
  DECLARE v_at BIGINT;
  DECLARE v_prev BIGINT;
  DECLARE v_last BIGINT;
  SET v_at = (SELECT MIN(hour_start) FROM report_hours WHERE hour_start >= p_from AND hour_start <= p_end);
  IF v_at IS NOT NULL THEN
    SET v_last = COALESCE(
      (SELECT MAX(e.ts) FROM agent_events e WHERE e.ts >= v_at - 86400 AND e.ts < v_at),
      (SELECT MAX(e.ts) FROM agent_events e WHERE e.ts < v_at - 86400));
  END IF;
  WHILE v_at IS NOT NULL DO
    INSERT INTO agent_state_marks (at_ts, last_event_ts)
    VALUES (v_at, v_last)
    ON DUPLICATE KEY UPDATE last_event_ts = VALUES(last_event_ts), written_at = CURRENT_TIMESTAMP;
    SET v_prev = v_at;
    SET v_at = (SELECT MIN(hour_start) FROM report_hours WHERE hour_start > v_at AND hour_start <= p_end);
    IF v_at IS NOT NULL THEN
      SET v_last = COALESCE((SELECT MAX(e.ts) FROM agent_events e WHERE e.ts >= v_prev AND e.ts < v_at), v_last);
    END IF;
  END WHILE;
END
