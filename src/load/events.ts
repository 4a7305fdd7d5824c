// Bulk upsert of normalised events into agent_events, plus the agents they name (rules §3, §5).
// LOAD DATA where the server allows it, else big multi-row statements; never one INSERT
// per event. The feed's order lives in the identity (ext, ts, seq), which also makes a
// re-load of a second give the same rows.
import type { AgentEvent } from '../types.ts';
import { cleanName } from '../names.ts';
import { lit, litJson, litRepeated, one, queryRaw, MAX_STATEMENT_BYTES, type Db } from '../db/query.ts';
import { loadLocal, tsvField } from '../db/local-infile.ts';

/** Rows per statement: big enough to amortise the round trip, small enough for any packet limit. */
const EVENT_BATCH_ROWS = 2000;

// A re-fetch of a second upserts: the same identity gets the latest content (rules §3).
const EVENT_UPSERT =
  'INSERT INTO agent_events (ext, ts, seq, event, enabled, state, user_id, username, raw_timestamp, extra) VALUES ?' +
  ' ON DUPLICATE KEY UPDATE event = VALUES(event), enabled = VALUES(enabled), state = VALUES(state),' +
  ' user_id = VALUES(user_id), username = VALUES(username), raw_timestamp = VALUES(raw_timestamp), extra = VALUES(extra)';

// The same upsert as LOAD DATA: REPLACE gives an identity the latest content, as the
// INSERT's update does (every column but loaded_at, which records when).
const EVENT_LOAD = `REPLACE ${eventsLoadInto('agent_events')}`;

/**
 * Connections (or pools) whose server refused LOAD DATA LOCAL: they use the INSERT path
 * from then on, without asking again.
 */
const refusesLocalInfile = new WeakSet<object>();

function byIdentity(a: AgentEvent, b: AgentEvent): number {
  return a.ext < b.ext ? -1 : a.ext > b.ext ? 1 : a.ts - b.ts || a.seq - b.seq;
}

function eventRow(e: AgentEvent): string {
  return `(${litRepeated(e.ext)},${e.ts},${e.seq},${litRepeated(e.event)},${e.enabled ? 1 : 0},${litRepeated(e.state)},${litRepeated(e.userId)},${litRepeated(e.username)},${e.rawTimestamp},${litJson(e.extra)})`;
}

/**
 * Sends `template` once per value list, one after another on the same connection,
 * building the next list while the database runs the previous statement.
 */
async function runBatches(db: Db, template: string, valueLists: Iterable<string>): Promise<void> {
  let pending: Promise<unknown> | undefined;
  for (const values of valueLists) {
    if (pending) await pending;
    pending = queryRaw(db, template, values);
  }
  if (pending) await pending;
}

function* eventValueLists(events: AgentEvent[]): Generator<string> {
  // Appending to one string is cheaper here than joining an array of row strings.
  let list = '';
  let rows = 0;
  for (const e of events) {
    list += rows === 0 ? eventRow(e) : ',' + eventRow(e);
    rows++;
    if (rows >= EVENT_BATCH_ROWS || list.length >= MAX_STATEMENT_BYTES) {
      yield list;
      list = '';
      rows = 0;
    }
  }
  if (rows > 0) yield list;
}

/** LOAD DATA's part from INTO TABLE on, for lines of eventLines into `table`. */
export function eventsLoadInto(table: string): string {
  return (
    `INTO TABLE ${table} CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' LINES TERMINATED BY '\\n'` +
    ' (ext, ts, seq, event, enabled, state, user_id, username, raw_timestamp, extra)'
  );
}

/** Events as LOAD DATA's lines (tsvField), in the columns of eventsLoadInto. */
export function* eventLines(events: AgentEvent[]): Generator<string> {
  for (const e of events) {
    const extra = e.extra === null || e.extra === undefined ? '\\N' : tsvField(JSON.stringify(e.extra));
    // (a fractional raw Timestamp is rounded as the INSERT's literal would be: half away from
    // zero, and it is never negative; MySQL's LOAD DATA would warn about the fraction)
    const raw = Number.isInteger(e.rawTimestamp) ? e.rawTimestamp : Math.round(e.rawTimestamp);
    yield `${tsvField(e.ext)}\t${e.ts}\t${e.seq}\t${tsvField(e.event)}\t${e.enabled ? 1 : 0}\t${tsvField(e.state)}\t${tsvField(e.userId)}\t${tsvField(e.username)}\t${raw}\t${extra}`;
  }
}

/** The connection underneath a pooled or single connection's promise wrapper; a pool as is. */
function connectionOf(db: Db): object {
  return (db as { connection?: object }).connection ?? db;
}

/**
 * LOAD DATA of the events; false when the server refuses it. With LOCAL, the server turns
 * a value that does not fit into a warning instead of an error, so a warning fails the
 * load here as the INSERT would (the normaliser's limits keep every value fitting).
 */
async function loadEventsData(db: Db, events: AgentEvent[]): Promise<boolean> {
  const key = connectionOf(db);
  if (refusesLocalInfile.has(key)) return false;
  const r = await loadLocal(db, EVENT_LOAD, eventLines(events));
  if ('refused' in r) {
    refusesLocalInfile.add(key);
    return false;
  }
  if (r.warnings > 0) {
    // (a pool may hand SHOW WARNINGS to another connection: then only the count)
    const w = 'getConnection' in db ? undefined : await one<{ Level: string; Code: number; Message: string }>(db, 'SHOW WARNINGS LIMIT 1');
    throw new Error(`loading events into agent_events gave ${r.warnings} warning(s)${w ? `, the first: ${w.Level} ${w.Code}: ${w.Message}` : ''}`);
  }
  return true;
}

