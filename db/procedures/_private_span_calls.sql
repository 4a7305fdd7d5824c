-- Stage of sp_aggregate_span: apr_tmp_calls, the offered and answered calls (users_calls)
-- of the span's slots, for the agents it counts. All agents over a few hours: one range of
-- the primary key. A group of agents over many hours: one short range per agent of
-- ix_users_calls_ext, which holds the counts; the primary key would read every agent's
-- wide rows of every slot, once per group.
DROP PROCEDURE IF EXISTS _private_span_calls;
CREATE PROCEDURE _private_span_calls(IN p_from BIGINT, IN p_to_end BIGINT, IN p_all BOOLEAN,
                                     IN p_lo VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
                                     IN p_hi VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin)
  MODIFIES SQL DATA
  COMMENT 'internal stage of sp_aggregate_span: the calls of the span''s slots'
BEGIN
  DECLARE v_exts MEDIUMTEXT;

  DROP TEMPORARY TABLE IF EXISTS apr_tmp_calls;
  CREATE TEMPORARY TABLE apr_tmp_calls (
    slot_start     BIGINT NOT NULL,
    ext            VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    total_calls    BIGINT NOT NULL,
    answered_calls BIGINT NOT NULL,
    PRIMARY KEY (slot_start, ext)
  ) ENGINE=MEMORY;
  SET v_exts = (SELECT GROUP_CONCAT(QUOTE(ext)) FROM apr_tmp_group);
  IF v_exts IS NULL THEN
    INSERT INTO apr_tmp_calls (slot_start, ext, total_calls, answered_calls)
    SELECT slot_start, ext, total_calls, answered_calls
    FROM users_calls
    WHERE slot_start >= p_from AND slot_start < p_to_end AND ext >= p_lo AND ext < p_hi;
  ELSEIF p_to_end IS NOT NULL THEN
    SET @apr_sql = CONCAT(
      'INSERT INTO apr_tmp_calls (slot_start, ext, total_calls, answered_calls)',
      ' SELECT slot_start, ext, total_calls, answered_calls',
      ' FROM users_calls FORCE INDEX (ix_users_calls_ext)',
      ' WHERE ext IN (', v_exts, ') AND slot_start >= ', p_from, ' AND slot_start < ', p_to_end);
    PREPARE apr_stmt FROM @apr_sql;
    EXECUTE apr_stmt;
    DEALLOCATE PREPARE apr_stmt;
    SET @apr_sql = NULL;
  END IF;
END
