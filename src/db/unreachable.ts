// Error codes that mean the database server does not answer (not there, gone, cut off,
// hung: PROTOCOL_SEQUENCE_TIMEOUT is mysql2's query timeout), as opposed to a query it
// refused: an operator fixes the server or its address.
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
]);

/** The code of an error (or of its cause) when it says the database does not answer. */
export function unreachableCode(err: unknown): string | undefined {
  const e = err as { code?: string; cause?: { code?: string } } | undefined;
  const code = e?.code ?? e?.cause?.code;
  return code !== undefined && UNREACHABLE.has(code) ? code : undefined;
}
