import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { normalizeEvents, normalizeStats } from '../src/upstream/normalize.ts';
import { cleanName } from '../src/names.ts';

const FIX = new URL('./fixtures', import.meta.url).pathname;
const json = (p: string): unknown => JSON.parse(readFileSync(`${FIX}/${p}`, 'utf8'));

const base = { event: 'agent_idle', enabled: true, user_id: 'u1', ext: '3012', username: 'Imran+Aziz', state: 'available', Timestamp: 1755678600 };

describe('normalizeEvents', () => {
  it('keeps every event of the real sample, in feed order, with seq per (ext, second)', () => {
    const payload = json('upstream-events-sample.json') as { events: { ext: string; Timestamp: number }[] };
    const { events, rejected } = normalizeEvents(payload);
    expect(rejected).toEqual([]);
    expect(events).toHaveLength(payload.events.length);
    const counts = new Map<string, number>();
    payload.events.forEach((raw, i) => {
      const key = `${raw.ext}/${raw.Timestamp}`;
      const seq = counts.get(key) ?? 0;
      counts.set(key, seq + 1);
      expect(events[i]!.ext).toBe(raw.ext);
      expect(events[i]!.ts).toBe(raw.Timestamp);
      expect(events[i]!.seq).toBe(seq);
    });
    expect(Math.max(...events.map((e) => e.seq))).toBeGreaterThanOrEqual(2);
  });

  it('counts seq per extension across interleaved agents', () => {
    const { events } = normalizeEvents({
      events: [
        { ...base, ext: 'A' },
        { ...base, ext: 'B' },
        { ...base, ext: 'A', enabled: false },
        { ...base, ext: 'A', Timestamp: base.Timestamp + 1 },
        { ...base, ext: 'B' },
      ],
    });
    expect(events.map((e) => `${e.ext}:${e.ts - base.Timestamp}:${e.seq}`)).toEqual(['A:0:0', 'B:0:0', 'A:0:1', 'A:1:0', 'B:0:1']);
  });

  it('floors epoch milliseconds to seconds and keeps the raw value', () => {
    const { events } = normalizeEvents({ events: [{ ...base, Timestamp: 1755678600999 }, { ...base, Timestamp: '1755678600' }] });
    expect(events.map((e) => [e.ts, e.seq, e.rawTimestamp])).toEqual([
      [1755678600, 0, 1755678600999],
      [1755678600, 1, 1755678600],
    ]);
  });

  it('reads enabled as boolean, 0/1 or "true"/"false", and rejects anything else', () => {
    const values = [true, false, 1, 0, 'true', 'false', 'maybe', 'TRUE', null, undefined, 2];
    const { events, rejected } = normalizeEvents({ events: values.map((enabled) => ({ ...base, enabled })) });
    expect(events.map((e) => e.enabled)).toEqual([true, false, true, false, true, false]);
    expect(rejected.map((r) => r.reason)).toEqual([
      'invalid enabled: "maybe"',
      'invalid enabled: "TRUE"',
      'invalid enabled: null',
      'invalid enabled: missing',
      'invalid enabled: 2',
    ]);
  });

  it('rejects a record without ext, with a non-numeric Timestamp or without event, with the reason and the raw record', () => {
    const noExt = { ...base, ext: undefined };
    const abc = { ...base, Timestamp: 'abc' };
    const noEvent = { ...base, event: '' };
    const { events, rejected } = normalizeEvents({ events: [noExt, abc, { ...base }, noEvent, 'junk', { ...base, ext: '  ' }] });
    expect(events).toHaveLength(1);
    expect(rejected).toEqual([
      { endpoint: 'events', reason: 'missing ext', raw: noExt },
      { endpoint: 'events', reason: 'non-numeric Timestamp', raw: abc },
      { endpoint: 'events', reason: 'missing event', raw: noEvent },
      { endpoint: 'events', reason: 'record is not an object', raw: 'junk' },
      { endpoint: 'events', reason: 'missing ext', raw: { ...base, ext: '  ' } },
    ]);
  });

  it('rejected records do not take a seq: the identities of the rest stay the same', () => {
    const { events } = normalizeEvents({ events: [{ ...base, enabled: 'maybe' }, { ...base }, { ...base, enabled: false }] });
    expect(events.map((e) => e.seq)).toEqual([0, 1]);
  });

  it('keeps unknown event types and extra fields', () => {
    const { events, rejected } = normalizeEvents({ events: [{ ...base, event: 'agent_ringing', ext: 4101, queue: 'sales' }] });
    expect(rejected).toEqual([]);
    expect(events[0]).toMatchObject({ ext: '4101', event: 'agent_ringing', extra: { queue: 'sales' } });
  });

  it('rejects a payload that is not an events response', () => {
    expect(normalizeEvents({ data: [] }).rejected[0]?.reason).toMatch(/not \{"events"/);
    expect(normalizeEvents([{ ...base }]).events).toHaveLength(1);
  });

  it('rejects values too long for their column instead of failing the window', () => {
    const { events, rejected } = normalizeEvents({ events: [{ ...base, ext: 'x'.repeat(33) }, { ...base, state: 's'.repeat(256) }] });
    expect(events).toEqual([]);
    expect(rejected.map((r) => r.reason)).toEqual(['ext longer than 32 characters', 'state, user_id or username too long']);
  });
});

describe('normalizeStats', () => {
  it('reads the real sample keyed by extension', () => {
    const payload = json('upstream-stats-sample.json') as Record<string, { total_calls: number }>;
    const { stats, rejected } = normalizeStats(payload);
    expect(rejected).toEqual([]);
    expect(stats).toHaveLength(Object.keys(payload).length);
    const s3012 = stats.find((s) => s.ext === '3012')!;
    expect(s3012.totalCalls).toBe(payload['3012']!.total_calls);
    expect(s3012.raw).toEqual(payload['3012']);
  });

  it('accepts an array carrying ext, extension or agent_ext', () => {
    const { stats, rejected } = normalizeStats([
      { ext: '1', total_calls: 3, answered_calls: 1, not_available_detailed_report: { Login: 5 } },
      { extension: 2, total_calls: '4' },
      { agent_ext: '3' },
      { name: 'nobody' },
    ]);
    expect(stats.map((s) => [s.ext, s.totalCalls, s.answeredCalls])).toEqual([
      ['1', 3, 1],
      ['2', 4, 0],
      ['3', 0, 0],
    ]);
    expect(stats[0]!.notAvailableDetailedReport).toEqual({ Login: 5 });
    expect(rejected).toEqual([{ endpoint: 'stats', reason: 'missing ext', raw: { name: 'nobody' } }]);
  });

  it('rejects a record with a non-numeric figure, keeping the others', () => {
    const { stats, rejected } = normalizeStats({ '1': { total_calls: 'many' }, '2': { idle_time: 5, not_available_detailed_report: { x: 'y' } }, '3': { idle_time: 7 } });
    expect(stats.map((s) => s.ext)).toEqual(['3']);
    expect(rejected.map((r) => r.reason)).toEqual(['invalid total_calls: "many"', 'invalid not_available_detailed_report["x"]: "y"']);
  });
});

describe('cleanName (rules §5)', () => {
  it.each([
    ['Karan+ Sengar', 'Karan Sengar'],
    ['Insaf Ben+Arous', 'Insaf Ben Arous'],
    ['Layla Menon%0A', 'Layla Menon'],
    ['Zo%C3%AB  Martin', 'Zoë Martin'],
    ['%D8%B9%D9%84%D9%8A', 'علي'],
    ['Bad%FF%FErun', 'Bad%FF%FErun'],
    ['half %C3 escape', 'half %C3 escape'],
    ['100%', '100%'],
    ['a%2Bb', 'a+b'],
    ['tab\there\u0085x\u007f', 'tab here x'],
    ['%0A%0D', ''],
    ['', ''],
  ])('%j -> %j', (raw, clean) => {
    expect(cleanName(raw)).toBe(clean);
  });

  it('null and undefined are empty', () => {
    expect(cleanName(null)).toBe('');
    expect(cleanName(undefined)).toBe('');
  });
});
