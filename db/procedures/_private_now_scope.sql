-- Stage of sp_agent_breaks and sp_agent_live: apr_tmp_now_scope, the extensions a stage
-- looks at when it is scoped: the caller's list (apr_tmp_now_exts, filled by the caller
-- when p_scoped) or, with p_open, the agents whose run is still being followed
-- (apr_tmp_now_follow). Created empty when neither applies, so the stages' statements
-- always find it. a_from: an agent's own start for _private_now_segments (NULL: the
-- stage's p_from); only _private_now_follow_starts sets it.
DROP PROCEDURE IF EXISTS _private_now_scope;
CREATE PROCEDURE _private_now_scope(IN p_scoped BOOLEAN, IN p_follow BOOLEAN)
  MODIFIES SQL DATA
  COMMENT 'internal stage of sp_agent_breaks and sp_agent_live: the extensions looked at'
BEGIN
  DROP TEMPORARY TABLE IF EXISTS apr_tmp_now_scope;
  CREATE TEMPORARY TABLE apr_tmp_now_scope (
    ext    VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
    a_from BIGINT NULL
  ) ENGINE=MEMORY;
  IF p_follow THEN
    INSERT INTO apr_tmp_now_scope (ext) SELECT ext FROM apr_tmp_now_follow;
  ELSEIF p_scoped THEN
    INSERT INTO apr_tmp_now_scope (ext) SELECT ext FROM apr_tmp_now_exts;
  END IF;
END
