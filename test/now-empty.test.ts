// rules §10 before anything is loaded: the live state says so (no horizon, no agents), the
// breaks report is its header alone, and the metrics carry no data age.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from './helpers/database.ts';
import { readLive } from '../src/now/live.ts';
import { writeBreaks } from '../src/now/breaks.ts';
import { parseBreaksParams } from '../src/now/breaks-params.ts';
import { FULL_SCOPE } from '../src/access/scope.ts';

const db = useTestDatabase('now-empty', 'Asia/Dubai');

describe('nothing loaded yet', () => {
  it('live: no horizon, no agents', async () => {
    expect(await readLive(db().pool, 'Asia/Dubai', {}, FULL_SCOPE)).toEqual({ as_of: null, age_seconds: null, counts: {}, agents: [] });
  });

  it('breaks: the header only', async () => {
    let text = '';
    const sink = new Writable({ write(c: Buffer, _e, done) { text += c.toString('utf8'); done(); } });
    await writeBreaks(db().pool, parseBreaksParams([['startDate', '2025-09-07'], ['bom', '0']], 'Asia/Dubai', 93), 'Asia/Dubai', sink);
    expect(text).toBe('Ext,Name,Category,Reason,Start,End,Duration,Limit,Over Limit\r\n');
  });
});
