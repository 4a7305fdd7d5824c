-- Every window loaded successfully, by the collector or a backfill, so that gaps between
-- them can be shown (/api/status) and filled (npm run backfill).
CREATE TABLE loaded_windows (
  id          BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
  from_ts     BIGINT      NOT NULL,   -- epoch seconds, inclusive
  to_ts       BIGINT      NOT NULL,   -- epoch seconds, exclusive
  source      VARCHAR(16) NOT NULL,   -- 'collector' | 'backfill'
  events      INT         NOT NULL DEFAULT 0,
  stats_rows  INT         NOT NULL DEFAULT 0,
  rejected    INT         NOT NULL DEFAULT 0,
  splits      INT         NOT NULL DEFAULT 0,
  loaded_at   TIMESTAMP   NOT NULL DEFAULT CURRENT_TIMESTAMP,
  KEY ix_loaded_windows_range (from_ts, to_ts)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
