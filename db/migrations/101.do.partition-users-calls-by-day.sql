-- users_calls partitioned by time like agent_events (migration 100), on slot_start, which
-- its primary key (slot_start, ext) holds. src/db/partitions.ts splits off the days.
ALTER TABLE users_calls PARTITION BY RANGE (slot_start) (PARTITION p_old VALUES LESS THAN MAXVALUE);
