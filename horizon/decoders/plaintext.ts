import { StringDecoder } from 'node:string_decoder';
import type { Sink } from '../sink.js';

/**
 * The Graphite line protocol (`name value timestamp\n`) over a TCP stream: lines split across reads are
 * reassembled; a line longer than `maxLineBytes` is rejected as oversized and skipped up to its newline,
 * so one bad sender cannot make the buffer grow without bound.
 */
export class LineReader {
  private partial = '';
  private discarding = false;
  // Keeps a UTF-8 character split across two reads whole.
  private readonly decoder = new StringDecoder('utf8');

  constructor(
    private readonly sink: Sink,
    private readonly peer: string,
    private readonly maxLineBytes: number,
  ) {}

  push(data: Buffer): void {
    let text = this.decoder.write(data);
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      const piece = text.slice(start, nl);
      start = nl + 1;
      if (this.discarding) {
        this.discarding = false;
        this.partial = '';
        continue;
      }
      const line = this.partial ? this.partial + piece : piece;
      this.partial = '';
      if (line.length > this.maxLineBytes) {
        this.sink.reject('oversized', this.peer, `line of ${line.length} bytes`);
        continue;
      }
      parseLine(line, this.sink, this.peer);
    }
    text = text.slice(start);
    if (this.discarding) return;
    this.partial += text;
    if (this.partial.length > this.maxLineBytes) {
      this.sink.reject('oversized', this.peer, `line over ${this.maxLineBytes} bytes`);
      this.partial = '';
      this.discarding = true;
    }
  }

  /** The connection ended: a last line without its newline is still a line (netcat often omits it). */
  end(): void {
    if (!this.discarding && this.partial.trim()) parseLine(this.partial, this.sink, this.peer);
    this.partial = '';
  }
}

export function parseLine(raw: string, sink: Sink, peer: string): void {
  const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  if (line.trim() === '') return;
  const fields = line.trim().split(/[ \t]+/);
  if (fields.length !== 3) {
    sink.reject('structure', peer, `expected "name value timestamp", got ${fields.length} fields`);
    return;
  }
  sink.point(fields[0], fields[2], fields[1], peer);
}
