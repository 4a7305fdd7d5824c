UPDATE users_calls SET slot_start = hour_start;
