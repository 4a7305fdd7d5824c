-- The report's figures (SPEC §5), one row per agent_activity row: every sum, count and
-- rounding is done here; the TypeScript layer only formats (HH:MM:SS, hundredths, dates).
-- Rounding is exact integer arithmetic, halves up: n/d to the nearest unit is
-- (2n + d) DIV (2d); in hundredths of a percent (20000n + d) DIV (2d). Floating-point
-- ROUND would give 0.12 for 1/800 where 0.13 is right.
CREATE OR REPLACE VIEW vw_report AS
SELECT
  a.hour_start,
  a.hour_end,
  a.local_start,
  a.local_end,
  a.ext,
  -- the cleaned event name; the stats name only when no event has one (SPEC §5, Name)
  COALESCE(NULLIF(g.name, ''), g.stats_name, '') AS name,
  a.idle_s + a.talk_s + a.hold_s + a.wrap_s AS available_s,
  a.meeting_s + a.training_s + a.chat_s + a.tickets_s + a.outbound_s AS productive_s,
  a.lunch_s + a.tea_s + a.bio_s + a.short_break_s + a.other_npt_s AS non_productive_s,
  a.login_s,
  a.logoff_s,
  a.idle_s,
  a.total_calls,
  a.answered_calls,
  -- answered > total is upstream noise (SPEC §4): no negative failures
  GREATEST(CAST(a.total_calls AS SIGNED) - CAST(a.answered_calls AS SIGNED), 0) AS failed_calls,
  -- AHT = (Talk + Hold + Wrap Up) / Answered to the nearest second, 0 when none answered
  CASE WHEN a.answered_calls > 0
    THEN (2 * (a.talk_s + a.hold_s + a.wrap_s) + a.answered_calls) DIV (2 * a.answered_calls)
    ELSE 0 END AS aht_s,
  -- Answer Rate in hundredths of a percent, at most 100.00, NULL (empty) when none offered
  CASE WHEN a.total_calls > 0
    THEN LEAST((20000 * a.answered_calls + a.total_calls) DIV (2 * a.total_calls), 10000)
    END AS answer_rate_h,
  a.lunch_s,
  a.tea_s,
  a.bio_s,
  a.short_break_s,
  a.other_npt_s,
  a.meeting_s,
  a.training_s,
  a.chat_s,
  a.tickets_s,
  a.outbound_s,
  a.talk_s,
  a.hold_s,
  a.wrap_s,
  a.dnd_s,
  -- Occupancy = (Talk + Hold + Wrap Up) / Available in hundredths, NULL (empty) when Available is 0
  CASE WHEN a.idle_s + a.talk_s + a.hold_s + a.wrap_s > 0
    THEN LEAST(
      (20000 * (a.talk_s + a.hold_s + a.wrap_s) + (a.idle_s + a.talk_s + a.hold_s + a.wrap_s))
        DIV (2 * (a.idle_s + a.talk_s + a.hold_s + a.wrap_s)),
      10000)
    END AS occupancy_h,
  -- Row order (SPEC §5): all-digit extensions first, by number, then the others in binary
  -- order. Numbers are compared as text without leading zeros, shorter first, so any
  -- length works without overflow; '007' and '7' are the same number and then go by the
  -- extension's bytes ('007' first). Keys are cast to BINARY because utf8mb4_bin pads with
  -- spaces when comparing ('Z<tab>' would sort before 'Z'); bytes compare as bytes.
  CASE WHEN a.ext REGEXP '^[0-9]+$' THEN 0 ELSE 1 END AS ext_order_class,
  CASE WHEN a.ext REGEXP '^[0-9]+$' THEN LENGTH(TRIM(LEADING '0' FROM a.ext)) ELSE 0 END AS ext_order_len,
  CAST(CASE WHEN a.ext REGEXP '^[0-9]+$' THEN TRIM(LEADING '0' FROM a.ext) ELSE a.ext END AS BINARY) AS ext_order_key,
  CAST(a.ext AS BINARY) AS ext_order_bytes
FROM agent_activity a
LEFT JOIN agents g ON g.ext = a.ext;
