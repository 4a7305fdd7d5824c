-- The reason of each not-available stretch (the state of its not-available-on event) is
-- read for thousands of events per aggregated day; with `state` in ix_agent_events_flag
-- those reads stay in the index too (sp_aggregate_span), instead of one random page of
-- the table each.
ALTER TABLE agent_events DROP INDEX ix_agent_events_flag, ADD INDEX ix_agent_events_flag (ext, event, ts, seq, enabled, state);
