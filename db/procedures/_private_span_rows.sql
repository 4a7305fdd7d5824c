-- Stage of sp_aggregate_span: the rows to store, in the tables' columns.
--   apr_tmp_activity     seconds per slot and agent, pivoted into the categories' columns,
--                        for agents with a non-Offline second in the slot (apr_tmp_pieces)
--   apr_tmp_out_slots    a row per agent and slot with a non-Offline second or an offered
--                        call (rules §5), with the slot's calls (apr_tmp_calls)
--   apr_tmp_out_hours    the same per report hour: sums of its slot rows; Offline is the
--                        hour's loaded seconds less the agent's other seconds
--   apr_tmp_out_reasons  seconds per hour, agent and raw reason (reconciliation)
DROP PROCEDURE IF EXISTS _private_span_rows;
CREATE PROCEDURE _private_span_rows()
  MODIFIES SQL DATA
  COMMENT 'internal stage of sp_aggregate_span: the slot, hour and reason rows to store'
BEGIN
  DECLARE c_code_idle       TINYINT DEFAULT 1;
  DECLARE c_code_talk       TINYINT DEFAULT 2;
  DECLARE c_code_hold       TINYINT DEFAULT 3;
  DECLARE c_code_wrap_up    TINYINT DEFAULT 4;
  DECLARE c_code_na         TINYINT DEFAULT 5;
  DECLARE c_cat_other       TINYINT DEFAULT 0;
  DECLARE c_cat_login       TINYINT DEFAULT 1;
  DECLARE c_cat_logoff      TINYINT DEFAULT 2;
  DECLARE c_cat_dnd         TINYINT DEFAULT 3;
  DECLARE c_cat_meeting     TINYINT DEFAULT 4;
  DECLARE c_cat_training    TINYINT DEFAULT 5;
  DECLARE c_cat_chat        TINYINT DEFAULT 6;
  DECLARE c_cat_tickets     TINYINT DEFAULT 7;
  DECLARE c_cat_outbound    TINYINT DEFAULT 8;
  DECLARE c_cat_lunch       TINYINT DEFAULT 9;
  DECLARE c_cat_tea_coffee  TINYINT DEFAULT 10;
  DECLARE c_cat_bio         TINYINT DEFAULT 11;
  DECLARE c_cat_short_break TINYINT DEFAULT 12;

  DROP TEMPORARY TABLE IF EXISTS apr_tmp_activity, apr_tmp_out_slots, apr_tmp_out_hours, apr_tmp_out_reasons;
  CREATE TEMPORARY TABLE apr_tmp_activity (
    slot_idx INT NOT NULL,
    agent_id INT NOT NULL,
    idle_s INT NOT NULL, talk_s INT NOT NULL, hold_s INT NOT NULL, wrap_s INT NOT NULL,
    login_s INT NOT NULL, logoff_s INT NOT NULL, dnd_s INT NOT NULL,
    meeting_s INT NOT NULL, training_s INT NOT NULL, chat_s INT NOT NULL, tickets_s INT NOT NULL, outbound_s INT NOT NULL,
    lunch_s INT NOT NULL, tea_s INT NOT NULL, bio_s INT NOT NULL, short_break_s INT NOT NULL, other_npt_s INT NOT NULL,
    active_s  INT NOT NULL,
    PRIMARY KEY (slot_idx, agent_id)
  ) ENGINE=MEMORY;
  INSERT INTO apr_tmp_activity
  SELECT p.slot_idx, p.agent_id,
    IF(p.code = c_code_idle, p.secs, 0), IF(p.code = c_code_talk, p.secs, 0), IF(p.code = c_code_hold, p.secs, 0),
    IF(p.code = c_code_wrap_up, p.secs, 0),
    IF(n.cat = c_cat_login, p.secs, 0), IF(n.cat = c_cat_logoff, p.secs, 0), IF(n.cat = c_cat_dnd, p.secs, 0),
    IF(n.cat = c_cat_meeting, p.secs, 0), IF(n.cat = c_cat_training, p.secs, 0), IF(n.cat = c_cat_chat, p.secs, 0),
    IF(n.cat = c_cat_tickets, p.secs, 0), IF(n.cat = c_cat_outbound, p.secs, 0), IF(n.cat = c_cat_lunch, p.secs, 0),
    IF(n.cat = c_cat_tea_coffee, p.secs, 0), IF(n.cat = c_cat_bio, p.secs, 0), IF(n.cat = c_cat_short_break, p.secs, 0),
    IF(p.code = c_code_na AND COALESCE(n.cat, c_cat_other) = c_cat_other, p.secs, 0),
    p.secs
  FROM apr_tmp_pieces p
  LEFT JOIN apr_tmp_na_reason n ON p.code = c_code_na AND n.agent_id = p.agent_id AND n.na = p.na
  ON DUPLICATE KEY UPDATE
    idle_s = idle_s + VALUES(idle_s), talk_s = talk_s + VALUES(talk_s), hold_s = hold_s + VALUES(hold_s),
    wrap_s = wrap_s + VALUES(wrap_s), login_s = login_s + VALUES(login_s), logoff_s = logoff_s + VALUES(logoff_s),
    dnd_s = dnd_s + VALUES(dnd_s), meeting_s = meeting_s + VALUES(meeting_s), training_s = training_s + VALUES(training_s),
    chat_s = chat_s + VALUES(chat_s), tickets_s = tickets_s + VALUES(tickets_s), outbound_s = outbound_s + VALUES(outbound_s),
    lunch_s = lunch_s + VALUES(lunch_s), tea_s = tea_s + VALUES(tea_s), bio_s = bio_s + VALUES(bio_s),
    short_break_s = short_break_s + VALUES(short_break_s), other_npt_s = other_npt_s + VALUES(other_npt_s),
    active_s = active_s + VALUES(active_s);

  CREATE TEMPORARY TABLE apr_tmp_out_slots (
    slot_start BIGINT NOT NULL,
    ext VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    slot_end BIGINT NOT NULL, hour_start BIGINT NOT NULL, counted_s INT NOT NULL,
    idle_s INT NOT NULL DEFAULT 0, talk_s INT NOT NULL DEFAULT 0, hold_s INT NOT NULL DEFAULT 0, wrap_s INT NOT NULL DEFAULT 0,
    login_s INT NOT NULL DEFAULT 0, logoff_s INT NOT NULL DEFAULT 0, dnd_s INT NOT NULL DEFAULT 0,
    meeting_s INT NOT NULL DEFAULT 0, training_s INT NOT NULL DEFAULT 0, chat_s INT NOT NULL DEFAULT 0,
    tickets_s INT NOT NULL DEFAULT 0, outbound_s INT NOT NULL DEFAULT 0, lunch_s INT NOT NULL DEFAULT 0,
    tea_s INT NOT NULL DEFAULT 0, bio_s INT NOT NULL DEFAULT 0, short_break_s INT NOT NULL DEFAULT 0,
    other_npt_s INT NOT NULL DEFAULT 0, offline_s INT NOT NULL DEFAULT 0, not_loaded_s INT NOT NULL DEFAULT 0,
    total_calls BIGINT NOT NULL, answered_calls BIGINT NOT NULL,
    PRIMARY KEY (slot_start, ext)
  ) ENGINE=MEMORY;
  INSERT INTO apr_tmp_out_slots (slot_start, ext, slot_end, hour_start, counted_s,
    idle_s, talk_s, hold_s, wrap_s, login_s, logoff_s, dnd_s, meeting_s, training_s, chat_s, tickets_s,
    outbound_s, lunch_s, tea_s, bio_s, short_break_s, other_npt_s, offline_s, not_loaded_s, total_calls, answered_calls)
  SELECT s.slot_start, g.ext, s.slot_end, s.hour_start, s.counted_s,
    t.idle_s, t.talk_s, t.hold_s, t.wrap_s, t.login_s, t.logoff_s, t.dnd_s, t.meeting_s, t.training_s, t.chat_s,
    t.tickets_s, t.outbound_s, t.lunch_s, t.tea_s, t.bio_s, t.short_break_s, t.other_npt_s, s.counted_s - t.active_s,
    s.slot_end - s.slot_start - s.counted_s,
    COALESCE(c.total_calls, 0), COALESCE(c.answered_calls, 0)
  FROM apr_tmp_activity t
  JOIN apr_tmp_slots s ON s.slot_idx = t.slot_idx
  JOIN apr_tmp_agents g ON g.id = t.agent_id
  LEFT JOIN apr_tmp_calls c ON c.slot_start = s.slot_start AND c.ext = g.ext
  WHERE t.active_s > 0 OR c.total_calls > 0;
  -- Offered calls from an agent Offline all slot, or never seen in the events.
  INSERT IGNORE INTO apr_tmp_out_slots (slot_start, ext, slot_end, hour_start, counted_s, offline_s, not_loaded_s,
    total_calls, answered_calls)
  SELECT s.slot_start, c.ext, s.slot_end, s.hour_start, s.counted_s, s.counted_s, s.slot_end - s.slot_start - s.counted_s,
    c.total_calls, c.answered_calls
  FROM apr_tmp_slots s
  JOIN apr_tmp_calls c ON c.slot_start = s.slot_start
  WHERE c.total_calls > 0;

  CREATE TEMPORARY TABLE apr_tmp_out_hours (
    hour_start BIGINT NOT NULL,
    ext VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    hour_end BIGINT NOT NULL, local_start DATETIME NOT NULL, local_end DATETIME NOT NULL, counted_s INT NOT NULL,
    idle_s INT NOT NULL, talk_s INT NOT NULL, hold_s INT NOT NULL, wrap_s INT NOT NULL,
    login_s INT NOT NULL, logoff_s INT NOT NULL, dnd_s INT NOT NULL,
    meeting_s INT NOT NULL, training_s INT NOT NULL, chat_s INT NOT NULL, tickets_s INT NOT NULL, outbound_s INT NOT NULL,
    lunch_s INT NOT NULL, tea_s INT NOT NULL, bio_s INT NOT NULL, short_break_s INT NOT NULL, other_npt_s INT NOT NULL,
    offline_s INT NOT NULL, not_loaded_s INT NOT NULL,
    total_calls BIGINT NOT NULL, answered_calls BIGINT NOT NULL,
    PRIMARY KEY (hour_start, ext)
  ) ENGINE=MEMORY;
  INSERT INTO apr_tmp_out_hours
  SELECT x.hour_start, x.ext, h.hour_end, h.local_start, h.local_end, h.counted_s,
    x.idle_s, x.talk_s, x.hold_s, x.wrap_s, x.login_s, x.logoff_s, x.dnd_s, x.meeting_s, x.training_s, x.chat_s,
    x.tickets_s, x.outbound_s, x.lunch_s, x.tea_s, x.bio_s, x.short_break_s, x.other_npt_s,
    h.counted_s - x.active_s, h.hour_end - h.hour_start - h.counted_s,
    x.total_calls, x.answered_calls
  FROM (
    SELECT hour_start, ext,
      SUM(idle_s) AS idle_s, SUM(talk_s) AS talk_s, SUM(hold_s) AS hold_s, SUM(wrap_s) AS wrap_s,
      SUM(login_s) AS login_s, SUM(logoff_s) AS logoff_s, SUM(dnd_s) AS dnd_s, SUM(meeting_s) AS meeting_s,
      SUM(training_s) AS training_s, SUM(chat_s) AS chat_s, SUM(tickets_s) AS tickets_s, SUM(outbound_s) AS outbound_s,
      SUM(lunch_s) AS lunch_s, SUM(tea_s) AS tea_s, SUM(bio_s) AS bio_s, SUM(short_break_s) AS short_break_s,
      SUM(other_npt_s) AS other_npt_s, SUM(counted_s - offline_s) AS active_s,
      SUM(total_calls) AS total_calls, SUM(answered_calls) AS answered_calls
    FROM apr_tmp_out_slots
    GROUP BY hour_start, ext
  ) x
  JOIN apr_tmp_hours h ON h.hour_start = x.hour_start;

  CREATE TEMPORARY TABLE apr_tmp_out_reasons (
    hour_start BIGINT NOT NULL,
    ext VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    reason VARBINARY(1020) NOT NULL,
    reason_s INT NOT NULL,
    PRIMARY KEY (hour_start, ext, reason)
  ) ENGINE=MEMORY;
  INSERT INTO apr_tmp_out_reasons (hour_start, ext, reason, reason_s)
  SELECT s.hour_start, g.ext, r.reason, SUM(p.secs)
  FROM apr_tmp_pieces p
  JOIN apr_tmp_slots s ON s.slot_idx = p.slot_idx
  JOIN apr_tmp_agents g ON g.id = p.agent_id
  JOIN apr_tmp_na_reason r ON r.agent_id = p.agent_id AND r.na = p.na
  WHERE p.code = c_code_na
  GROUP BY s.hour_start, g.ext, r.reason;
END
