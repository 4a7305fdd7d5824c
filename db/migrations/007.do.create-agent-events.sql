-- Raw events, one row per upstream event (SPEC §2, §3). Never rewritten by the transform.
-- Identity (SPEC §3): extension, second, position among that extension's events in that
-- second in feed order (`seq`, from 0). Re-loading a second upserts the same rows.
CREATE TABLE agent_events (
  ext           VARCHAR(32)  NOT NULL,
  ts            BIGINT       NOT NULL,            -- epoch seconds (UTC)
  seq           SMALLINT UNSIGNED NOT NULL,       -- feed order within (ext, ts)
  event         VARCHAR(64)  NOT NULL,
  enabled       TINYINT(1)   NOT NULL,
  state         VARCHAR(255) NULL,                -- as sent; for not-available: the reason
  user_id       VARCHAR(64)  NULL,
  username      VARCHAR(255) NULL,                -- as sent (URL-encoded-ish)
  raw_timestamp BIGINT       NOT NULL,            -- as sent (seconds or milliseconds)
  extra         JSON         NULL,                -- any fields the upstream adds later
  loaded_at     TIMESTAMP    NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (ext, ts, seq),
  -- the latest event of each flag before a time, per agent (state carried into an hour)
  KEY ix_agent_events_flag (ext, event, ts, seq),
  -- all agents' events of one hour
  KEY ix_agent_events_ts (ts)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
