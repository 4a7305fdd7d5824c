-- rules §3: the report category of a not-available reason: the category of the first
-- matching break_reason_map rule (fn_break_rule_id), else 'Other NPT'.
DROP FUNCTION IF EXISTS fn_break_category;
CREATE FUNCTION fn_break_category(p_reason VARCHAR(1020) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin)
  RETURNS VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin
  READS SQL DATA
BEGIN
  DECLARE v_rule INT;
  SET v_rule = fn_break_rule_id(p_reason);
  RETURN COALESCE((SELECT m.category FROM break_reason_map m WHERE m.id = v_rule), 'Other NPT');
END
