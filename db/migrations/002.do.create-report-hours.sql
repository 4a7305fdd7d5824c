-- The report calendar: one row per wall-clock hour of REPORT_TZ, in UTC epoch seconds.
-- Filled by `npm run migrate` (luxon knows the zone rules; the database's own time-zone
-- tables are often empty). On a DST fall-back day two rows share a local_start.
CREATE TABLE report_hours (
  hour_start  BIGINT   NOT NULL PRIMARY KEY,  -- UTC epoch seconds, inclusive
  hour_end    BIGINT   NOT NULL,              -- UTC epoch seconds, exclusive
  local_start DATETIME NOT NULL,              -- wall clock at hour_start
  local_end   DATETIME NOT NULL,              -- wall clock at hour_end
  KEY ix_report_hours_local (local_start),
  KEY ix_report_hours_end (hour_end)
) ENGINE=InnoDB;
