-- Upstream records that could not be loaded into the timeline, with the reason (SPEC §2).
-- record_hash (SHA-256 of endpoint, reason and raw record) keeps a re-fetch from doubling them.
CREATE TABLE rejected_records (
  id          BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  endpoint    VARCHAR(32)  NOT NULL,
  reason      VARCHAR(255) NOT NULL,
  raw         MEDIUMTEXT   NOT NULL,
  record_hash CHAR(64)     NOT NULL,
  from_ts     BIGINT       NULL,       -- the window it arrived in
  to_ts       BIGINT       NULL,
  created_at  TIMESTAMP    NOT NULL DEFAULT CURRENT_TIMESTAMP,
  UNIQUE KEY ux_rejected_records_hash (record_hash)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
