import { describe, expect, it } from 'vitest';
import { AnalyzerRunner } from '../../analyzer/runner.js';
import { validateConfig } from '../../core/config/load.js';
import { createLogger } from '../../core/log.js';
import { registry } from '../../core/metrics/registry.js';
import { EmbeddedStore } from '../../core/store/embeddedStore.js';
import { importShapes } from '../../oculus/importer.js';
import { EmbeddedShapeIndex } from '../../oculus/index/embeddedIndex.js';
import type { ShapeChunks } from '../../oculus/shapeChunks.js';
import type { ShapeWindow } from '../../oculus/shapes/windows.js';

// Node's own figures (nodejs_heap_*) are the main thread's; the worker threads report theirs with each
// answer, so a scrape sees the memory of the threads that judge and shape.
const NOW = Math.floor(Date.now() / 1000);

/** `kale_thread_memory_bytes` in the registry's text: "thread kind" → bytes. */
async function threadMemory(): Promise<Map<string, number>> {
  const text = await registry.metrics();
  return new Map(
    [...text.matchAll(/^kale_thread_memory_bytes\{thread="([^"]+)",kind="([^"]+)"\} (\S+)$/gm)].map((m) => [
      `${m[1]} ${m[2]}`,
      Number(m[3]),
    ]),
  );
}

async function storeWithMetrics(): Promise<EmbeddedStore> {
  const store = EmbeddedStore.open();
  // A few hours at one minute: enough to judge, and to shape the 1 h and 24 h windows.
  const points = (k: number) =>
    Array.from({ length: 300 }, (_, i): [number, number] => [
      NOW - 60 * (299 - i),
      10 + Math.sin(i / (k + 2)),
    ]);
  await store.append(Array.from({ length: 20 }, (_, k) => ({ name: `threads.m${k}`, points: points(k) })));
  return store;
}

/** An embedded index that looks at the scrape while the import hands it shapes. */
class WatchingIndex extends EmbeddedShapeIndex {
  during: Map<string, number> | undefined;
  override async replace(window: ShapeWindow, chunks: ShapeChunks): Promise<void> {
    const watched = async function* (self: WatchingIndex) {
      for await (const chunk of chunks) {
        self.during ??= await threadMemory();
        yield chunk;
      }
    };
    return super.replace(window, watched(this));
  }
}

describe('kale_thread_memory_bytes', () => {
  it("has each analyzer worker's heap and off-heap memory after a cycle, and drops them when the pool closes", async () => {
    const store = await storeWithMetrics();
    const runner = new AnalyzerRunner({
      store,
      config: validateConfig({ analyzer: { workers: 2 } }),
      log: createLogger('test'),
      writeStats: false,
      chunkSize: 10,
    });
    try {
      const report = await runner.runCycle(NOW + 1);
      expect(report.analyzed).toBe(20);
      const memory = await threadMemory();
      for (const thread of ['analyzer-worker-0', 'analyzer-worker-1']) {
        // A V8 heap is megabytes even when idle; the decoded windows were off-heap.
        expect(memory.get(`${thread} heap`)).toBeGreaterThan(2 ** 20);
        expect(memory.get(`${thread} external`)).toBeGreaterThan(0);
      }
    } finally {
      await runner.close();
      await store.close();
    }
    expect([...(await threadMemory()).keys()].filter((k) => k.startsWith('analyzer-worker'))).toEqual([]);
  });

  it("has the oculus shaping thread's while an import runs, and not after", async () => {
    const store = await storeWithMetrics();
    const index = new WatchingIndex(null, 16);
    try {
      await importShapes(validateConfig({ oculus: { paaDims: 16 }, reads: { batch: 5 } }), store, index);
      expect(index.during?.get('oculus-shaper heap')).toBeGreaterThan(2 ** 20);
      expect(index.during?.has('oculus-shaper external')).toBe(true);
      expect((await threadMemory()).has('oculus-shaper heap')).toBe(false);
    } finally {
      await index.close();
      await store.close();
    }
  });
});
