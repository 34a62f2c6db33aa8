// One health probe from this machine (the wizard's "from here", for a public health URL): an HTTP
// GET with a time limit; a 2xx answer passes. Never follows a redirect to somewhere else silently:
// a 3xx is a failure that says where it pointed.
export async function probeFromHere(url: string, timeoutSeconds: number): Promise<{ ok: boolean; detail: string }> {
  if (!/^https?:\/\//i.test(url)) return { ok: false, detail: `not an http:// or https:// URL: ${JSON.stringify(url)}` };
  try {
    const res = await fetch(url, { method: 'GET', redirect: 'manual', signal: AbortSignal.timeout(Math.max(1, timeoutSeconds) * 1000) });
    await res.body?.cancel().catch(() => undefined);
    if (res.status >= 200 && res.status < 300) return { ok: true, detail: `HTTP ${res.status}` };
    const where = res.headers.get('location');
    return { ok: false, detail: `HTTP ${res.status}${where ? ` (redirect to ${where.slice(0, 200)})` : ''}` };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    return { ok: false, detail: err.name === 'TimeoutError' ? `no answer within ${timeoutSeconds} s` : `${err.cause?.code ?? err.name}: ${err.cause?.message ?? err.message}`.slice(0, 300) };
  }
}
