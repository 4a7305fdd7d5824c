-- One row per collector or backfill run: what it asked for and how it ended.
CREATE TABLE collector_runs (
  id          BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
  kind        VARCHAR(16) NOT NULL,            -- 'collector' | 'backfill'
  started_at  TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  ended_at    TIMESTAMP(3) NULL,
  from_ts     BIGINT      NULL,
  to_ts       BIGINT      NULL,
  outcome     VARCHAR(16) NOT NULL DEFAULT 'running',  -- running | ok | failed | skipped
  events      INT         NOT NULL DEFAULT 0,
  rejected    INT         NOT NULL DEFAULT 0,
  message     TEXT        NULL,
  KEY ix_collector_runs_started (started_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
