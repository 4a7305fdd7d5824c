// Can the upstream be reached at all? One request to API_BASE with a short connect timeout,
// before the first run: any HTTP answer (even 404) means the host is there; a refused
// connection, an unknown host or a timeout is said at once, naming API_BASE, instead of
// after minutes of retries.
import { Agent, request } from '../upstream/undici.ts';

export async function upstreamUnreachable(baseUrl: string, timeoutMs = 5000): Promise<string | undefined> {
  const agent = new Agent({ connect: { timeout: timeoutMs }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  try {
    const res = await request(baseUrl, { method: 'GET', dispatcher: agent, signal: AbortSignal.timeout(timeoutMs) });
    await res.body.dump();
    return undefined;
  } catch (err) {
    const e = err as { code?: string; name?: string; message?: string; cause?: { code?: string } };
    const code = e.code ?? e.cause?.code ?? (e.name === 'TimeoutError' || e.name === 'AbortError' ? 'timeout' : undefined);
    return `the upstream at API_BASE=${baseUrl} cannot be reached (${code ?? e.message}): check API_BASE and that this machine can reach it`;
  } finally {
    await agent.close().catch(() => {});
  }
}
