-- SPEC §3 conservation, enforced where the rows are written: every category plus
-- Offline adds up to the hour's counted seconds, and none is negative. A transform bug
-- then fails the aggregation loudly instead of storing a wrong row.
ALTER TABLE agent_activity ADD CONSTRAINT ck_agent_activity_conservation CHECK (
  counted_s >= 0 AND idle_s >= 0 AND talk_s >= 0 AND hold_s >= 0 AND wrap_s >= 0
  AND login_s >= 0 AND logoff_s >= 0 AND dnd_s >= 0 AND meeting_s >= 0 AND training_s >= 0
  AND chat_s >= 0 AND tickets_s >= 0 AND outbound_s >= 0 AND lunch_s >= 0 AND tea_s >= 0
  AND bio_s >= 0 AND short_break_s >= 0 AND other_npt_s >= 0 AND offline_s >= 0
  AND idle_s + talk_s + hold_s + wrap_s + login_s + logoff_s + dnd_s + meeting_s + training_s
    + chat_s + tickets_s + outbound_s + lunch_s + tea_s + bio_s + short_break_s + other_npt_s
    + offline_s = counted_s
);
