import { describe, expect, it } from 'vitest';
import type { ClaimStore } from '../../../core/store/store.js';
import type { RoleHarness } from './harness.js';

/** What alert de-duplication and the migration ledger rely on: one winner per key until expiry or release. */
export function claimStoreContract(h: RoleHarness<ClaimStore>): void {
  describe('ClaimStore', () => {
    it('claims a key once until it expires or is released', async () => {
      const s = await h.open();
      expect(await s.claim('alert.rule1:m', 1)).toBe(true);
      expect(await s.claim('alert.rule1:m', 1)).toBe(false);
      expect(await s.claim('alert.rule2:m', 1)).toBe(true);
      expect(await s.claim('migrate.x', 60)).toBe(true);
      await s.release('migrate.x');
      expect(await s.claim('migrate.x', 60)).toBe(true);
      expect(await s.claim('migrate.x', 60)).toBe(false);
      await new Promise((r) => setTimeout(r, 2100));
      expect(await s.claim('alert.rule1:m', 1)).toBe(true);
      await s.close();
    });
  });
}
