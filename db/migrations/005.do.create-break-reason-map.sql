-- Editable rules that map a not-available reason to a category (SPEC §3). A reason is
-- normalised (trim, lower-case, inner whitespace collapsed) and compared with `pattern`,
-- which is stored normalised too. The lowest priority that matches wins; ties go to the
-- lower id. No match means 'Other NPT'. An operator adds a rule with one INSERT:
--   INSERT INTO break_reason_map (priority, match_type, pattern, category)
--   VALUES (25, 'contains', 'coaching', 'Training');
CREATE TABLE break_reason_map (
  id         INT         NOT NULL AUTO_INCREMENT PRIMARY KEY,
  priority   INT         NOT NULL,
  match_type VARCHAR(8)  NOT NULL,
  pattern    VARCHAR(255) NOT NULL,
  category   VARCHAR(32) NOT NULL,
  note       VARCHAR(255) NULL,
  created_at TIMESTAMP   NOT NULL DEFAULT CURRENT_TIMESTAMP,
  KEY ix_break_reason_map_priority (priority, id),
  CONSTRAINT ck_break_reason_map_type CHECK (match_type IN ('equals', 'contains')),
  CONSTRAINT ck_break_reason_map_pattern CHECK (pattern <> ''),
  CONSTRAINT fk_break_reason_map_category FOREIGN KEY (category) REFERENCES break_categories (category)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
