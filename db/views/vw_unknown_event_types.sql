-- Data quality: event types that are neither one of the five flags nor agent_reg. They
-- are stored and change no state (rules §3); this shows how many arrived, from how many
-- agents and when, so an operator can ask what they mean. The inner query is a loose
-- scan of ix_agent_events_flag (one probe per agent and event type); then only the
-- unknown types' own rows are read, through the same index.
CREATE OR REPLACE VIEW vw_unknown_event_types AS
SELECT e.event, COUNT(*) AS events, COUNT(DISTINCT e.ext) AS agents, MIN(e.ts) AS first_ts, MAX(e.ts) AS last_ts
FROM (
  SELECT ext, event FROM agent_events
  WHERE event NOT IN ('agent_idle', 'agent_on_call', 'agent_hold', 'agent_wrap_up', 'agent_not_avail_state', 'agent_reg')
  GROUP BY ext, event
) k
JOIN agent_events e FORCE INDEX (ix_agent_events_flag) ON e.ext = k.ext AND e.event = k.event
GROUP BY e.event;
