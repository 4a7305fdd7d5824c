// Report hours in other zones, through the API: Asia/Kolkata (UTC+5:30, hours start at
// :30 UTC) and Europe/London's DST days (23 and 25 hours). Expected labels come from luxon
// walking UTC hours, independently of the report_hours calendar the server reads.
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from './helpers/database.ts';
import type { TestDatabase } from './helpers/database.ts';
import { startHttpServer } from '../src/http/server.ts';
import { silentLogger } from '../src/log.ts';
import { get, hourStarts, insertActivity, setAgent, testConfig } from './helpers/report.ts';

const kolkata = useTestDatabase('http-dst-kolkata', 'Asia/Kolkata');
const london = useTestDatabase('http-dst-london', 'Europe/London');

const MONTHS = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');

/** The first four CSV cells of the hours starting at `fromUtc`, `count` hours on. */
function expectedLabels(tz: string, fromUtc: string, count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const s = DateTime.fromISO(fromUtc, { zone: 'utc' }).plus({ hours: i }).setZone(tz);
    const e = s.plus({ hours: 1 });
    out.push(`${s.toFormat('HH:mm')} - ${e.toFormat('HH:mm')},${s.toFormat('dd')}-${MONTHS[s.month - 1]},"${s.toFormat('dd/MM/yyyy, HH:mm:ss')}","${e.toFormat('dd/MM/yyyy, HH:mm:ss')}"`);
  }
  return out;
}

/** Every hour of [fromLocal, toLocal) gets a row for ext 100. */
async function fillDays(d: TestDatabase, fromLocal: string, toLocal: string): Promise<void> {
  await setAgent(d.pool, '100', 'Night Shift');
  const hours = await hourStarts(d.pool, fromLocal, toLocal);
  await insertActivity(d.pool, hours.map((hourStart) => ({ hourStart, ext: '100', idle_s: 1800 })));
}

async function labels(d: TestDatabase, query: string): Promise<string[]> {
  const srv = await startHttpServer(testConfig(d.url, d.reportTz), d.pool, silentLogger);
  try {
    const r = await get(`${srv.url}/api/report?${query}&bom=0`);
    expect(r.status).toBe(200);
    return r.text
      .split('\r\n')
      .slice(1, -1)
      .map((l) => l.split(',').slice(0, 6).join(','));
  } finally {
    await srv.close();
  }
}

describe('Asia/Kolkata', () => {
  it('gives 24 intervals starting at local :00 (half past in UTC)', async () => {
    await fillDays(kolkata(), '2025-09-06 00:00:00', '2025-09-09 00:00:00');
    const got = await labels(kolkata(), 'startDate=2025-09-07');
    expect(got).toHaveLength(24);
    expect(got).toEqual(expectedLabels('Asia/Kolkata', '2025-09-06T18:30:00Z', 24));
    expect(got[0]).toBe('00:00 - 01:00,07-Sep,"07/09/2025, 00:00:00","07/09/2025, 01:00:00"');
    expect(got[23]).toBe('23:00 - 00:00,07-Sep,"07/09/2025, 23:00:00","08/09/2025, 00:00:00"');
  });
});

describe('Europe/London', () => {
  it('gives 23 intervals on the spring-forward day, the first reading 00:00 - 02:00', async () => {
    await fillDays(london(), '2025-03-29 00:00:00', '2025-04-01 00:00:00');
    const got = await labels(london(), 'startDate=2025-03-30');
    expect(got).toHaveLength(23);
    expect(got).toEqual(expectedLabels('Europe/London', '2025-03-30T00:00:00Z', 23));
    expect(got[0]).toBe('00:00 - 02:00,30-Mar,"30/03/2025, 00:00:00","30/03/2025, 02:00:00"');
    expect(got[1]).toMatch(/^02:00 - 03:00,/);
  });

  it('gives 25 intervals on the fall-back day, 01:00 - 01:00 then 01:00 - 02:00', async () => {
    await fillDays(london(), '2025-10-25 00:00:00', '2025-10-28 00:00:00');
    const got = await labels(london(), 'startDate=2025-10-26');
    expect(got).toHaveLength(25);
    expect(got).toEqual(expectedLabels('Europe/London', '2025-10-25T23:00:00Z', 25));
    expect(got.slice(0, 4).map((l) => l.split(',')[0])).toEqual(['00:00 - 01:00', '01:00 - 01:00', '01:00 - 02:00', '02:00 - 03:00']);
  });

  it('resolves times in the gap and in the repeated hour as rules §5 says', async () => {
    // 01:30 on the spring day does not exist: the range starts at 02:00 BST.
    expect((await labels(london(), 'startDate=2025-03-30&startTime=01:30:00&endDate=2025-03-30&endTime=04:00:00')).map((l) => l.split(',')[0])).toEqual([
      '02:00 - 03:00',
      '03:00 - 04:00',
    ]);
    // 01:00 to 02:00 on the fall-back day: 01:00 is taken at its first (BST) occurrence, so both 01:00 hours.
    expect((await labels(london(), 'startDate=2025-10-26&startTime=01:00:00&endDate=2025-10-26&endTime=02:00:00')).map((l) => l.split(',')[0])).toEqual([
      '01:00 - 01:00',
      '01:00 - 02:00',
    ]);
    // From 01:30 (first occurrence) the first 01:00 hour has already started: only the second one.
    expect((await labels(london(), 'startDate=2025-10-26&startTime=01:30:00&endDate=2025-10-26&endTime=03:00:00')).map((l) => l.split(',')[0])).toEqual([
      '01:00 - 02:00',
      '02:00 - 03:00',
    ]);
  });
});
