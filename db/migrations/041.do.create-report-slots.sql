-- The report calendar's quarter hours (SPEC §4): every report hour split into slots of
-- 900 real seconds at local :00, :15, :30, :45, in UTC epoch seconds. Filled with
-- report_hours by `npm run migrate` (luxon's zone rules). Seconds and call counts are
-- kept per slot; hours, days, weeks and totals are sums of slots.
CREATE TABLE report_slots (
  slot_start  BIGINT   NOT NULL PRIMARY KEY,  -- UTC epoch seconds, inclusive
  slot_end    BIGINT   NOT NULL,              -- UTC epoch seconds, exclusive
  hour_start  BIGINT   NOT NULL,              -- the report hour it belongs to (report_hours)
  local_start DATETIME NOT NULL,              -- wall clock at slot_start
  local_end   DATETIME NOT NULL,              -- wall clock at slot_end
  KEY ix_report_slots_hour (hour_start),
  UNIQUE KEY ux_report_slots_end (slot_end)
) ENGINE=InnoDB;
