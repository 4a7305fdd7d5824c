-- Ranges loaded but not yet re-aggregated. A window's transaction adds its range (from the
-- earliest hour it touched up to the horizon, since the carried state of later hours may
-- change); the collector or backfill deletes the rows once sp_aggregate_epoch_range has
-- run. A process killed in between leaves them, and the next run aggregates them too.
CREATE TABLE pending_aggregation (
  id         BIGINT    NOT NULL AUTO_INCREMENT PRIMARY KEY,
  from_ts    BIGINT    NOT NULL,   -- epoch seconds, inclusive
  to_ts      BIGINT    NOT NULL,   -- epoch seconds, exclusive
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB;
