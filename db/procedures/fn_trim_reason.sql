-- rules §10: a reason as sent with its surrounding whitespace trimmed (the ASCII set, as
-- fn_normalize_reason); inner whitespace and case stay as sent. NULL (no state) is ''.
DROP FUNCTION IF EXISTS fn_trim_reason;
CREATE FUNCTION fn_trim_reason(p_reason VARCHAR(1020) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin)
  RETURNS VARCHAR(1020) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin
  DETERMINISTIC NO SQL
  RETURN REGEXP_REPLACE(
    COALESCE(p_reason, _utf8mb4'') COLLATE utf8mb4_bin,
    CONCAT(_utf8mb4'^[', CHAR(9, 10, 11, 12, 13 USING utf8mb4), _utf8mb4' ]+|[', CHAR(9, 10, 11, 12, 13 USING utf8mb4), _utf8mb4' ]+$') COLLATE utf8mb4_bin,
    _utf8mb4'' COLLATE utf8mb4_bin);
