-- The name of a GET_LOCK lock of this database, per purpose ('load', 'aggregate',
-- 'migrate'): `apr:<16 hex digits of SHA-256 of the database name>:<purpose>`. Lock names
-- are server-wide, so the database is part of the name (two installations, or the test
-- databases, on one server do not block each other); it is hashed so the name always fits
-- MySQL's 64 characters (longer names fail with error 3057; MariaDB accepts them) even
-- for a database name of 64 characters. Inside a routine DATABASE() is the routine's own
-- database, so this names the locks of the database the function lives in.
-- src/db/lock-name.ts derives the same names in TypeScript, for migrate, which takes its
-- lock before this function exists.
DROP FUNCTION IF EXISTS fn_lock_name;
CREATE FUNCTION fn_lock_name(p_purpose VARCHAR(43) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin)
  RETURNS VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin
  DETERMINISTIC NO SQL
  RETURN CONCAT(_utf8mb4'apr:', CONVERT(LEFT(SHA2(DATABASE(), 256), 16) USING utf8mb4), _utf8mb4':', p_purpose);
