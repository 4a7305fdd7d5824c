// mysql2 decodes the server's version string in every handshake as CESU-8, through
// iconv-lite (lib/packets/handshake.js), and iconv-lite's first look-up of any encoding
// loads all of its tables: a hundred KB of code pages, 6-12 ms of the start-up of every
// command that connects, for a codec Node itself provides. Here iconv-lite's table starts
// as its own internal codecs (UTF-8, CESU-8, UCS-2, latin1, base64, hex) with every other
// encoding behind them, loaded on the first look-up of one (a server charset Node cannot
// decode): each name finds the same codec as before, only later. The iconv-lite this
// changes is mysql2's own copy; test/mysql-driver.test.ts checks that mysql2 still takes
// this path, so an upgrade that changes it fails there, not in use.
import { createRequire } from 'node:module';

const fromMysql2 = createRequire(createRequire(import.meta.url).resolve('mysql2'));

type Encodings = Record<string, unknown>;
const iconv = fromMysql2('iconv-lite') as { encodings: Encodings | null };

if (iconv.encodings === null) {
  let all: Encodings | undefined;
  const rest = new Proxy({} as Encodings, {
    get(_, name) {
      all ??= fromMysql2('iconv-lite/encodings') as Encodings;
      return typeof name === 'string' && Object.hasOwn(all, name) ? all[name] : undefined;
    },
  });
  iconv.encodings = Object.assign(Object.create(rest) as Encodings, fromMysql2('iconv-lite/encodings/internal') as Encodings);
}
