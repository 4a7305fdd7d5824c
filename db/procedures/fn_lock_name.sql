-- The name of one of this database's advisory locks (GET_LOCK): a short prefix, a hash of
-- the database name and the purpose, so it always fits MySQL's 64-character limit
-- whatever the database is called ('apr:' + 16 + ':' + purpose).
DROP FUNCTION IF EXISTS fn_lock_name;
CREATE FUNCTION fn_lock_name(p_purpose VARCHAR(32) CHARACTER SET utf8mb4)
  RETURNS VARCHAR(64) CHARACTER SET utf8mb4
  NO SQL
  RETURN CONCAT('apr:', LEFT(SHA1(COALESCE(DATABASE(), '')), 16), ':', p_purpose);
