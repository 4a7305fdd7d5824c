-- Stage of sp_aggregate_span, inside its transaction: replaces the span's rows of these
-- agents in agent_slot_activity, agent_activity and agent_reason_activity. Rows no longer
-- produced are deleted; the others are written only where new or changed
-- (_private_span_upsert_changed). A group of agents' old rows are found by extension
-- first (one short range per agent of the tables' ext-first indexes): the primary keys,
-- time first, would read every agent's rows of the span, once per group.
DROP PROCEDURE IF EXISTS _private_span_writes;
CREATE PROCEDURE _private_span_writes(IN p_from BIGINT, IN p_to BIGINT, IN p_to_end BIGINT,
                                      IN p_lo VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
                                      IN p_hi VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin)
  MODIFIES SQL DATA
  COMMENT 'internal stage of sp_aggregate_span: write the slot, hour and reason rows'
BEGIN
  -- the seconds' columns both tables share, in their order
  DECLARE c_activity_cols TEXT DEFAULT CONCAT('idle_s,talk_s,hold_s,wrap_s,login_s,logoff_s,dnd_s,meeting_s,training_s,',
    'chat_s,tickets_s,outbound_s,lunch_s,tea_s,bio_s,short_break_s,other_npt_s');
  DECLARE v_exts MEDIUMTEXT;
  DECLARE v_who TEXT;

  SET v_exts = (SELECT GROUP_CONCAT(QUOTE(ext)) FROM apr_tmp_group);
  SET @apr_lo = p_lo, @apr_hi = p_hi;
  SET v_who = IF(v_exts IS NULL, 't.ext >= ? AND t.ext < ?', CONCAT('t.ext IN (', v_exts, ') AND t.ext >= ? AND t.ext < ?'));
  -- (the slots of the span's hours are those starting in [p_from, p_to_end): a range of
  -- slot_start, where a condition on hour_start would read the whole table)
  IF p_to_end IS NOT NULL THEN
    CALL _private_span_delete_stale('agent_slot_activity', IF(v_exts IS NULL, '', 'ix_agent_slot_activity_ext'),
                                    'apr_tmp_out_slots', 'slot_start', v_who, p_from, p_to_end);
  END IF;
  CALL _private_span_upsert_changed('agent_slot_activity', 'apr_tmp_out_slots', 'slot_start,ext', CONCAT(
    'slot_end,hour_start,counted_s,', c_activity_cols, ',offline_s,not_loaded_s,total_calls,answered_calls'),
    p_to_end IS NOT NULL AND EXISTS (SELECT 1 FROM agent_slot_activity WHERE slot_start >= p_from AND slot_start < p_to_end));

  CALL _private_span_delete_stale('agent_activity', IF(v_exts IS NULL, '', 'ix_agent_activity_ext'),
                                  'apr_tmp_out_hours', 'hour_start', v_who, p_from, p_to);
  CALL _private_span_upsert_changed('agent_activity', 'apr_tmp_out_hours', 'hour_start,ext', CONCAT(
    'hour_end,local_start,local_end,counted_s,', c_activity_cols, ',offline_s,not_loaded_s,total_calls,answered_calls'),
    EXISTS (SELECT 1 FROM agent_activity WHERE hour_start >= p_from AND hour_start < p_to));

  SET @apr_sql = CONCAT(
    'DELETE t FROM agent_reason_activity t', IF(v_exts IS NULL, '', ' FORCE INDEX (ix_agent_reason_activity_ext)'),
    ' LEFT JOIN apr_tmp_out_reasons o ON o.hour_start = t.hour_start AND o.ext = t.ext AND o.reason = t.reason',
    ' WHERE ', v_who, ' AND t.hour_start >= ', p_from, ' AND t.hour_start < ', p_to, ' AND o.ext IS NULL');
  PREPARE apr_stmt FROM @apr_sql;
  EXECUTE apr_stmt USING @apr_lo, @apr_hi;
  DEALLOCATE PREPARE apr_stmt;
  SET @apr_sql = NULL, @apr_lo = NULL, @apr_hi = NULL;
  CALL _private_span_upsert_changed('agent_reason_activity', 'apr_tmp_out_reasons', 'hour_start,ext,reason', 'reason_s',
    EXISTS (SELECT 1 FROM agent_reason_activity WHERE hour_start >= p_from AND hour_start < p_to));
END
