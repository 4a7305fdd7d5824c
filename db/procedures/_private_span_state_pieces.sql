-- Stage of sp_aggregate_span (legend of the packing in sp_aggregate_span.sql):
--   apr_tmp_state   every flag's value after every input row, and the next row's position:
--                   pass 1, per agent and flag, each row's change of its flag (LAG); pass 2,
--                   per agent in time order, the running SUM of the changes (linear; a
--                   running MAX would be recomputed per row on MariaDB) and LEAD
--   apr_tmp_pieces  seconds per slot, agent and state: the state after a second's last row
--                   holds until the next row's second, the last one until the counted end
DROP PROCEDURE IF EXISTS _private_span_state_pieces;
CREATE PROCEDURE _private_span_state_pieces(IN p_end BIGINT)
  MODIFIES SQL DATA
  COMMENT 'internal stage of sp_aggregate_span: state per row, seconds per slot, agent and state'
BEGIN
  DECLARE c_order    BIGINT DEFAULT 65540;
  DECLARE c_unloaded BIGINT DEFAULT 16;
  DECLARE c_slot     BIGINT DEFAULT 32;
  DECLARE c_slots    BIGINT DEFAULT 4096;
  DECLARE c_na       BIGINT DEFAULT 131072;

  DROP TEMPORARY TABLE IF EXISTS apr_tmp_state, apr_tmp_pieces;
  CREATE TEMPORARY TABLE apr_tmp_state (
    a    INT     NOT NULL,
    o    BIGINT  NOT NULL,
    flag TINYINT NOT NULL,
    st   BIGINT  NOT NULL,   -- packed state after this row
    nxt  BIGINT  NULL,       -- the next row's o
    PRIMARY KEY (a, o, flag)
  ) ENGINE=MEMORY;
  INSERT INTO apr_tmp_state (a, o, flag, st, nxt)
  SELECT d.a, d.o, d.flag,
    SUM(d.delta) OVER (PARTITION BY d.a ORDER BY d.o, d.flag ROWS UNBOUNDED PRECEDING),
    LEAD(d.o) OVER (PARTITION BY d.a ORDER BY d.o, d.flag)
  FROM (
    SELECT i.a, i.o, i.flag, i.w - COALESCE(LAG(i.w) OVER (PARTITION BY i.a, i.flag ORDER BY i.o), 0) AS delta
    FROM apr_tmp_in i
  ) d;

  -- code: 0 Offline, 1 Idle, 2 Talk, 3 Hold, 4 Wrap Up, 5 not available (na: which
  -- not-available-on event set the reason)
  CREATE TEMPORARY TABLE apr_tmp_pieces (
    slot_idx INT     NOT NULL,
    a        INT     NOT NULL,
    code     TINYINT NOT NULL,
    na       BIGINT  NOT NULL,
    secs     BIGINT  NOT NULL,
    PRIMARY KEY (slot_idx, a, code, na)
  ) ENGINE=MEMORY;
  -- (summed by upsert into the key: plain integer sums, cheaper here than GROUP BY's)
  INSERT INTO apr_tmp_pieces (slot_idx, a, code, na, secs)
  SELECT p.slot_idx, p.a, p.code, p.na, p.secs
  FROM (
    SELECT s.a,
      (s.st DIV c_slot) MOD c_slots AS slot_idx,
      -- rules §3 precedence: Hold > Talk > Wrap Up > Idle > not-available reason > Offline.
      CASE WHEN s.st & 4 THEN 3 WHEN s.st & 2 THEN 2 WHEN s.st & 8 THEN 4 WHEN s.st & 1 THEN 1
           WHEN s.st >= c_na THEN 5 ELSE 0 END AS code,
      CASE WHEN s.st & 15 THEN 0 ELSE s.st DIV c_na END AS na,
      COALESCE(s.nxt DIV c_order, p_end) - s.o DIV c_order AS secs
    FROM apr_tmp_state s
    -- rules §3: within one second only each flag's final value counts; outside loaded
    -- time nothing is counted
    WHERE (s.nxt IS NULL OR s.nxt DIV c_order > s.o DIV c_order)
      AND (s.st & c_unloaded) = 0
  ) p
  WHERE p.secs > 0
  ON DUPLICATE KEY UPDATE apr_tmp_pieces.secs = apr_tmp_pieces.secs + VALUES(secs);
END
