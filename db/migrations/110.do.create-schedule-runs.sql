-- One row per run of a scheduled report (REPORT_SCHEDULES): what it covered and how it
-- ended. run_key is the run's identity: 'at:<epoch seconds of the scheduled time>' for a
-- scheduled run (so two collecting processes, or a restart, never run the same time
-- twice: the second insert is refused), 'manual:...' for npm run schedules -- run.
CREATE TABLE schedule_runs (
  id            BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  schedule      VARCHAR(64)  NOT NULL,
  run_key       VARCHAR(64)  NOT NULL,
  trigger_kind  VARCHAR(16)  NOT NULL,            -- schedule | catch-up | manual
  scheduled_at  BIGINT       NOT NULL,            -- the instant the range was computed from
  range_name    VARCHAR(16)  NOT NULL,
  range_label   VARCHAR(80)  NOT NULL,            -- local, e.g. 2025-09-07 00:00 to 2025-09-08 00:00
  started_at    TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  finished_at   TIMESTAMP(3) NULL,
  outcome       VARCHAR(16)  NOT NULL DEFAULT 'running',  -- running | ok | failed
  filename      VARCHAR(255) NULL,
  bytes         BIGINT       NULL,
  row_count     INT          NULL,
  sha256        CHAR(64)     NULL,
  note          TEXT         NULL,                -- the Not Loaded hours when sent incomplete
  error         TEXT         NULL,
  UNIQUE KEY uq_schedule_runs_key (schedule, run_key),
  KEY ix_schedule_runs_started (started_at),
  KEY ix_schedule_runs_outcome (outcome, started_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
