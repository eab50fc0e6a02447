import crypto from 'node:crypto';
import type { RequestHandler } from 'express';
import type { AnomalyRecord, AnomalyStore } from '../../../../core/store/store.js';
import type { WebappDeps } from '../../deps.js';
import { optionalEnum, optionalString } from '../../params.js';
import { anomalyRecords } from './context.js';
import { pathMatcher } from './pathGlob.js';
import { graphiteParams, timeRange } from './request.js';

/** The tags every Kale event carries; a Grafana annotation query asks for `kale`. */
const EVENT_TAGS = ['kale', 'anomaly'];

/** A stable integer id for an episode (graphite-web's event ids are integers). */
const eventId = (episode: string) => crypto.createHash('sha1').update(episode).digest().readUInt32BE(0) >>> 1;

/**
 * `GET /events/get_data?from=&until=&tags=kale [metric-glob]&set_operation=`: each anomaly episode
 * with a point in the range as a graphite-web event `{"when", "what", "tags", "data", "id"}`, at its
 * first point in the range. Tags are split on spaces or commas; an event matches a tag that it carries
 * (`kale`, `anomaly`, its metric) or a glob its metric matches; all tags must match unless
 * set_operation=union.
 */
export function eventsRoute(deps: WebappDeps<AnomalyStore>): RequestHandler {
  return async (req, res) => {
    const src = graphiteParams(req);
    const { from, until } = timeRange(src, Date.now() / 1000);
    const wanted = (optionalString(src, 'tags', 1000) ?? '').split(/[\s,]+/).filter(Boolean);
    const union = optionalEnum(src, 'set_operation', ['union', 'intersection'] as const) === 'union';
    const tests = wanted.map((t) => {
      const glob = pathMatcher(t);
      return (metric: string) => EVENT_TAGS.includes(t) || t === metric || glob(metric);
    });
    const episodes = new Map<string, AnomalyRecord[]>();
    for (const r of await anomalyRecords(deps, from, until)) {
      if (tests.length && !(union ? tests.some((t) => t(r.metric)) : tests.every((t) => t(r.metric))))
        continue;
      const rows = episodes.get(r.episode);
      if (rows) rows.push(r);
      else episodes.set(r.episode, [r]);
    }
    const events = [...episodes].map(([episode, rows]) => {
      rows.sort((a, b) => a.timestamp - b.timestamp);
      const top = rows.reduce((a, b) => (b.score > a.score ? b : a));
      const first = rows[0];
      const last = rows[rows.length - 1];
      const span =
        last.timestamp > first.timestamp ? ` to ${new Date(last.timestamp * 1000).toISOString()}` : '';
      return {
        // Whole seconds: Grafana's backend reads `when` as an int64.
        when: Math.floor(first.timestamp),
        what: `${first.metric} anomalous`,
        tags: [...EVENT_TAGS, first.metric],
        data: `score ${top.score.toFixed(2)} at value ${top.value}; ${rows.length} point${rows.length === 1 ? '' : 's'} from ${new Date(first.timestamp * 1000).toISOString()}${span} (${first.preset} preset, episode ${episode})`,
        id: eventId(episode),
      };
    });
    res.json(events.sort((a, b) => a.when - b.when || a.id - b.id));
  };
}