interface AgentSeen {
  ext: string;
  userId: string | null;
  userTs: number;
  rawName: string | null;
  name: string | null;
  nameTs: number | null;
  nameSeq: number | null;
  firstSeen: number;
  lastSeen: number;
}

/** Per extension: the latest event with a non-empty cleaned name, and the time range seen. */
function agentsOf(events: AgentEvent[]): AgentSeen[] {
  const byExt = new Map<string, AgentSeen>();
  const cleaned = new Map<string, string>(); // names repeat on every event: clean each once
  for (const e of events) {
    let a = byExt.get(e.ext);
    if (!a) {
      a = { ext: e.ext, userId: null, userTs: -1, rawName: null, name: null, nameTs: null, nameSeq: null, firstSeen: e.ts, lastSeen: e.ts };
      byExt.set(e.ext, a);
    }
    if (e.ts < a.firstSeen) a.firstSeen = e.ts;
    if (e.ts > a.lastSeen) a.lastSeen = e.ts;
    if (e.userId !== null && e.userId !== '' && e.ts >= a.userTs) {
      a.userId = e.userId;
      a.userTs = e.ts;
    }
    if (e.username === null) continue;
    let name = cleaned.get(e.username);
    if (name === undefined) {
      name = cleanName(e.username);
      cleaned.set(e.username, name);
    }
    if (name === '') continue;
    if (a.nameTs === null || e.ts > a.nameTs || (e.ts === a.nameTs && e.seq >= a.nameSeq!)) {
      a.rawName = e.username;
      a.name = name;
      a.nameTs = e.ts;
      a.nameSeq = e.seq;
    }
  }
  // A fixed order keeps concurrent windows from locking agents rows in opposite orders.
  return [...byExt.values()].sort((x, y) => (x.ext < y.ext ? -1 : x.ext > y.ext ? 1 : 0));
}

// MySQL evaluates ON DUPLICATE KEY UPDATE assignments left to right, each seeing the ones
// before it. So the name fields are compared against (name_ts, name_seq) before those two
// change, name_seq before name_ts, and name_ts last: a later (or the same) event's name wins.
const NEWER = '(VALUES(name_ts) IS NOT NULL AND (name_ts IS NULL OR VALUES(name_ts) > name_ts OR (VALUES(name_ts) = name_ts AND VALUES(name_seq) >= name_seq)))';
const AGENT_UPSERT =
  'INSERT INTO agents (ext, user_id, raw_name, name, name_ts, name_seq, first_seen, last_seen) VALUES ? ON DUPLICATE KEY UPDATE' +
  ' user_id = IF(VALUES(user_id) IS NOT NULL AND (last_seen IS NULL OR VALUES(last_seen) >= last_seen), VALUES(user_id), user_id),' +
  ` raw_name = IF(${NEWER}, VALUES(raw_name), raw_name),` +
  ` name = IF(${NEWER}, VALUES(name), name),` +
  ` name_seq = IF(${NEWER}, VALUES(name_seq), name_seq),` +
  ` name_ts = IF(${NEWER}, VALUES(name_ts), name_ts),` +
  ' first_seen = LEAST(COALESCE(first_seen, VALUES(first_seen)), VALUES(first_seen)),' +
  ' last_seen = GREATEST(COALESCE(last_seen, VALUES(last_seen)), VALUES(last_seen))';

async function upsertAgents(db: Db, agents: AgentSeen[]): Promise<void> {
  const lists: string[] = [];
  for (let i = 0; i < agents.length; i += EVENT_BATCH_ROWS) {
    const rows = agents
      .slice(i, i + EVENT_BATCH_ROWS)
      .map((a) => `(${lit(a.ext)},${lit(a.userId)},${lit(a.rawName)},${lit(a.name)},${lit(a.nameTs)},${lit(a.nameSeq)},${a.firstSeen},${a.lastSeen})`);
    lists.push(rows.join(','));
  }
  await runBatches(db, AGENT_UPSERT, lists);
}

/** Upserts the events alone (feed order kept); upsertEventAgents then records the agents they name. */
export async function insertEvents(db: Db, events: AgentEvent[]): Promise<void> {
  if (events.length === 0) return;
  // Sent in primary-key order: InnoDB appends instead of splitting pages all over the
  // index (about a third faster). The feed's order within a second is `seq`, kept as is.
  const ordered = [...events].sort(byIdentity);
  if (await loadEventsData(db, ordered)) return;
  await runBatches(db, EVENT_UPSERT, eventValueLists(ordered));
}

/** Upserts the agents the events name (their rows stay locked until the transaction ends). */
export async function upsertEventAgents(db: Db, events: AgentEvent[]): Promise<void> {
  if (events.length === 0) return;
  await upsertAgents(db, agentsOf(events));
}

/**
 * Upserts events (feed order kept) and the agents they name. Pass a connection inside a
 * transaction to make it part of a window's load. Returns the number of events sent.
 */
export async function loadEvents(db: Db, events: AgentEvent[]): Promise<number> {
  await insertEvents(db, events);
  await upsertEventAgents(db, events);
  return events.length;
}
