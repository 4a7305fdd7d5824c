-- rules §3 reason categories: the id of the break_reason_map rule a reason falls under,
-- or NULL when none matches (then the reason counts as Other NPT). Both sides are
-- normalised; the first match by (priority, id) wins. Comparisons are binary
-- (utf8mb4_bin), which is right because both sides are lower-cased.
DROP FUNCTION IF EXISTS fn_break_rule_id;
CREATE FUNCTION fn_break_rule_id(p_reason VARCHAR(1020) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin)
  RETURNS INT
  READS SQL DATA
BEGIN
  DECLARE v_reason VARCHAR(1020) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
  SET v_reason = fn_normalize_reason(p_reason);
  IF v_reason = '' THEN
    RETURN NULL;
  END IF;
  RETURN (
    SELECT m.id
    FROM break_reason_map m
    WHERE (m.match_type = 'equals' AND fn_normalize_reason(m.pattern) = v_reason)
       OR (m.match_type = 'contains' AND LOCATE(fn_normalize_reason(m.pattern), v_reason) > 0)
    ORDER BY m.priority, m.id
    LIMIT 1
  );
END
