-- Stage of sp_agent_live: the live state as the collector stored it (live_state, which
-- the caller has checked still holds) into apr_tmp_now_live; p_scoped: only the
-- extensions in apr_tmp_now_exts. A break's category is looked up now, once per reason,
-- as the computed state does (fn_break_category).
DROP PROCEDURE IF EXISTS _private_now_stored;
CREATE PROCEDURE _private_now_stored(IN p_scoped BOOLEAN)
  MODIFIES SQL DATA
  COMMENT 'internal stage of sp_agent_live: the stored live state'
BEGIN
  DROP TEMPORARY TABLE IF EXISTS apr_tmp_now_categories;
  CREATE TEMPORARY TABLE apr_tmp_now_categories (
    reason   VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
    category VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL
  ) ENGINE=MEMORY;
  INSERT INTO apr_tmp_now_categories (reason, category)
  SELECT r.reason, fn_break_category(r.reason) FROM (SELECT DISTINCT reason FROM live_state WHERE code = 5 AND reason IS NOT NULL) r;
  IF p_scoped THEN
    INSERT INTO apr_tmp_now_live (ext, code, category, reason, norm, since, carried, staffed_today)
    SELECT s.ext, s.code, c.category, s.reason, s.norm, s.since, FALSE, s.staffed_today
    FROM apr_tmp_now_exts x
    JOIN live_state s ON s.ext = x.ext
    LEFT JOIN apr_tmp_now_categories c ON s.code = 5 AND c.reason = s.reason;
  ELSE
    INSERT INTO apr_tmp_now_live (ext, code, category, reason, norm, since, carried, staffed_today)
    SELECT s.ext, s.code, c.category, s.reason, s.norm, s.since, FALSE, s.staffed_today
    FROM live_state s
    LEFT JOIN apr_tmp_now_categories c ON s.code = 5 AND c.reason = s.reason;
  END IF;
  DROP TEMPORARY TABLE IF EXISTS apr_tmp_now_categories;
END
