import { describe, expect, it } from 'vitest';
import type { StatusStore } from '../../../core/store/store.js';
import type { RoleHarness } from './harness.js';

/** What the Status page and the CLI rely on: one document per service, a store that connects and answers ping. */
export function statusStoreContract(h: RoleHarness<StatusStore>): void {
  describe('StatusStore', () => {
    it('stores per-service status documents', async () => {
      const s = await h.open();
      await expect(s.firstConnection).resolves.toBeUndefined();
      await s.putStatus('horizon', { received: 5 });
      await s.putStatus('analyzer', { runTime: 1.5 });
      expect(await s.getStatus()).toEqual({ horizon: { received: 5 }, analyzer: { runTime: 1.5 } });
      expect(await s.ping()).toBe(true);
      await s.close();
    });
  });
}
