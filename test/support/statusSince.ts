/**
 * The first `/api/status` answer built after `since` (epoch seconds) for which `until` holds: an
 * answer may be a document built up to a second earlier, and its count of metrics up to 5 s earlier
 * (webapp/server/routes/status.ts), so a test that has just written what it checks waits for an
 * answer built after its writes. Strictly after: a build in the same millisecond as `since` may
 * have read the Store before the writes (CI once saw the first of three writes and not the others).
 * Gives up after about 7 s with the last answer.
 */
export async function statusSince(
  webappUrl: string,
  since: number,
  until: (s: Record<string, unknown>) => boolean = () => true,
) {
  const read = async () => (await fetch(`${webappUrl}/api/status`)).json();
  let s = await read();
  for (let i = 0; i < 350 && !(s.now > since && until(s)); i++) {
    await new Promise((r) => setTimeout(r, 20));
    s = await read();
  }
  return s;
}
