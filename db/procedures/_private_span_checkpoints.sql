-- Stage of sp_aggregate_span, inside its transaction: agent_state_checkpoints, the state
-- carried into each hour start of the span, for agents with something on, so a later span
-- can start there without reading older events. At the span's start that is the state
-- carried in; at a later hour start H, the state of the piece that holds the second before
-- it (unless a stretch starts or ends at H: then every flag is off). The checkpoints after
-- the span rest on the state at its end: when that comes out as before, they stand;
-- otherwise they go, with their marks.
DROP PROCEDURE IF EXISTS _private_span_checkpoints;
CREATE PROCEDURE _private_span_checkpoints(IN p_from BIGINT, IN p_to_end BIGINT, IN p_end BIGINT, IN p_all BOOLEAN,
                                           IN p_lo VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
                                           IN p_hi VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin)
  MODIFIES SQL DATA
  COMMENT 'internal stage of sp_aggregate_span: state checkpoints at hour starts'
BEGIN
  DECLARE c_flag_na        TINYINT DEFAULT 5;
  DECLARE c_bits_flags     BIGINT DEFAULT 15;
  DECLARE c_na_carried     BIGINT DEFAULT 1;
  DECLARE c_na_ts_stride   BIGINT DEFAULT 65536;
  DECLARE c_slot_seconds   BIGINT DEFAULT 900;
  DECLARE v_same BOOLEAN DEFAULT FALSE;

  DROP TEMPORARY TABLE IF EXISTS apr_tmp_checkpoints;
  CREATE TEMPORARY TABLE apr_tmp_checkpoints (
    at_ts  BIGINT NOT NULL,
    ext    VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    flags  TINYINT NOT NULL,
    na_ts  BIGINT NULL,
    na_seq INT NULL,
    PRIMARY KEY (at_ts, ext)
  ) ENGINE=MEMORY;
  DROP TEMPORARY TABLE IF EXISTS apr_tmp_instants;
  CREATE TEMPORARY TABLE apr_tmp_instants (
    at_ts BIGINT NOT NULL,
    PRIMARY KEY (at_ts) USING BTREE
  ) ENGINE=MEMORY;
  IF p_end > p_from AND EXISTS (SELECT 1 FROM apr_tmp_agents) THEN
    -- (flag n of 1-4 is bit n - 1 of flags)
    INSERT INTO apr_tmp_checkpoints (at_ts, ext, flags, na_ts, na_seq)
    SELECT p_from, c.ext, SUM(IF(c.flag < c_flag_na, 1 << (c.flag - 1), 0)),
      MAX(IF(c.flag = c_flag_na, c.ts, NULL)), MAX(IF(c.flag = c_flag_na, c.seq, NULL))
    FROM apr_tmp_carried c
    WHERE p_from IN (SELECT hour_start FROM apr_tmp_hours)
    GROUP BY c.ext;
    INSERT INTO apr_tmp_instants (at_ts)
    SELECT h.hour_start FROM apr_tmp_hours h
    LEFT JOIN apr_tmp_edges d ON d.at_ts = h.hour_start
    WHERE h.hour_start > p_from AND h.hour_start < p_end AND d.at_ts IS NULL;
    IF p_end = p_to_end THEN
      INSERT INTO apr_tmp_instants (at_ts) VALUES (p_end);
    END IF;
    -- (a piece holds an hour start only if it crosses a slot edge: the others are skipped
    -- by arithmetic before the range look-up)
    INSERT INTO apr_tmp_checkpoints (at_ts, ext, flags, na_ts, na_seq)
    SELECT h.at_ts, g.ext, s.flags & c_bits_flags,
      CASE WHEN s.na_mark = 0 THEN NULL WHEN s.na_mark = c_na_carried THEN c.ts ELSE p_from + (s.na_mark - 2) DIV c_na_ts_stride END,
      CASE WHEN s.na_mark = 0 THEN NULL WHEN s.na_mark = c_na_carried THEN c.seq ELSE (s.na_mark - 2) MOD c_na_ts_stride END
    FROM apr_tmp_state s
    JOIN apr_tmp_instants h ON h.at_ts > s.from_ts AND h.at_ts <= s.to_ts
    JOIN apr_tmp_agents g ON g.id = s.agent_id
    LEFT JOIN apr_tmp_carried c ON c.ext = g.ext AND c.flag = c_flag_na
    WHERE (s.to_ts - p_from) DIV c_slot_seconds > (s.from_ts - p_from) DIV c_slot_seconds
      AND (s.flags & c_bits_flags <> 0 OR s.na_mark > 0);
  END IF;

  DELETE FROM agent_state_marks WHERE at_ts > p_from AND at_ts < p_end;
  -- (one temporary table per statement: MySQL cannot open one twice in a statement)
  SET v_same = p_end = p_to_end AND fn_mark_holds(p_end);
  IF v_same THEN
    SET v_same = NOT EXISTS (
      SELECT 1 FROM apr_tmp_checkpoints n
      LEFT JOIN agent_state_checkpoints k ON k.at_ts = n.at_ts AND k.ext = n.ext AND k.flags = n.flags
        AND k.na_ts <=> n.na_ts AND k.na_seq <=> n.na_seq
      WHERE n.at_ts = p_end AND k.ext IS NULL);
  END IF;
  IF v_same THEN
    SET v_same = NOT EXISTS (
      SELECT 1 FROM agent_state_checkpoints k
      LEFT JOIN apr_tmp_checkpoints n ON n.at_ts = k.at_ts AND n.ext = k.ext
      WHERE k.at_ts = p_end AND k.ext >= p_lo AND k.ext < p_hi AND n.ext IS NULL);
  END IF;
  IF NOT v_same THEN
    DELETE FROM agent_state_marks WHERE at_ts >= p_end;
    DELETE FROM agent_state_checkpoints WHERE at_ts > p_end AND ext >= p_lo AND ext < p_hi;
  END IF;
  DELETE t FROM agent_state_checkpoints t
  LEFT JOIN apr_tmp_checkpoints n ON n.at_ts = t.at_ts AND n.ext = t.ext
  WHERE t.at_ts >= p_from AND t.at_ts <= p_end AND t.ext >= p_lo AND t.ext < p_hi AND n.ext IS NULL;
  CALL _private_span_upsert_changed('agent_state_checkpoints', 'apr_tmp_checkpoints', 'at_ts,ext', 'flags,na_ts,na_seq',
    EXISTS (SELECT 1 FROM agent_state_checkpoints WHERE at_ts >= p_from AND at_ts <= p_end));
  -- With all agents here, the checkpoints of these instants are complete.
  IF p_all AND p_end > p_from THEN
    CALL sp_checkpoint_marks(p_from, IF(p_end = p_to_end, p_end, p_end - 1));
  END IF;
END
