import { afterEach } from 'vitest';

/**
 * Registers an afterEach that closes the listener a test opened, passed or failed, so no port outlives
 * its test; returns the function a test hands its listener to.
 */
export function closedAfterEach<L extends { close(): Promise<void> }>(): (listener: L) => L {
  let open: L | undefined;
  afterEach(async () => {
    await open?.close();
    open = undefined;
  });
  return (listener) => (open = listener);
}
