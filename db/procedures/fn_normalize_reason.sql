-- rules §3: a not-available reason is matched after normalising it: trim, lower-case,
-- collapse inner whitespace. Whitespace is the ASCII set (tab, LF, VT, FF, CR, space),
-- built from CHAR() so no regex escape depends on the SQL mode or the regex library;
-- collations are explicit so the function means the same whatever client created it.
-- NULL (a not-available event without a state) normalises to '' and so to Other NPT.
DROP FUNCTION IF EXISTS fn_normalize_reason;
CREATE FUNCTION fn_normalize_reason(p_reason VARCHAR(1020) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin)
  RETURNS VARCHAR(1020) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin
  DETERMINISTIC NO SQL
  RETURN LOWER(TRIM(REGEXP_REPLACE(
    COALESCE(p_reason, _utf8mb4'') COLLATE utf8mb4_bin,
    CONCAT(_utf8mb4'[', CHAR(9, 10, 11, 12, 13 USING utf8mb4), _utf8mb4' ]+') COLLATE utf8mb4_bin,
    _utf8mb4' ' COLLATE utf8mb4_bin)));
