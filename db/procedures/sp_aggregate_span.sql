-- The transform (rules §3-§4) for a run of consecutive report hours and a range of agents:
-- recomputes agent_slot_activity (per 15-minute slot), agent_activity (per hour) and
-- agent_reason_activity for every report hour whose start lies in [p_from, p_to) and every
-- extension in [p_ext_lo, p_ext_hi) (NULL: unbounded), in one transaction. Internal: the
-- public entry points are sp_aggregate_hour, sp_aggregate_range and
-- sp_aggregate_epoch_range (through sp_aggregate_between).
--
-- Set-based, no loop over agents or events. This driver takes the lock, sets the session
-- up, and runs the stages; each stage is a _private_span_* procedure named for the
-- temporary tables it fills, which the stages share within the session:
--   _private_span_slots          apr_tmp_slots, apr_tmp_hours, apr_tmp_edges: the span's slots with
--                                their loaded seconds, and where loaded stretches start and end
--   _private_span_carried_state  apr_tmp_carried: every flag on at the span's start
--   _private_span_agents         apr_tmp_agents: who to count, numbered; apr_tmp_group: a group's extensions
--   _private_span_calls          apr_tmp_calls: the offered and answered calls of the span's slots
--   _private_span_state_pieces   apr_tmp_in, apr_tmp_state, apr_tmp_pieces: the resets, the state
--                                piece by piece, seconds per slot, agent and state
--   _private_span_categories     apr_tmp_na_reason, apr_tmp_reasons: each break's reason and category
--   _private_span_rows           apr_tmp_out_slots, apr_tmp_out_hours, apr_tmp_out_reasons: the rows to store
--   _private_span_writes         agent_slot_activity, agent_activity, agent_reason_activity
--   _private_span_checkpoints    agent_state_checkpoints: the state at each hour start
--
-- The codes the stages share. Each stage DECLAREs the ones it uses under these names, with
-- these values; test/transform-encodings.test.ts fails when a file disagrees with a line
-- here, or spells one of them as a bare number where the stages use the name.
--   c_flag_idle          1  flag numbers (apr_tmp_in.flag, apr_tmp_carried.flag): the event
--   c_flag_on_call       2    type that sets the flag, in rules §3.1's order; flag n of 1-4
--   c_flag_hold          3    is bit n - 1 of the packed state and of
--   c_flag_wrap_up       4    agent_state_checkpoints.flags
--   c_flag_na            5
--   c_flag_unloaded      6  the not-loaded flag of the resets
--   c_bit_idle           1  the flags' bits in the packed state and in checkpoints
--   c_bit_on_call        2
--   c_bit_hold           4
--   c_bit_wrap_up        8
--   c_bits_flags        15  all four
--   c_bit_unloaded      16  outside every loaded stretch: such seconds are not counted
--   c_na_stride         32  packed state = flag bits + not-loaded bit + c_na_stride x na mark
--   c_na_carried         1  na mark of the not-available event carried in (0: off)
--   c_na_ts_stride   65536  na mark of an event inside the span: 2 + (ts - p_from) x c_na_ts_stride + seq
--   c_row_stride     65537  row order = ts x c_row_stride + k: k = 0 the carried state and the
--   c_row_k_event        1    resets, seq + c_row_k_event an event, so within a second they
--                            come in that order (rules §3.2)
--   c_code_offline       0  state codes (apr_tmp_state.code, apr_tmp_pieces.code)
--   c_code_idle          1
--   c_code_talk          2
--   c_code_hold          3
--   c_code_wrap_up       4
--   c_code_na            5  not available: its reason's category decides the column
--   c_cat_other          0  categories (apr_tmp_na_reason.cat): FIELD()'s position of the
--   c_cat_login          1    category in _private_span_categories.sql, so the list there
--   c_cat_logoff         2    is in this order; 0 for Other NPT and any category without a
--   c_cat_dnd            3    column of its own
--   c_cat_meeting        4
--   c_cat_training       5
--   c_cat_chat           6
--   c_cat_tickets        7
--   c_cat_outbound       8
--   c_cat_lunch          9
--   c_cat_tea_coffee    10
--   c_cat_bio           11
--   c_cat_short_break   12
--   c_slot_seconds     900  a slot's length (rules §4): the span's slots follow each other
--                            from p_from, so a second's slot is (ts - p_from) DIV 900 + 1
-- Why the packing is exact: seq is a SMALLINT UNSIGNED (agent_events), below 65536, so
-- seq + 2 never reaches the ts part of an na mark (decoded from mark - 2), and seq + 1 never
-- reaches the next second's row order; a span has at most 4094 slots (_private_span_slots),
-- so ts - p_from < 2^22, an na mark < 2^38 and a packed state < 2^43, far inside a BIGINT.
-- The running SUM of each flag's changes is, after every row, the sum of the flags' current
-- values, each in its own bits, so no part carries into another.
DROP PROCEDURE IF EXISTS sp_aggregate_span;
CREATE PROCEDURE sp_aggregate_span(IN p_from BIGINT, IN p_to BIGINT,
                                   IN p_ext_lo VARCHAR(32) CHARACTER SET utf8mb4, IN p_ext_hi VARCHAR(32) CHARACTER SET utf8mb4)
  MODIFIES SQL DATA
  COMMENT 'internal: recompute agent activity for report hours starting in [p_from, p_to), extensions in [p_ext_lo, p_ext_hi)'
