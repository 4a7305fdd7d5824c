-- One row per upstream call: window, endpoint, status, rows, duration. Never a secret.
CREATE TABLE fetch_log (
  id          BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  run_id      BIGINT       NULL,
  endpoint    VARCHAR(32)  NOT NULL,     -- 'login' | 'events' | 'stats'
  from_ts     BIGINT       NULL,
  to_ts       BIGINT       NULL,
  status      INT          NULL,         -- HTTP status; NULL when no response
  attempt     INT          NOT NULL DEFAULT 1,
  row_count   INT          NULL,
  duration_ms INT          NOT NULL,
  error       VARCHAR(1000) NULL,
  created_at  TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  KEY ix_fetch_log_created (created_at),
  KEY ix_fetch_log_run (run_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
