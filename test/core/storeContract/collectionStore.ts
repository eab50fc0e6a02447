import { describe, expect, it } from 'vitest';
import type { CollectionStore } from '../../../core/store/store.js';
import type { RoleHarness } from './harness.js';

/** What oculus and the webapp rely on for saved shapes. */
export function collectionStoreContract(h: RoleHarness<CollectionStore>): void {
  describe('CollectionStore', () => {
    it('saves, lists and deletes collections', async () => {
      const s = await h.open();
      const c = {
        id: 'c1',
        title: 'Spike',
        description: 'deploy',
        metric: 'a',
        points: [[1, 2]] as Array<[number, number]>,
        createdAt: 10,
      };
      await s.saveCollection(c);
      await s.saveCollection({ ...c, id: 'c2', createdAt: 20 });
      expect((await s.listCollections()).map((x) => x.id)).toEqual(['c2', 'c1']);
      expect(await s.deleteCollection('c1')).toBe(true);
      expect(await s.deleteCollection('c1')).toBe(false);
      expect((await s.listCollections())[0]).toEqual({ ...c, id: 'c2', createdAt: 20 });
      await s.close();
    });
  });
}
