/** What every protocol client offers, so seed and loadgen do not care which wire they speak. */
export interface NamedPoint {
  readonly name: string;
  readonly ts: number;
  readonly value: number;
}

export type Proto = 'udp' | 'pickle' | 'pickle-udp' | 'line';
export const PROTOS: readonly Proto[] = ['udp', 'pickle', 'pickle-udp', 'line'];

export interface Sender {
  readonly proto: Proto;
  /** Resolves when the points are handed to the kernel (TCP: written, with back-pressure; UDP: sent). */
  send(points: ReadonlyArray<NamedPoint>): Promise<void>;
  /** Flushes and closes the connection. */
  close(): Promise<void>;
}
