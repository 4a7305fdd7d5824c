// The report's columns (rules §5): the JSON key, the CSV header, and how a cell is shown.
// The page formats and sums; every figure of a row comes from the API as it is.

/** kind: text | dur (whole seconds) | count | pct (two decimals or null) */
export const COLUMNS = [
  ['interval', 'Interval', 'text'],
  ['date', 'Date', 'text'],
  ['start_time', 'Start Time', 'text'],
  ['end_time', 'End Time', 'text'],
  ['ext', 'Ext', 'text'],
  ['name', 'Name', 'text'],
  ['available_time', 'Available Time', 'dur'],
  ['productive_break', 'Productive Break', 'dur'],
  ['non_prod_break', 'Non-Prod. Break', 'dur'],
  ['login_time', 'Login Time', 'dur'],
  ['logoff_time', 'Logoff Time', 'dur'],
  ['idle_time', 'Idle Time', 'dur'],
  ['total_calls', 'Total Calls', 'count'],
  ['answered_calls', 'Answered Calls', 'count'],
  ['failed_calls', 'Failed Calls', 'count'],
  ['aht', 'AHT', 'dur'],
  ['answer_rate', 'Answer Rate (%)', 'pct'],
  ['lunch_time', 'Lunch Time', 'dur'],
  ['tea_coffee_break', 'Tea/Coffee Break', 'dur'],
  ['bio_break', 'Bio Break', 'dur'],
  ['short_break', 'Short Break', 'dur'],
  ['other_npt', 'Other NPT', 'dur'],
  ['meeting_time', 'Meeting Time', 'dur'],
  ['training_time', 'Training Time', 'dur'],
  ['chat_time', 'Chat Time', 'dur'],
  ['tickets_time', 'Tickets Time', 'dur'],
  ['outbound_time', 'Outbound Time', 'dur'],
  ['talk_time', 'Talk Time', 'dur'],
  ['hold_time', 'Hold Time', 'dur'],
  ['wrap_up_time', 'Wrap Up Time', 'dur'],
  ['dnd_time', 'DND Time', 'dur'],
  ['occupancy', 'Occupancy (%)', 'pct'],
  ['staffed_time', 'Staffed Time', 'dur'],
  ['offline_time', 'Offline Time', 'dur'],
  ['not_loaded_time', 'Not Loaded Time', 'dur'],
].map(([key, header, kind]) => ({ key, header, kind }));

/**
 * The chart's groups, in stacking order, with fixed colours (a supervisor learns them
 * once): the timeline uses the same colours for the states of each group.
 */
export const GROUPS = [
  { name: 'Idle', color: '#43a047', keys: ['idle_time'], states: ['Idle'] },
  { name: 'Talk', color: '#1e88e5', keys: ['talk_time'], states: ['Talk'] },
  { name: 'Hold', color: '#fb8c00', keys: ['hold_time'], states: ['Hold'] },
  { name: 'Wrap Up', color: '#8e24aa', keys: ['wrap_up_time'], states: ['Wrap Up'] },
  { name: 'Productive', color: '#00897b', keys: ['productive_break'], states: ['Meeting', 'Training', 'Chat', 'Tickets', 'Outbound'] },
  { name: 'Non-Productive', color: '#e53935', keys: ['non_prod_break'], states: ['Lunch', 'Tea/Coffee', 'Bio', 'Short Break', 'Other NPT'] },
  { name: 'Login/Logoff/DND', color: '#6d4c41', keys: ['login_time', 'logoff_time', 'dnd_time'], states: ['Login', 'Logoff', 'DND'] },
  { name: 'Not Loaded', color: '#9e9e9e', keys: ['not_loaded_time'], states: ['Not Loaded'] },
];

export const OFFLINE_COLOR = '#eceff1';

/** The group of a timeline state (Offline has none). */
export function groupOfState(state) {
  return GROUPS.find((g) => g.states.includes(state));
}
