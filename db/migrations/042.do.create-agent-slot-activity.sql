-- One row per agent per 15-minute slot (SPEC §4-§5), derived by the sp_aggregate_*
-- procedures beside the hourly rows of agent_activity. A row exists where the agent has a
-- non-Offline second or an offered call in the slot. counted_s is the slot's loaded time
-- (SPEC §3): the seconds inside a successfully loaded window. The CHECK makes every row
-- prove its seconds: categories + Offline = loaded, loaded + Not Loaded = the slot.
CREATE TABLE agent_slot_activity (
  slot_start     BIGINT      NOT NULL,   -- UTC epoch seconds
  ext            VARCHAR(32) NOT NULL,
  slot_end       BIGINT      NOT NULL,   -- UTC epoch seconds, exclusive
  hour_start     BIGINT      NOT NULL,   -- the report hour of the slot
  counted_s      INT         NOT NULL,   -- loaded seconds of the slot
  idle_s         INT         NOT NULL DEFAULT 0,
  talk_s         INT         NOT NULL DEFAULT 0,
  hold_s         INT         NOT NULL DEFAULT 0,
  wrap_s         INT         NOT NULL DEFAULT 0,
  login_s        INT         NOT NULL DEFAULT 0,
  logoff_s       INT         NOT NULL DEFAULT 0,
  dnd_s          INT         NOT NULL DEFAULT 0,
  meeting_s      INT         NOT NULL DEFAULT 0,
  training_s     INT         NOT NULL DEFAULT 0,
  chat_s         INT         NOT NULL DEFAULT 0,
  tickets_s      INT         NOT NULL DEFAULT 0,
  outbound_s     INT         NOT NULL DEFAULT 0,
  lunch_s        INT         NOT NULL DEFAULT 0,
  tea_s          INT         NOT NULL DEFAULT 0,
  bio_s          INT         NOT NULL DEFAULT 0,
  short_break_s  INT         NOT NULL DEFAULT 0,
  other_npt_s    INT         NOT NULL DEFAULT 0,
  offline_s      INT         NOT NULL DEFAULT 0,
  not_loaded_s   INT         NOT NULL DEFAULT 0,
  total_calls    BIGINT      NOT NULL DEFAULT 0,
  answered_calls BIGINT      NOT NULL DEFAULT 0,
  PRIMARY KEY (slot_start, ext),
  KEY ix_agent_slot_activity_ext (ext, slot_start),
  CONSTRAINT ck_agent_slot_activity_seconds CHECK (
    counted_s >= 0 AND idle_s >= 0 AND talk_s >= 0 AND hold_s >= 0 AND wrap_s >= 0
    AND login_s >= 0 AND logoff_s >= 0 AND dnd_s >= 0 AND meeting_s >= 0 AND training_s >= 0
    AND chat_s >= 0 AND tickets_s >= 0 AND outbound_s >= 0 AND lunch_s >= 0 AND tea_s >= 0
    AND bio_s >= 0 AND short_break_s >= 0 AND other_npt_s >= 0 AND offline_s >= 0 AND not_loaded_s >= 0
    AND idle_s + talk_s + hold_s + wrap_s + login_s + logoff_s + dnd_s + meeting_s + training_s
      + chat_s + tickets_s + outbound_s + lunch_s + tea_s + bio_s + short_break_s + other_npt_s
      + offline_s = counted_s
    AND counted_s + not_loaded_s = slot_end - slot_start
  )
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
