INSERT INTO break_categories (category, grp) VALUES
  ('Login', 'login'),
  ('Logoff', 'logoff'),
  ('DND', 'dnd'),
  ('Meeting', 'productive'),
  ('Training', 'productive'),
  ('Chat', 'productive'),
  ('Tickets', 'productive'),
  ('Outbound', 'productive'),
  ('Lunch', 'non-productive'),
  ('Tea/Coffee', 'non-productive'),
  ('Bio', 'non-productive'),
  ('Short Break', 'non-productive'),
  ('Other NPT', 'non-productive');
