-- The report's sort key of an extension (rules §5), for an extension with no agents row
-- (agents.ext_sort, migration 102, holds the same key for every row of agents, computed
-- once when the row is written; this is its definition, frozen there as a migration).
DROP FUNCTION IF EXISTS fn_ext_sort;
CREATE FUNCTION fn_ext_sort(p_ext VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin)
  RETURNS VARBINARY(130)
  DETERMINISTIC NO SQL
  RETURN IF(p_ext REGEXP '^[0-9]+$',
            CONCAT(CHAR(0), CHAR(LENGTH(TRIM(LEADING '0' FROM p_ext))), CAST(TRIM(LEADING '0' FROM p_ext) AS BINARY), CAST(p_ext AS BINARY)),
            CONCAT(CHAR(1), CAST(p_ext AS BINARY)));
