// Agent names as the report prints them (rules §5, Name): the upstream sends them
// URL-encoded-ish. Used where names are stored (the loader) and where stats are read (the
// upstream client); it lives below both.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes one run of %XX escapes as UTF-8; a run that is not valid UTF-8 stays as typed. */
function decodeRun(run: string): string {
  const bytes = new Uint8Array(run.length / 3);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(run.slice(i * 3 + 1, i * 3 + 3), 16);
  try {
    return utf8.decode(bytes);
  } catch {
    return run;
  }
}

/**
 * The report Name (rules §5): `+` -> space; each run of %XX escapes decoded as UTF-8 (an
 * invalid run kept as typed); control characters, the bidirectional ones included (they
 * would reverse text on the page and in a spreadsheet) -> space; whitespace collapsed; trimmed.
 */
export function cleanName(raw: string | null | undefined): string {
  if (raw === null || raw === undefined) return '';
  return raw
    .replace(/\+/g, ' ')
    .replace(/(?:%[0-9A-Fa-f]{2})+/g, decodeRun)
    .replace(/[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
