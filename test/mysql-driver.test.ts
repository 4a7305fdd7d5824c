// src/db/iconv.ts: a connection's handshake no longer loads all of iconv-lite's tables,
// and every encoding still finds the codec it found before.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connect } from '../src/db/pool.ts';
import { serverUrl } from './helpers/database.ts';

const fromMysql2 = createRequire(createRequire(import.meta.url).resolve('mysql2'));
const iconv = fromMysql2('iconv-lite') as {
  encodings: Record<string, unknown>;
  getCodec(name: string): { encodingName?: string } & object;
  getDecoder(name: string): { write(b: Buffer): string; end(): string | undefined };
  encode(s: string, enc: string): Buffer;
};
const tables = fromMysql2.resolve('iconv-lite/encodings');

describe("mysql2's handshake and iconv-lite's tables", () => {
  it('mysql2 still decodes the server version as CESU-8 (the path src/db/iconv.ts shortens)', () => {
    const source = readFileSync(join(dirname(fromMysql2.resolve('mysql2')), 'lib', 'packets', 'handshake.js'), 'utf8');
    expect(source).toContain("readNullTerminatedString('cesu8')");
  });

  it('a connection is made and used without loading the tables', async () => {
    const conn = await connect(serverUrl());
    try {
      const [rows] = await conn.query("SELECT VERSION() AS v, 'Björn Das ✓' AS s");
      expect((rows as { s: string }[])[0]!.s).toBe('Björn Das ✓');
    } finally {
      await conn.end();
    }
    expect(fromMysql2.cache[tables] === undefined).toBe(true);
  });

  it('every other encoding finds the same codec as in the full table, loaded on its first look-up', () => {
    expect(iconv.getDecoder('cesu8').write(Buffer.from('10.11.19-MariaDB'))).toBe('10.11.19-MariaDB');
    const full = fromMysql2('iconv-lite/encodings') as Record<string, unknown>;
    for (const name of ['cp1250', 'koi8r', 'gbk', 'big5', 'shiftjis', 'eucjp', 'utf16', 'utf32', 'latin1', 'utf8']) {
      expect(iconv.encodings[name]).toBe(full[name]);
    }
    expect(iconv.encode('Łódź', 'cp1250')).toEqual(Buffer.from([0xa3, 0xf3, 0x64, 0x9f]));
    expect(iconv.encodings.constructor).toBeUndefined(); // no Object.prototype names, as in iconv-lite's own table
    expect(() => iconv.getCodec('no-such-encoding')).toThrow(/not recognized/);
  });
});
