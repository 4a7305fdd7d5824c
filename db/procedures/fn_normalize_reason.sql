-- SPEC §3: a not-available reason is matched after normalising it: trim, lower-case,
-- collapse inner whitespace. Whitespace is the ASCII set (tab, LF, VT, FF, CR, space),
-- built from CHAR() so no regex escape depends on the SQL mode or the regex library.
-- NULL (a not-available event without a state) normalises to '' and so to Other NPT.
DROP FUNCTION IF EXISTS fn_normalize_reason;
CREATE FUNCTION fn_normalize_reason(p_reason VARCHAR(1020) CHARACTER SET utf8mb4)
  RETURNS VARCHAR(1020) CHARACTER SET utf8mb4
  DETERMINISTIC NO SQL
  RETURN LOWER(TRIM(REGEXP_REPLACE(COALESCE(p_reason, ''), CONCAT('[', CHAR(9), CHAR(10), CHAR(11), CHAR(12), CHAR(13), ' ]+'), ' ')));
