/**
 * The one table of metric names on horizon's path, interned straight from the bytes of a frame: a name
 * seen before costs a hash of its bytes and one byte-for-byte compare, and gets the same small integer
 * id (and the same string object) every time, so no string is made or hashed per point. Per-name
 * decisions (validation, skip list) are then cached by id, and the writer queues points by these ids
 * too: the writer thread learns each name once, with the first batch that may use its id
 * (horizon/threadedWriter.ts). At 1M points/s, making a string per point and looking it up in a Map was
 * a third of the listeners' thread.
 *
 * Open addressing over an Int32Array of ids; the name bytes live in one growing arena. Bounded: past
 * `maxNames` the table starts over, `generation` changes and `strings` is a new array, so whoever caches
 * by id starts over too, and whoever holds the old array keeps the names its ids meant.
 */
import { grownArray } from '../core/grownArray.js';
import { MAX_NAME_BYTES } from './validate.js';

/** Interned names before the table starts over (a bound on memory when names churn). */
const MAX_NAMES = 1_000_000;
const FIRST_SLOTS = 1 << 12;
/** Longest name `idOfName` takes: a name's length is kept in 16 bits (validation allows MAX_NAME_BYTES). */
const MAX_STRING_NAME_BYTES = 0xffff;

export class NameTable {
  /** Changes whenever ids are reassigned (the table started over). */
  generation = 0;
  private names: string[] = [];
  private hashes = new Int32Array(FIRST_SLOTS / 2);
  private starts = new Uint32Array(FIRST_SLOTS / 2);
  private lengths = new Uint16Array(FIRST_SLOTS / 2);
  /** id + 1 per slot; 0 is an empty slot. */
  private slots = new Int32Array(FIRST_SLOTS);
  // Not from Buffer's shared pool: the arena is read through its own DataView.
  private arena = Buffer.allocUnsafeSlow(64 * 1024);
  private arenaView = new DataView(this.arena.buffer, this.arena.byteOffset, this.arena.byteLength);
  private arenaUsed = 0;
  private lastBytes: Uint8Array | undefined;
  private lastView: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  /**
   * Ids of names that came as strings: a string decoded per point is a new one each time, and a Map
   * lookup of it took about 0.6 of the time of encoding it and looking its bytes up (10,000 names).
   */
  private byString = new Map<string, number>();
  /** `idOfName`'s UTF-8 encoding of a string name, and its own view (frames keep `lastView`). */
  private scratch = Buffer.allocUnsafeSlow(1024);
  private scratchView = new DataView(this.scratch.buffer, 0, this.scratch.length);

  constructor(private readonly maxNames = MAX_NAMES) {}

  get size(): number {
    return this.names.length;
  }

  /** The name with id `id`. */
  name(id: number): string {
    return this.names[id];
  }

  /** Every name by id. Grows as names come; a new array when the table starts over. */
  get strings(): readonly string[] {
    return this.names;
  }

  /**
   * The id of the name in `bytes[start, end)`, UTF-8, or latin1 when `latin1` (pickle BINSTRING);
   * -1 when this table does not take it: empty, over MAX_NAME_BYTES (the caller makes a string and
   * validation rejects it), or latin1 with non-ASCII bytes (which would decode to a different string
   * than the same bytes as UTF-8).
   */
  idOf(bytes: Uint8Array, start: number, end: number, latin1: boolean): number {
    const len = end - start;
    if (len === 0 || len > MAX_NAME_BYTES) return -1;
    return this.lookup(bytes, this.viewOf(bytes), start, end, latin1);
  }

  /**
   * The id of `name`, a string (the paths that decode names as strings: plaintext, remote_write,
   * routed points): by its UTF-8 bytes, so a name has one id whichever way it came. A string with a
   * lone surrogate gets the id of its UTF-8 encoding, the bytes its key has in Redis.
   */
  idOfName(name: string): number {
    const known = this.byString.get(name);
    if (known !== undefined) return known;
    if (this.scratch.length < name.length * 3) {
      this.scratch = Buffer.allocUnsafeSlow(name.length * 3);
      this.scratchView = new DataView(this.scratch.buffer, 0, this.scratch.length);
    }
    const len = this.scratch.write(name, 0);
    if (len > MAX_STRING_NAME_BYTES)
      throw new RangeError(`metric name of ${len} bytes: names are validated before they are written`);
    const id = this.lookup(this.scratch, this.scratchView, 0, len, false);
    // Only strings that are the name itself: the lone-surrogate spellings of one name are unbounded.
    if (this.names[id] === name) this.byString.set(name, id);
    return id;
  }

