/**
 * The process's Prometheus registry: what this process's services did, in the Prometheus text format
 * (prom-client), for `GET /metrics` on the webapp (`kale start`, `kale webapp`) or on a service's own
 * `--metrics-port` (`kale horizon`, `kale analyzer`, `kale oculus` run alone). Each service's figures
 * are defined once per process in its own file here; the services feed them.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry });
