import { parentPort, workerData } from 'node:worker_threads';
import { threadMemoryNow } from '../core/threadMemory.js';
import { lowerThreadPriority } from '../core/threadPriority.js';
import type { ChunkRequest } from './chunk.js';
import type { AnalyzerRules } from './rules.js';

/**
 * Worker thread: decodes and judges chunks of raw windows sent by the runner, and hands each chunk's
 * buffer back with its answer for the next chunk to be packed into (nothing of the answer is a view of it).
 */
// Lowered before the detectors' modules load, not after: the workers start with `kale start`, and
// compiling those modules at normal priority took the listeners' thread's core in its first seconds of
// ingest (a static import is loaded before any line of this module runs).
lowerThreadPriority();
const { analyzeChunk } = await import('./chunk.js');
const { getPreset } = await import('./presets.js');
const { presetName, rules } = workerData as { presetName: string; rules: AnalyzerRules };
const preset = getPreset(presetName);

parentPort!.on('message', (req: ChunkRequest) => {
  const bytes = req.bytes.buffer as ArrayBuffer;
  try {
    const result = analyzeChunk(req, preset, rules);
    parentPort!.postMessage({ ok: true, result, bytes, memory: threadMemoryNow() }, [bytes]);
  } catch (err) {
    const error = (err as Error).stack ?? String(err);
    parentPort!.postMessage({ ok: false, id: req.id, error, bytes, memory: threadMemoryNow() }, [bytes]);
  }
});
