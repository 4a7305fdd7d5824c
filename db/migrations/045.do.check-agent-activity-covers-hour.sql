-- SPEC §3 conservation in the data: categories + Offline = loaded seconds, and loaded +
-- Not Loaded = the whole hour, none negative. The database refuses a row that does not
-- add up, so a transform bug fails loudly instead of storing a wrong row.
ALTER TABLE agent_activity
  DROP CONSTRAINT ck_agent_activity_conservation,
  ADD CONSTRAINT ck_agent_activity_seconds CHECK (
    counted_s >= 0 AND idle_s >= 0 AND talk_s >= 0 AND hold_s >= 0 AND wrap_s >= 0
    AND login_s >= 0 AND logoff_s >= 0 AND dnd_s >= 0 AND meeting_s >= 0 AND training_s >= 0
    AND chat_s >= 0 AND tickets_s >= 0 AND outbound_s >= 0 AND lunch_s >= 0 AND tea_s >= 0
    AND bio_s >= 0 AND short_break_s >= 0 AND other_npt_s >= 0 AND offline_s >= 0 AND not_loaded_s >= 0
    AND idle_s + talk_s + hold_s + wrap_s + login_s + logoff_s + dnd_s + meeting_s + training_s
      + chat_s + tickets_s + outbound_s + lunch_s + tea_s + bio_s + short_break_s + other_npt_s
      + offline_s = counted_s
    AND counted_s + not_loaded_s = hour_end - hour_start
  );
