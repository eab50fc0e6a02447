import type { StartService } from '../core/service.js';

/**
 * The services `kale start` runs in one process, in start order (ingest first, the webapp last so the
 * ready line is printed once everything can take traffic).
 */
export const services: ReadonlyArray<{ name: string; start: () => Promise<StartService> }> = [
  { name: 'horizon', start: async () => (await import('../horizon/service.js')).startHorizon },
  { name: 'analyzer', start: async () => (await import('../analyzer/service.js')).startAnalyzer },
  { name: 'oculus', start: async () => (await import('../oculus/service.js')).startOculus },
  { name: 'webapp', start: async () => (await import('../webapp/server/service.js')).startWebapp },
];
