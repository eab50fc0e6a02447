import { useEffect, useState } from 'react';

/** Hash routes (`#/similar?metric=x`) so the server needs no per-page fallback and links survive reloads. */
export interface Route {
  page: string;
  params: URLSearchParams;
}

function parse(): Route {
  const [path, search = ''] = location.hash.replace(/^#\/?/, '').split('?');
  return { page: path || 'anomalies', params: new URLSearchParams(search) };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(parse);
  useEffect(() => {
    const on = () => setRoute(parse());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

export const href = (page: string, params: Record<string, string> = {}) => {
  const q = new URLSearchParams(params).toString();
  return `#/${page}${q ? `?${q}` : ''}`;
};

/** A past (or current) anomaly's detail on the Anomalies page. */
export const anomalyHref = (metric: string, timestamp: number) =>
  href('anomalies', { metric, at: String(timestamp) });
