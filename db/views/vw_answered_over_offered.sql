-- Data quality: 15-minute slots where the upstream says an agent answered more calls than
-- were offered (rules §4: the report shows Failed 0 and Answer Rate 100.00 for them).
-- over_offered is answered_calls > total_calls, kept as a column so that an index
-- (ix_users_calls_over_offered) finds these rows without reading every slot.
CREATE OR REPLACE VIEW vw_answered_over_offered AS
SELECT c.slot_start, c.hour_start, s.local_start, c.ext, c.total_calls, c.answered_calls,
  c.answered_calls - c.total_calls AS excess
FROM users_calls c
LEFT JOIN report_slots s ON s.slot_start = c.slot_start
WHERE c.over_offered = 1;
