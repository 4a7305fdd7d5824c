-- One row per destination of a scheduled run. A delivery marked 'sent' is never sent
-- again; 'sending' after a crash is in doubt and is sent again with the same
-- idempotency_key (the mail's Message-ID, the webhook's Idempotency-Key, the folder's
-- file name), so a receiver can tell it is the same one.
CREATE TABLE schedule_deliveries (
  run_id           BIGINT       NOT NULL,
  destination      VARCHAR(16)  NOT NULL,         -- email | folder | webhook
  idempotency_key  CHAR(40)     NOT NULL,
  status           VARCHAR(16)  NOT NULL DEFAULT 'pending',  -- pending | sending | sent | failed
  attempts         INT          NOT NULL DEFAULT 0,
  receipt          VARCHAR(255) NULL,
  last_error       TEXT         NULL,
  updated_at       TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (run_id, destination)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
