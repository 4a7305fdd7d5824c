// Instants as text, for every stage alike (logs, API fields, messages), so no stage has to
// import another's formatter.

/** ISO-8601 UTC of epoch seconds, without milliseconds: `2025-09-07T07:00:00Z`. */
export function isoUtc(epoch: number): string {
  return new Date(epoch * 1000).toISOString().replace('.000Z', 'Z');
}
