import type { KaleConfig } from '../../core/config/schema.js';
import { ElasticShapeIndex } from './elasticIndex.js';
import { EmbeddedShapeIndex } from './embeddedIndex.js';
import type { ShapeIndex } from './shapeIndex.js';

/** Elasticsearch when the config names a server, otherwise the embedded index under `dataDir`. */
export function openShapeIndex(config: KaleConfig): ShapeIndex {
  const o = config.oculus;
  if (config.elasticsearch.url) {
    return new ElasticShapeIndex({
      url: config.elasticsearch.url,
      prefix: config.elasticsearch.index,
      paaDims: o.paaDims,
      search: config.elasticsearch.search,
      knnCandidates: config.elasticsearch.knnCandidates,
      replicas: config.elasticsearch.replicas,
    });
  }
  return new EmbeddedShapeIndex(config.dataDir, o.paaDims);
}
