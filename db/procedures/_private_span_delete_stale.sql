-- Part of the stage _private_span_writes: deletes the rows of p_table in [p_from, p_to) of
-- the column p_time, for the agents p_who names (a condition on t.ext, with ? for the two
-- bounds @apr_lo and @apr_hi), that the span no longer produces (not in p_out).
-- The stale keys are found first by a plain read, which the ext-first index p_index
-- answers alone (a DELETE would fetch and lock every agent row of the span from the
-- table itself, scattered across it); only those keys are then deleted, by primary key.
-- Usually there are none. p_index empty: all agents, read along the primary key.
DROP PROCEDURE IF EXISTS _private_span_delete_stale;
CREATE PROCEDURE _private_span_delete_stale(IN p_table VARCHAR(64), IN p_index VARCHAR(64), IN p_out VARCHAR(64),
                                            IN p_time VARCHAR(64), IN p_who TEXT, IN p_from BIGINT, IN p_to BIGINT)
  MODIFIES SQL DATA
  COMMENT 'internal stage of sp_aggregate_span: delete rows the span no longer produces'
BEGIN
  DECLARE v_from_rows TEXT DEFAULT CONCAT(
    ' FROM ', p_table, ' t', IF(p_index = '', '', CONCAT(' FORCE INDEX (', p_index, ')')),
    ' LEFT JOIN ', p_out, ' o ON o.', p_time, ' = t.', p_time, ' AND o.ext = t.ext',
    ' WHERE ', p_who, ' AND t.', p_time, ' >= ', p_from, ' AND t.', p_time, ' < ', p_to, ' AND o.ext IS NULL');

  SET @apr_sql = CONCAT('SELECT COUNT(*), GROUP_CONCAT(''('', t.', p_time, ', '','', QUOTE(t.ext), '')'')',
                        v_from_rows, ' INTO @apr_stale_n, @apr_stale');
  PREPARE apr_stmt FROM @apr_sql;
  EXECUTE apr_stmt USING @apr_lo, @apr_hi;
  IF @apr_stale_n > 0 THEN
    IF LENGTH(@apr_stale) < @@SESSION.group_concat_max_len THEN
      SET @apr_sql = CONCAT('DELETE FROM ', p_table, ' WHERE (', p_time, ', ext) IN (', @apr_stale, ')');
      PREPARE apr_stmt FROM @apr_sql;
      EXECUTE apr_stmt;
    ELSE
      -- too many to list: delete them as they are found
      SET @apr_sql = CONCAT('DELETE t', v_from_rows);
      PREPARE apr_stmt FROM @apr_sql;
      EXECUTE apr_stmt USING @apr_lo, @apr_hi;
    END IF;
  END IF;
  DEALLOCATE PREPARE apr_stmt;
  SET @apr_sql = NULL, @apr_stale = NULL, @apr_stale_n = NULL;
END
