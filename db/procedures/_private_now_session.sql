-- Stage of sp_agent_breaks and sp_agent_live: the session's limits for their work, and
-- back. With p_on, a day of a large centre's events fits in MEMORY tables (16 MB by
-- default) and is sorted and windowed in memory, and a list of a few hundred extensions
-- fits in GROUP_CONCAT (1,024 bytes by default on MySQL); the values replaced are kept in
-- user variables (only when none are kept yet: a call that died before putting them back
-- has left the session's own there). With p_on FALSE, those values come back.
DROP PROCEDURE IF EXISTS _private_now_session;
CREATE PROCEDURE _private_now_session(IN p_on BOOLEAN)
  NO SQL
  COMMENT 'internal stage of sp_agent_breaks and sp_agent_live: session limits on and off'
BEGIN
  IF p_on THEN
    IF @apr_now_heap IS NULL THEN
      SET @apr_now_heap = @@SESSION.max_heap_table_size, @apr_now_tmp = @@SESSION.tmp_table_size,
          @apr_now_sort = @@SESSION.sort_buffer_size, @apr_now_concat = @@SESSION.group_concat_max_len;
    END IF;
    SET SESSION max_heap_table_size = GREATEST(@apr_now_heap, 1024 * 1024 * 1024),
        SESSION tmp_table_size = GREATEST(@apr_now_tmp, 512 * 1024 * 1024),
        SESSION sort_buffer_size = GREATEST(@apr_now_sort, 64 * 1024 * 1024),
        SESSION group_concat_max_len = GREATEST(@apr_now_concat, 1024 * 1024);
  ELSEIF @apr_now_heap IS NOT NULL THEN
    SET SESSION max_heap_table_size = @apr_now_heap, SESSION tmp_table_size = @apr_now_tmp,
        SESSION sort_buffer_size = @apr_now_sort, SESSION group_concat_max_len = @apr_now_concat;
    SET @apr_now_heap = NULL, @apr_now_tmp = NULL, @apr_now_sort = NULL, @apr_now_concat = NULL;
  END IF;
END
