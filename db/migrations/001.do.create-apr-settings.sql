-- Settings the SQL layer needs without the TypeScript layer (SPEC §4): the report zone,
-- the calendar range. `npm run migrate` writes them; procedures read them.
CREATE TABLE apr_settings (
  name       VARCHAR(64)  NOT NULL PRIMARY KEY,
  value      VARCHAR(255) NOT NULL,
  updated_at TIMESTAMP    NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
