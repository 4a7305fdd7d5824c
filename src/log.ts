// One-line logs: ISO time, level, message, then key=value fields. Callers pass no
// secrets; `field` values are printed as given, so tokens and passwords never go in.
export type Fields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
}

function format(level: string, msg: string, fields?: Fields): string {
  const parts = [new Date().toISOString(), level, msg];
  for (const [k, v] of Object.entries(fields ?? {})) {
    if (v === undefined) continue;
    const s = String(v);
    parts.push(`${k}=${/[\s"=]/.test(s) ? JSON.stringify(s) : s}`);
  }
  return parts.join(' ');
}

export function createLogger(write: (line: string) => void = (l) => process.stdout.write(l + '\n')): Logger {
  return {
    info: (m, f) => write(format('info', m, f)),
    warn: (m, f) => write(format('warn', m, f)),
    error: (m, f) => write(format('error', m, f)),
  };
}

/** A logger that keeps lines in memory, for tests. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return Object.assign(createLogger((l) => lines.push(l)), { lines });
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
