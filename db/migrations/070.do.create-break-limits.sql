-- Break limits (SPEC §9): the longest a break of a category may last, in seconds. A
-- category without a row has no limit. Editable from a SQL client; the live board, the
-- breaks report and the metrics read it on every request, so a change applies at once:
--   UPDATE break_limits SET limit_seconds = 1200 WHERE category = 'Tea/Coffee';
--   INSERT INTO break_limits (category, limit_seconds) VALUES ('Meeting', 3600);
--   DELETE FROM break_limits WHERE category = 'Bio';
CREATE TABLE break_limits (
  category      VARCHAR(32) NOT NULL PRIMARY KEY,
  limit_seconds INT UNSIGNED NOT NULL,
  updated_at    TIMESTAMP   NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  CONSTRAINT ck_break_limits_positive CHECK (limit_seconds > 0),
  CONSTRAINT fk_break_limits_category FOREIGN KEY (category) REFERENCES break_categories (category)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
