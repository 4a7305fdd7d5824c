-- One row per agent per report hour (SPEC §5), derived by sp_aggregate_hour/_range.
-- Seconds per state category; offline_s makes conservation checkable:
--   idle+talk+hold+wrap+login+logoff+dnd+productive+non-productive+offline = counted_s.
CREATE TABLE agent_activity (
  hour_start     BIGINT      NOT NULL,   -- UTC epoch seconds
  ext            VARCHAR(32) NOT NULL,
  hour_end       BIGINT      NOT NULL,   -- UTC epoch seconds, exclusive
  local_start    DATETIME    NOT NULL,   -- REPORT_TZ wall clock
  local_end      DATETIME    NOT NULL,
  counted_s      INT         NOT NULL,   -- seconds of the hour before the data horizon
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
  total_calls    BIGINT      NOT NULL DEFAULT 0,
  answered_calls BIGINT      NOT NULL DEFAULT 0,
  computed_at    TIMESTAMP   NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (hour_start, ext),
  KEY ix_agent_activity_ext (ext, hour_start)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
