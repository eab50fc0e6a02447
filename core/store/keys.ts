/** Redis key layout shared by the Redis backend and anything that must name keys. */
export const metricKey = (name: string) => `metrics.${name}`;
export const quarantineKey = (name: string) => `quarantine.metrics.${name}`;
export const ANOMALIES_CURRENT = 'kale.anomalies.current';
export const ANOMALIES_HISTORY = 'kale.anomalies.history';
export const COLLECTIONS = 'kale.collections';
export const STATUS = 'kale.status';
export const claimKey = (key: string) => `kale.claim.${key}`;
