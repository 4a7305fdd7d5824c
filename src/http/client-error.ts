// Requests that Node's HTTP parser refuses never reach a handler: an over-long URL or
// header block (431), a malformed request line (400), a request that took too long to
// arrive (408). Node would answer with an empty body and nothing in the log; these get
// the JSON error body and an access-log line like every other request.
import type { Duplex } from 'node:stream';
import type { Logger } from '../log.ts';

const ANSWERS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'the request line or headers are too long (16 KB at most): shorten the URL'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'the request did not arrive in time'],
  HPE_HEADERS_TIMEOUT: [408, 'Request Timeout', 'the request headers did not arrive in time'],
};
const BAD_REQUEST: [number, string, string] = [400, 'Bad Request', 'the request is not valid HTTP/1.1: send "GET /path HTTP/1.1" and headers'];

export function answerClientError(err: Error & { code?: string }, socket: Duplex, log: Logger): void {
  // A client that hung up or reset needs no answer.
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, text, message] = ANSWERS[err.code ?? ''] ?? BAD_REQUEST;
  const body = JSON.stringify({ error: message }) + '\n';
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Cache-Control: no-store\r\n' +
      'X-Content-Type-Options: nosniff\r\n' +
      'Connection: close\r\n\r\n' +
      body,
  );
  // The request line may be what was refused: neither method nor path is known for sure.
  log.info('request', { method: '?', path: '?', status, ms: 0, refused_by: 'http parser', code: err.code ?? 'unknown' });
}
