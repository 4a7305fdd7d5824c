-- The live state (rules §10) as the collector leaves it at the end of a run: what
-- sp_agent_live computes for every agent, kept so the live board, /metrics and a SQL
-- client read it instead of following each agent's state back (about a second at 10,000
-- agents, on every request). live_state_at says what it was computed from: it stands
-- only while the data horizon, the latest loaded window and the retention cut are still
-- those, which every load and prune moves; otherwise sp_agent_live computes afresh. A
-- break's category is not kept: it is looked up when read, so an edited break_reason_map
-- shows at once.
CREATE TABLE live_state (
  ext           VARCHAR(32)  NOT NULL PRIMARY KEY,
  code          TINYINT      NOT NULL,   -- 0 Offline, 1 Idle, 2 Talk, 3 Hold, 4 Wrap Up, 5 not available
  reason        VARCHAR(255) NULL,       -- code 5: the reason of the event in force when the state began
  norm          VARCHAR(255) NULL,       -- that reason normalised (fn_normalize_reason)
  since         BIGINT       NOT NULL,
  staffed_today BOOLEAN      NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE live_state_at (
  id        TINYINT NOT NULL PRIMARY KEY,   -- always 1
  horizon   BIGINT  NOT NULL,
  window_id BIGINT  NULL,                   -- MAX(loaded_windows.id) then
  raw_cut   BIGINT  NOT NULL,               -- fn_raw_cut() then
  CONSTRAINT ck_live_state_at_one CHECK (id = 1)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
