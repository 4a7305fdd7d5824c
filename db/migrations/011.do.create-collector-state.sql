-- The data horizon (SPEC §3): the latest end of any successfully loaded window. One row.
CREATE TABLE collector_state (
  id         TINYINT   NOT NULL PRIMARY KEY,
  horizon    BIGINT    NULL,                 -- epoch seconds; NULL until the first load
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  CONSTRAINT ck_collector_state_single CHECK (id = 1)
) ENGINE=InnoDB;
