ALTER TABLE users_calls
  MODIFY slot_start BIGINT NOT NULL,
  DROP PRIMARY KEY,
  ADD PRIMARY KEY (slot_start, ext),
  ADD KEY ix_users_calls_hour (hour_start, ext);
