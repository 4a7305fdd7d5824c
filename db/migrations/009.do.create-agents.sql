-- One row per extension. `name` is the cleaned name of the latest loaded event whose
-- cleaned name is not empty (SPEC §5, ordered by name_ts then name_seq); `stats_name`
-- is the cleaned stats name, used only when no event has a name.
CREATE TABLE agents (
  ext         VARCHAR(32)  NOT NULL PRIMARY KEY,
  user_id     VARCHAR(64)  NULL,
  raw_name    VARCHAR(255) NULL,
  name        VARCHAR(255) NULL,
  name_ts     BIGINT       NULL,
  name_seq    SMALLINT UNSIGNED NULL,
  stats_name  VARCHAR(255) NULL,
  first_seen  BIGINT       NULL,   -- epoch seconds of the earliest loaded event
  last_seen   BIGINT       NULL,   -- epoch seconds of the latest loaded event
  updated_at  TIMESTAMP    NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
