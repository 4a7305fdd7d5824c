-- The slots where more calls were answered than offered, by report hour: /api/status
-- counts them in all and in the last 24 h from this index alone.
ALTER TABLE users_calls ADD INDEX ix_users_calls_over_offered (over_offered, hour_start);
