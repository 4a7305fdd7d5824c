-- Data quality: event types that are neither one of the five flags nor agent_reg. They
-- are stored and change no state (rules §3); this shows how many arrived, from how many
-- agents and when, so an operator can ask what they mean. ix_agent_events_event leads
-- with the event type: the known types are skipped as ranges, and only the unknown types'
-- rows are read, from that index alone (it holds ext and ts, the primary key).
CREATE OR REPLACE VIEW vw_unknown_event_types AS
SELECT event, COUNT(*) AS events, COUNT(DISTINCT ext) AS agents, MIN(ts) AS first_ts, MAX(ts) AS last_ts
FROM agent_events FORCE INDEX (ix_agent_events_event)
WHERE event NOT IN ('agent_idle', 'agent_on_call', 'agent_hold', 'agent_wrap_up', 'agent_not_avail_state', 'agent_reg')
GROUP BY event;
