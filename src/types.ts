// Shapes shared by the upstream client, the loader, the simulator and the tests (rules §2).

/** One upstream event, normalised: epoch seconds, boolean `enabled`, feed position `seq`. */
export interface AgentEvent {
  ext: string;
  /** UTC epoch seconds (milliseconds floored to the second). */
  ts: number;
  /** 0-based position among this ext's events in this second, in feed order (rules §3 identity). */
  seq: number;
  event: string;
  enabled: boolean;
  state: string | null;
  userId: string | null;
  /** As sent (URL-encoded-ish); cleanName() gives the report Name. */
  username: string | null;
  /** Timestamp as sent: seconds or milliseconds. */
  rawTimestamp: number;
  /** Fields the upstream sent beyond the known ones; null when none. */
  extra: Record<string, unknown> | null;
}

/** One extension's stats for one fetched range (rules §2, §4). */
export interface StatsRecord {
  ext: string;
  /** As sent (URL-encoded-ish). */
  name: string | null;
  tags: unknown;
  totalCalls: number;
  answeredCalls: number;
  talkedTime: number;
  talkedAverage: number;
  durationSeconds: number;
  maxConnectSeconds: number;
  avgConnectSeconds: number;
  totalConnectSeconds: number;
  calleeIdNumber: string | null;
  calleeIdName: string | null;
  registeredTime: number;
  idleTime: number;
  wrapUpTime: number;
  holdTime: number;
  onCallTime: number;
  onCallTimeAvg: number;
  notAvailableTime: number;
  /** Seconds per raw reason string, as sent. */
  notAvailableDetailedReport: Record<string, number> | null;
  /** The whole record as sent. */
  raw: unknown;
}

/** An upstream record that cannot go into the timeline, kept with the reason (rules §2). */
export interface Rejected {
  endpoint: 'events' | 'stats';
  reason: string;
  raw: unknown;
}
