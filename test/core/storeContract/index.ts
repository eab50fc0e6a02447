import { describe } from 'vitest';
import type { Store } from '../../../core/store/store.js';
import { anomalyStoreContract } from './anomalyStore.js';
import { claimStoreContract } from './claimStore.js';
import { collectionStoreContract } from './collectionStore.js';
import { groupStoreContract } from './groupStore.js';
import type { RoleHarness } from './harness.js';
import { metricStateStoreContract } from './metricStateStore.js';
import { rollupStoreContract } from './rollupStore.js';
import { statusStoreContract } from './statusStore.js';
import { windowStoreContract, type WindowHarness } from './windowStore.js';

/** A backend under test: every role's contract runs on the stores `open` returns. */
export type StoreHarness = RoleHarness<Store> & WindowHarness;

/** Every role's contract, on one backend: what a backend must pass to be a Store. */
export function storeContract(name: string, h: StoreHarness): void {
  describe(`Store contract: ${name}`, () => {
    windowStoreContract(h);
    rollupStoreContract(h);
    anomalyStoreContract(h);
    claimStoreContract(h);
    collectionStoreContract(h);
    metricStateStoreContract(h);
    groupStoreContract(h);
    statusStoreContract(h);
  });
}
