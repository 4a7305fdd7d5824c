-- SPEC §9 defaults; the other categories have no limit until someone sets one.
INSERT INTO break_limits (category, limit_seconds) VALUES
  ('Lunch', 3600),
  ('Tea/Coffee', 900),
  ('Bio', 600),
  ('Short Break', 900);
