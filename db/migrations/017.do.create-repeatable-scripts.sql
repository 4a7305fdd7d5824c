-- Checksums of the re-runnable files in db/views and db/procedures, so that
-- `npm run migrate` re-applies only what changed (or went missing) and says so.
CREATE TABLE repeatable_scripts (
  name       VARCHAR(128) NOT NULL PRIMARY KEY,   -- object name = file name without .sql
  kind       VARCHAR(16)  NOT NULL,               -- 'view' | 'procedure' | 'function'
  md5        CHAR(32)     NOT NULL,
  applied_at TIMESTAMP    NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
