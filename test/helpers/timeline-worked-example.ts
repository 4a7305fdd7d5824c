// rules §6's segments of 4101 on 2025-09-07 as the timeline shows them: local start, end
// (+04:00), state, raw reason; loaded 08:00-11:00, so the rest of the day is Not Loaded.
export const WORKED_EXAMPLE_SEGMENTS: [string, string, string, string | null][] = [
  ['00:00:00', '08:00:00', 'Not Loaded', null],
  ['08:00:00', '08:50:00', 'Offline', null],
  ['08:50:00', '09:05:00', 'Login', 'Login'],
  ['09:05:00', '09:20:00', 'Idle', null],
  ['09:20:00', '09:25:00', 'Talk', null],
  ['09:25:00', '09:27:00', 'Hold', null],
  ['09:27:00', '09:30:00', 'Talk', null],
  ['09:30:00', '09:30:01', 'Offline', null],
  ['09:30:01', '09:31:00', 'Wrap Up', null],
  ['09:31:00', '09:45:00', 'Idle', null],
  ['09:45:00', '10:15:00', 'Lunch', 'Lunch Break'],
  ['10:15:00', '10:40:00', 'Tickets', ' ON Tickets '],
  ['10:40:00', '10:50:00', 'Other NPT', 'Prayer'],
  ['10:50:00', '11:00:00', 'Idle', null],
  ['11:00:00', '00:00:00', 'Not Loaded', null],
];

export const WORKED_EXAMPLE_LOADED = { from: 1757217600, to: 1757228400 }; // 08:00-11:00 Asia/Dubai
