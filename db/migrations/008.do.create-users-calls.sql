-- Upstream stats for one extension and one report hour (SPEC §4), fetched for
-- [hour_start, fetched_to). A re-fetch deletes the hour's rows and inserts the new ones.
CREATE TABLE users_calls (
  hour_start            BIGINT       NOT NULL,   -- report hour, UTC epoch seconds
  ext                   VARCHAR(32)  NOT NULL,
  fetched_to            BIGINT       NOT NULL,   -- end of the fetched range (<= hour end)
  name                  VARCHAR(255) NULL,       -- as sent
  tags                  JSON         NULL,
  total_calls           BIGINT       NOT NULL DEFAULT 0,
  answered_calls        BIGINT       NOT NULL DEFAULT 0,
  talked_time           BIGINT       NOT NULL DEFAULT 0,
  talked_average        DOUBLE       NOT NULL DEFAULT 0,
  duration_seconds      BIGINT       NOT NULL DEFAULT 0,
  max_connect_seconds   BIGINT       NOT NULL DEFAULT 0,
  avg_connect_seconds   DOUBLE       NOT NULL DEFAULT 0,
  total_connect_seconds BIGINT       NOT NULL DEFAULT 0,
  callee_id_number      VARCHAR(255) NULL,
  callee_id_name        VARCHAR(255) NULL,
  registered_time       BIGINT       NOT NULL DEFAULT 0,
  idle_time             BIGINT       NOT NULL DEFAULT 0,
  wrap_up_time          BIGINT       NOT NULL DEFAULT 0,
  hold_time             BIGINT       NOT NULL DEFAULT 0,
  on_call_time          BIGINT       NOT NULL DEFAULT 0,
  on_call_time_avg      DOUBLE       NOT NULL DEFAULT 0,
  not_available_time    BIGINT       NOT NULL DEFAULT 0,
  not_available_detailed_report JSON NULL,
  raw                   JSON         NULL,       -- the whole record as sent
  fetched_at            TIMESTAMP    NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (hour_start, ext)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
