import { describe, expect, it } from 'vitest';
import type { StatusStore } from '../../../core/store/store.js';
import type { RoleHarness } from './harness.js';

/** What the Status page relies on: one document per service, and a store that answers ping. */
export function statusStoreContract(h: RoleHarness<StatusStore>): void {
  describe('StatusStore', () => {
    it('stores per-service status documents', async () => {
      const s = await h.open();
      await s.putStatus('horizon', { received: 5 });
      await s.putStatus('analyzer', { runTime: 1.5 });
      expect(await s.getStatus()).toEqual({ horizon: { received: 5 }, analyzer: { runTime: 1.5 } });
      expect(await s.ping()).toBe(true);
      await s.close();
    });
  });
}
