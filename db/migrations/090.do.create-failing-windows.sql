-- Windows the collector could not load while later ones loaded (a gap, not a wall, SPEC
-- §3): each is retried on every run until it loads, then its row goes. /api/status,
-- /metrics and /healthz name them.
CREATE TABLE IF NOT EXISTS failing_windows (
  from_ts          BIGINT        NOT NULL PRIMARY KEY,  -- epoch seconds, inclusive
  to_ts            BIGINT        NOT NULL,              -- epoch seconds, exclusive
  first_failed_at  TIMESTAMP(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  last_failed_at   TIMESTAMP(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  failures         INT           NOT NULL DEFAULT 1,
  last_error       VARCHAR(1000) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
