-- A group of agents over many hours (sp_aggregate_span) is read per agent and flag type
-- from ix_agent_events_flag; with `enabled` in it that read, and the look-up of the state
-- carried in, never touch the table's rows (a third of the bytes of the primary key).
ALTER TABLE agent_events DROP INDEX ix_agent_events_flag, ADD INDEX ix_agent_events_flag (ext, event, ts, seq, enabled);
