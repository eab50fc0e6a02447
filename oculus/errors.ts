/** The metric is not in the Store (HTTP 404). */
export class UnknownMetricError extends Error {
  constructor(readonly metric: string) {
    super(`unknown metric "${metric}"`);
  }
}

/** A search that cannot be answered as asked: bad option, too little data, no values (HTTP 400). */
export class ShapeQueryError extends Error {}

/** The shape index backend (Elasticsearch) cannot be reached or refused the request (HTTP 503). */
export class ShapeIndexUnavailableError extends Error {}
