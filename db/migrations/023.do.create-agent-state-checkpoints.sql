-- The state each agent carries into a report hour (SPEC §3: every flag's last value and
-- the latest not-available reason before it), written by sp_aggregate_* for every hour
-- start they pass, so the next aggregation of a later hour starts from here instead of
-- looking up each agent's latest event of each flag type (a loose index scan that needs
-- thousands of random page reads when the events do not fit in memory).
-- A row exists only for an agent with something on; whether the rows of an instant are
-- complete (a missing agent is Offline) is recorded in agent_state_marks.
CREATE TABLE agent_state_checkpoints (
  at_ts   BIGINT      NOT NULL,        -- an hour start, UTC epoch seconds: the state just before it
  ext     VARCHAR(32) NOT NULL,
  flags   TINYINT     NOT NULL,        -- 1 idle, 2 on call, 4 hold, 8 wrap-up
  na_ts   BIGINT      NULL,            -- the not-available-on event in force (its state is
  na_seq  INT         NULL,            --   the reason); NULL when not available is off
  PRIMARY KEY (at_ts, ext),
  KEY ix_agent_state_checkpoints_ext (ext, at_ts)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
