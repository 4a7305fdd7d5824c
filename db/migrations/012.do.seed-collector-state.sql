INSERT INTO collector_state (id, horizon) VALUES (1, NULL);
