-- `answered_calls > total_calls` (vw_answered_over_offered, /api/status) compares two
-- columns of a row, which no index answers: counting the cases read every stats row. As a
-- column of its own it can be indexed (the next migration). VIRTUAL: adding it changes
-- only the table's definition, where a STORED one rewrites every row.
ALTER TABLE users_calls ADD COLUMN over_offered TINYINT(1) GENERATED ALWAYS AS (answered_calls > total_calls) VIRTUAL;
