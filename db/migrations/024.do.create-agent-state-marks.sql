-- The instants whose agent_state_checkpoints rows are complete for every agent. A mark
-- is trusted only while the latest event before the instant is still last_event_ts (so
-- emptying or editing agent_events by hand does not leave a stale state behind), and
-- every aggregation of hours from T on deletes the marks after T, whose state may
-- depend on the events it was called for.
CREATE TABLE agent_state_marks (
  at_ts         BIGINT    NOT NULL PRIMARY KEY,
  last_event_ts BIGINT    NULL,       -- MAX(agent_events.ts) before at_ts when written
  written_at    TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB;
