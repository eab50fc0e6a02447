/** Redis key layout shared by the Redis backend and anything that must name keys. */
/** Skyline's prefix of a raw window's key; names in the Store API go without it. */
export const METRIC_PREFIX = 'metrics.';
/** Skyline's set of every raw window's key. */
export const UNIQUE_METRICS = `${METRIC_PREFIX}unique_metrics`;
export const metricKey = (name: string) => `${METRIC_PREFIX}${name}`;
export const quarantineKey = (name: string) => `quarantine.${metricKey(name)}`;
export const ANOMALIES_CURRENT = 'kale.anomalies.current';
export const ANOMALIES_HISTORY = 'kale.anomalies.history';
export const COLLECTIONS = 'kale.collections';
export const STATUS = 'kale.status';
export const claimKey = (key: string) => `kale.claim.${key}`;
/** The analyzer group: one hash field per member, holding its lease's expiry and its last cycles (core/store/redis/groupLease.ts). */
export const ANALYZER_MEMBERS = 'kale.analyzer.members';
