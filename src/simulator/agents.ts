// Who works in the simulated contact centre: extension, user id, name as the upstream
// spells it (URL-encoded-ish, rules §2), and when the agent's shift usually starts.
import { hash, Rng } from './random.ts';

export interface SimAgent {
  index: number;
  ext: string;
  userId: string;
  /** The username as the feed sends it: `Karan+ Sengar`, `Insaf Ben+Arous`, trailing `%0A`. */
  username: string;
  /** Usual shift start, seconds after 00:00 UTC. */
  shiftStart: number;
  /** Mean idle gap between calls, seconds: some agents are busier than others. */
  idleMean: number;
  /** JSON fragment shared by all this agent's events (user_id, ext, username). */
  jsonIdentity: string;
}

const FIRST = ['Karan', 'Insaf', 'Layla', 'Imran', 'Noor', 'Karim', 'Aisha', 'Priya', 'Mona', 'Rahul', 'Divya', 'Sana', 'Tariq', 'Anita', 'Meera', 'Faris', 'Youssef', 'Huda', 'Nadia', 'Vikram', 'Zainab', 'Deepak', 'Salma', 'Arjun', 'Ravi', 'Hassan', 'Kunal', 'Ali', 'Zoë', 'Chloé', 'José', 'Björn', 'Søren', 'Ayşe', 'علي', 'फ़ातिमा'];
const LAST = ['Sengar', 'Ben Arous', 'Menon', 'Aziz', 'Reddy', 'Das', 'Khalil', 'Saleh', 'Rahman', 'Kapoor', 'Iyer', 'Verma', 'Bakr', 'Qureshi', 'Farouk', 'Hamdan', 'Joshi', 'Pillai', 'Haddad', 'Nasser', 'Mansour', 'Müller', 'Núñez', 'Øster', 'O\'Brien', 'حسن'];

/**
 * JSON text of a string in ASCII only (non-ASCII as \uXXXX escapes): still the same JSON
 * value, and a client decodes and parses pure ASCII faster.
 */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** Percent-encodes non-ASCII characters as the upstream sometimes does. */
function percentEncode(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, (ch) => encodeURIComponent(ch));
}

/** One of the spellings the real feed shows for a "First Last" name. */
function spell(rng: Rng, first: string, last: string): string {
  const style = rng.weighted([
    ['plain', 50],
    ['plus', 15],
    ['plus-space', 10],
    ['newline', 10],
    ['encoded', 10],
    ['double-space', 5],
  ] as const);
  switch (style) {
    case 'plain':
      return `${first} ${last}`;
    case 'plus':
      return `${first}+${last.replace(/ /g, '+')}`;
    case 'plus-space':
      return `${first}+ ${last}`;
    case 'newline':
      return `${first} ${last}%0A`;
    case 'encoded':
      return percentEncode(`${first} ${last}`).replace(/ /g, '+');
    case 'double-space':
      return ` ${first}  ${last} `;
  }
}

export function makeAgent(seed: number, index: number): SimAgent {
  const rng = new Rng(hash(seed, index, 0xa9e47));
  const first = rng.pick(FIRST);
  const last = rng.pick(LAST);
  const username = spell(rng, first, last);
  let userId = '';
  for (let i = 0; i < 4; i++) userId += hash(seed, index, i, 0x51d).toString(16).padStart(8, '0');
  // Most shifts start in the (Gulf / South Asian) morning; a night team keeps 24/7 cover.
  const band = rng.weighted([
    [[3 * 3600, 7 * 3600], 60],
    [[7 * 3600, 13 * 3600], 25],
    [[13 * 3600, 22 * 3600], 15],
  ] as const);
  const shiftStart = rng.int(band[0] / 60, band[1] / 60) * 60;
  const ext = String(2000 + index);
  return {
    index,
    ext,
    userId,
    username,
    shiftStart,
    idleMean: rng.int(700, 1500),
    jsonIdentity: `"user_id":${asciiJson(userId)},"ext":${asciiJson(ext)},"username":${asciiJson(username)}`,
  };
}
