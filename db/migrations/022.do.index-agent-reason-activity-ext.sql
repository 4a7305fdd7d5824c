-- Per-reason seconds of a group of agents over many hours are replaced together
-- (sp_aggregate_span): find them by extension first, as agent_activity's ix_agent_activity_ext does.
ALTER TABLE agent_reason_activity ADD KEY ix_agent_reason_activity_ext (ext, hour_start);
