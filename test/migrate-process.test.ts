// npm run migrate as a process: its exit codes, one meaning each (src/cli/exit.ts).
import { describe, it, expect } from 'vitest';
import { useTestDatabase } from './helpers/database.ts';
import { runCommand } from './helpers/child.ts';
import { EXIT } from '../src/cli/exit.ts';

const db = useTestDatabase('migrate-process');

describe('npm run migrate exit codes', () => {
  it('another REPORT_TZ than the database was built for: 3, with the way out', async () => {
    const child = runCommand('migrate.ts', [], { DATABASE_URL: db().url, REPORT_TZ: 'Europe/London' });
    expect(await child.exited).toBe(EXIT.REFUSED);
    expect(child.lines.join('\n')).toMatch(/migrate refused: this database was built for REPORT_TZ=Asia\/Dubai.*--rebuild-tz/);
  });

  it('an unknown argument: 2; a malformed setting: 78', async () => {
    const bad = runCommand('migrate.ts', ['--rebuild'], { DATABASE_URL: db().url });
    expect(await bad.exited).toBe(EXIT.USAGE);
    expect(bad.lines.join('\n')).toMatch(/unknown argument --rebuild/);
    const config = runCommand('migrate.ts', [], { DATABASE_URL: db().url, REPORT_TZ: 'Mars/Olympus' });
    expect(await config.exited).toBe(EXIT.CONFIG);
    expect(config.lines.join('\n')).toMatch(/Mars\/Olympus.*is not an IANA time zone/);
  });
});
