-- Seconds per raw not-available reason, per agent and report hour, written with
-- agent_activity by sp_aggregate_* (same hours, same transaction). It lets an operator
-- reconcile each reason with the upstream's not_available_detailed_report
-- (vw_reconciliation) and see which reasons fall to Other NPT (vw_unmapped_reasons).
-- `reason` holds the reason exactly as sent (bytes, so 'Outbound' and 'Outbound ' stay
-- apart as the upstream keeps them apart); NULL as sent is stored as ''.
CREATE TABLE agent_reason_activity (
  hour_start  BIGINT          NOT NULL,   -- report hour, UTC epoch seconds
  ext         VARCHAR(32)     NOT NULL,
  reason      VARBINARY(1020) NOT NULL,   -- agent_events.state of the not-available-on event
  reason_s    INT             NOT NULL,
  PRIMARY KEY (hour_start, ext, reason)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