BEGIN
  DECLARE v_lock VARCHAR(64) CHARACTER SET utf8mb4 DEFAULT fn_lock_name('aggregate');
  -- extension bounds; U+10FFFF sorts after any real extension
  DECLARE v_lo VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT COALESCE(p_ext_lo, '');
  DECLARE v_hi VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT COALESCE(p_ext_hi, CHAR(0xF48FBFBF USING utf8mb4));
  DECLARE v_all BOOLEAN DEFAULT p_ext_lo IS NULL AND p_ext_hi IS NULL;
  DECLARE v_to BIGINT;
  DECLARE v_end BIGINT;
  DECLARE v_stretch_from BIGINT;
  DECLARE v_sort BIGINT UNSIGNED DEFAULT @@SESSION.sort_buffer_size;
  DECLARE v_tmp BIGINT UNSIGNED DEFAULT @@SESSION.tmp_table_size;
  DECLARE v_heap BIGINT UNSIGNED DEFAULT @@SESSION.max_heap_table_size;
  DECLARE v_concat BIGINT UNSIGNED DEFAULT @@SESSION.group_concat_max_len;
  DECLARE v_cut BIGINT DEFAULT fn_raw_cut();
  DECLARE v_refused VARCHAR(255) CHARACTER SET utf8mb4;

  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    ROLLBACK;
    SET SESSION sort_buffer_size = v_sort, SESSION tmp_table_size = v_tmp, SESSION max_heap_table_size = v_heap,
        SESSION group_concat_max_len = v_concat;
    DO RELEASE_LOCK(v_lock);
    RESIGNAL;
  END;

  -- The raw data before the retention cut is gone: those hours keep the rows they have.
  IF p_from < v_cut THEN
    SET v_refused = CONCAT('sp_aggregate: raw data before ',
      COALESCE((SELECT DATE_FORMAT(MIN(local_start), '%Y-%m-%d %H:%i') FROM report_hours WHERE hour_start = v_cut), FROM_UNIXTIME(v_cut)),
      ' (report time) was pruned (RAW_RETENTION_DAYS): hours before it keep their rows and cannot be recomputed; start at the cut or later');
    SIGNAL SQLSTATE '45003' SET MESSAGE_TEXT = v_refused;  -- beforeRetentionCut (src/db/refusals.ts)
  END IF;
  -- Aggregations take turns (collector, backfill, an operator): two at once on the same
  -- hours would only wait on each other's row locks, or deadlock.
  IF COALESCE(GET_LOCK(v_lock, 600), 0) <> 1 THEN
    SIGNAL SQLSTATE '45004' SET MESSAGE_TEXT = 'sp_aggregate: another aggregation held the lock for 10 minutes; try again';  -- aggregationBusy (src/db/refusals.ts)
  END IF;
  -- A span holds about a day of a 1,000-agent centre: sort and group it in memory.
  SET SESSION sort_buffer_size = GREATEST(v_sort, 64 * 1024 * 1024),
      SESSION tmp_table_size = GREATEST(v_tmp, 512 * 1024 * 1024),
      SESSION max_heap_table_size = GREATEST(v_heap, 512 * 1024 * 1024),
      SESSION group_concat_max_len = GREATEST(v_concat, 16 * 1024 * 1024);

  SELECT MAX(hour_end) INTO v_to FROM report_hours WHERE hour_start >= p_from AND hour_start < p_to;
  -- rules §3: nothing is counted past the data horizon (NULL: nothing loaded yet).
  SET v_end = GREATEST(p_from, LEAST(COALESCE(v_to, p_from),
                                     COALESCE((SELECT horizon FROM collector_state WHERE id = 1), p_from)));

  CALL _private_span_slots(p_from, p_to, v_end, v_stretch_from);
  CALL _private_span_carried_state(p_from, v_end, v_stretch_from, v_lo, v_hi);
  CALL _private_span_agents(p_from, v_end, v_all, v_lo, v_hi);
  CALL _private_span_calls(p_from, v_to, v_all, v_lo, v_hi);
  CALL _private_span_state_pieces(p_from, v_end, v_stretch_from, v_all);
  CALL _private_span_categories(p_from);
  CALL _private_span_rows();
  START TRANSACTION;
  CALL _private_span_writes(p_from, p_to, v_to, v_lo, v_hi);
  CALL _private_span_checkpoints(p_from, v_to, v_end, v_all, v_lo, v_hi);
  COMMIT;

  CALL _private_span_drop_tables();
  SET SESSION sort_buffer_size = v_sort, SESSION tmp_table_size = v_tmp, SESSION max_heap_table_size = v_heap,
      SESSION group_concat_max_len = v_concat;
  DO RELEASE_LOCK(v_lock);
END
