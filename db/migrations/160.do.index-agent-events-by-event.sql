-- vw_unknown_event_types (/api/status) looks for the few rows whose event type is none of
-- the known ones. ix_agent_events_flag leads with ext, so that took one probe per agent,
-- event type and daily partition (seconds at a month of 1,000 agents); led by event, the
-- known types' rows are skipped as whole ranges and only the unknown ones are read. The
-- primary key (ext, ts) rides along in the index, so the view reads nothing else.
ALTER TABLE agent_events ADD INDEX ix_agent_events_event (event);
