// The teams file of `npm run teams` (rules §9): CSV with the header `team,ext`, one
// membership a line. `list` writes it and `import` reads it, so one's output is the
// other's input. A line with a team and no extension is a team with no members yet (a
// team made from a SQL client before anyone joined it survives a round trip).
import { checkName, EXT } from './names.ts';

export const HEADER = 'team,ext';

export interface Membership {
  team: string;
  /** null: the team has no members. */
  ext: string | null;
}

/** A line of the file that cannot be read; `line` is 1-based, the header being line 1. */
export class TeamFileError extends Error {
  constructor(
    readonly line: number,
    problem: string,
  ) {
    super(`line ${line}: ${problem}; nothing was changed`);
  }
}

/** The fields of one CSV line (RFC 4180 quoting: "a ""b""",c). */
function fields(line: string, n: number): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) throw new TeamFileError(n, 'a quoted field is not closed: end it with "');
        if (line[i] === '"' && line[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (line[i] === '"') {
          i++;
          break;
        } else field += line[i++];
      }
      if (i < line.length && line[i] !== ',') throw new TeamFileError(n, 'text after a closing quote: put the whole field in quotes, with "" for a quote inside');
    } else {
      const end = line.indexOf(',', i);
      field = line.slice(i, end === -1 ? line.length : end);
      i = end === -1 ? line.length : end;
    }
    out.push(field);
    if (i >= line.length) return out;
    i++; // the comma
  }
}

/**
 * The memberships of a teams file, repeated lines once, in file order. Throws a
 * TeamFileError naming the first bad line and the fix.
 */
export function parseTeamFile(text: string): Membership[] {
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  const header = lines[0]?.replace(/\r$/, '').trim();
  if (header !== HEADER) {
    throw new TeamFileError(1, `the first line must be the header ${HEADER} (got ${JSON.stringify((header ?? '').slice(0, 40))})`);
  }
  const seen = new Set<string>();
  const out: Membership[] = [];
  for (let i = 1; i < lines.length; i++) {
    const n = i + 1;
    const line = lines[i]!.replace(/\r$/, '');
    if (line.trim() === '') continue;
    const f = fields(line, n);
    if (f.length !== 2) throw new TeamFileError(n, `${f.length} fields where 2 are expected (team,ext): a team name cannot hold a comma`);
    const checked = checkName(f[0]!, 'team');
    if ('problem' in checked) throw new TeamFileError(n, checked.problem);
    const rawExt = f[1]!.trim();
    if (rawExt !== '' && !EXT.test(rawExt)) {
      throw new TeamFileError(n, `the extension ${JSON.stringify(rawExt.slice(0, 40))} is not one: use 1-32 letters, digits, '-', '_' or '.', or leave it empty for a team with no members`);
    }
    const m: Membership = { team: checked.name, ext: rawExt === '' ? null : rawExt };
    const key = JSON.stringify([m.team, m.ext]);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(m);
  }
  return out;
}

/** One line of the file for a membership (quoted only where CSV needs it). */
export function teamLine(m: Membership): string {
  const q = (s: string) => (/[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replaceAll('"', '""')}"` : s);
  return `${q(m.team)},${m.ext ?? ''}`;
}
