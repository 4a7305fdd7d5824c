-- Whether the agent_state_checkpoints of instant p_at can be trusted (agent_state_marks):
-- the instant is marked complete and the latest event before it is still the one it was
-- written after. Read from the mark's event on, so the check touches the partitions of
-- that event and of p_at (migration 100), never every day of agent_events; only a mark
-- written when no event came before reads all of them (each empty below p_at: one probe).
DROP FUNCTION IF EXISTS fn_mark_holds;
CREATE FUNCTION fn_mark_holds(p_at BIGINT)
  RETURNS BOOLEAN
  READS SQL DATA
BEGIN
  DECLARE v_last BIGINT;
  SET v_last = (SELECT last_event_ts FROM agent_state_marks WHERE at_ts = p_at);
  IF NOT EXISTS (SELECT 1 FROM agent_state_marks WHERE at_ts = p_at) THEN
    RETURN FALSE;
  END IF;
  IF v_last IS NULL THEN
    RETURN NOT EXISTS (SELECT 1 FROM agent_events WHERE ts < p_at);
  END IF;
  RETURN v_last < p_at
    AND EXISTS (SELECT 1 FROM agent_events WHERE ts = v_last)
    AND NOT EXISTS (SELECT 1 FROM agent_events WHERE ts > v_last AND ts < p_at);
END