  /** The id of `bytes[start, end)`, adding it if new; -1 for non-ASCII latin1. */
  private lookup(
    bytes: Uint8Array,
    view: DataView<ArrayBufferLike>,
    start: number,
    end: number,
    latin1: boolean,
  ): number {
    const len = end - start;
    // FNV-1a-style over 4-byte words, then the tail; `high` collects the top bits to spot non-ASCII latin1.
    let h = 0x811c9dc5 ^ len;
    let high = 0;
    let i = start;
    for (const last = end - 4; i <= last; i += 4) {
      const w = view.getInt32(i, true);
      high |= w;
      h = Math.imul(h ^ w, 0x01000193);
      h ^= h >>> 15;
    }
    for (; i < end; i++) {
      const b = bytes[i];
      high |= b << 24;
      h = Math.imul(h ^ b, 0x01000193);
    }
    high &= 0x80808080;
    if (latin1 && high !== 0) return -1;
    const mask = this.slots.length - 1;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const slot = this.slots[s];
      if (slot === 0) return this.add(bytes, view, start, end, h, s, latin1);
      const id = slot - 1;
      if (this.hashes[id] === h && this.lengths[id] === len && this.sameBytes(id, view, bytes, start, len))
        return id;
    }
  }

  private sameBytes(
    id: number,
    view: DataView<ArrayBufferLike>,
    bytes: Uint8Array,
    start: number,
    len: number,
  ): boolean {
    const arena = this.arenaView;
    const at = this.starts[id];
    let i = 0;
    for (; i + 4 <= len; i += 4) if (arena.getInt32(at + i) !== view.getInt32(start + i)) return false;
    for (; i < len; i++) if (this.arena[at + i] !== bytes[start + i]) return false;
    return true;
  }

  /** A DataView of `bytes`, made once per distinct buffer (a decoder passes one frame many times). */
  private viewOf(bytes: Uint8Array): DataView<ArrayBufferLike> {
    if (bytes !== this.lastBytes) {
      this.lastBytes = bytes;
      this.lastView = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    return this.lastView;
  }

  private add(
    bytes: Uint8Array,
    view: DataView<ArrayBufferLike>,
    start: number,
    end: number,
    h: number,
    slot: number,
    latin1: boolean,
  ): number {
    if (this.names.length >= this.maxNames) {
      this.clear();
      return this.lookup(bytes, view, start, end, latin1);
    }
    const id = this.names.length;
    const len = end - start;
    this.hashes = grownArray(this.hashes, id + 1);
    this.starts = grownArray(this.starts, id + 1);
    this.lengths = grownArray(this.lengths, id + 1);
    if (this.arenaUsed + len > this.arena.length) {
      const arena = Buffer.allocUnsafeSlow(Math.max(this.arena.length * 2, this.arenaUsed + len));
      this.arena.copy(arena, 0, 0, this.arenaUsed);
      this.arena = arena;
      this.arenaView = new DataView(arena.buffer, arena.byteOffset, arena.byteLength);
    }
    this.arena.set(bytes.subarray(start, end), this.arenaUsed);
    this.starts[id] = this.arenaUsed;
    this.lengths[id] = len;
    this.hashes[id] = h;
    this.arenaUsed += len;
    this.names.push(
      Buffer.from(bytes.buffer, bytes.byteOffset + start, len).toString(latin1 ? 'latin1' : 'utf8'),
    );
    this.slots[slot] = id + 1;
    // Kept at most half full, so probe runs stay short.
    if (this.names.length * 2 > this.slots.length) this.rehash();
    return id;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let id = 0; id < this.names.length; id++) {
      let s = this.hashes[id] & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = id + 1;
    }
    this.slots = slots;
  }

  private clear(): void {
    // A new array, not emptied: points queued with ids of the old table still name their metrics by it.
    this.names = [];
    this.byString.clear();
    this.slots.fill(0);
    this.arenaUsed = 0;
    this.generation++;
  }
}

/**
 * A zero-initialised typed-array slot per id of one NameTable, for caching a per-name decision by id.
 * All slots go back to zero when the table starts over (its ids are reassigned) or on `clear`.
 */
export class PerName<T extends Uint8Array | Int32Array> {
  private generation: number;

  constructor(
    readonly table: NameTable,
    private slots: T,
  ) {
    this.generation = table.generation;
  }

  /** The slots, with room for `id`. */
  upTo(id: number): T {
    if (this.table.generation !== this.generation) {
      this.generation = this.table.generation;
      this.slots.fill(0);
    }
    this.slots = grownArray(this.slots, id + 1);
    return this.slots;
  }

  clear(): void {
    this.slots.fill(0);
  }
}
