import { noRank, type RankTable } from './create-rank-table.js';

// Pieces up to this many bytes merge by scanning for the lowest pair (quadratic, tiny constant);
// longer ones use a heap over a linked list (O(n log n)).
const scanLimit = 96;

/**
 * Merges a piece by repeatedly scanning for its lowest-ranked adjacent pair, leftmost first, as
 * tiktoken does; appends the resulting ranks to `output`. Quadratic: for short pieces only.
 */
export function bytePairEncodeByScan({
  piece,
  length,
  table,
  output,
}: {
  piece: Uint8Array;
  length: number;
  table: RankTable;
  output: number[];
}): void {
  const { mergedRank, byteRanks } = table;
  // partRanks[i] is the rank of part i, pairRanks[i] that of parts i and i + 1 merged.
  const partRanks: number[] = [];
  for (let index = 0; index < length; index++) {
    partRanks.push(byteRanks[piece[index] as number] as number);
  }
  const pairRanks: number[] = [];
  for (let index = 0; index + 1 < partRanks.length; index++) {
    pairRanks.push(mergedRank(partRanks[index] as number, partRanks[index + 1] as number));
  }
  for (;;) {
    let lowest = noRank;
    let lowestIndex = -1;
    for (let index = 0; index < pairRanks.length; index++) {
      const rank = pairRanks[index] as number;
      if (rank < lowest) {
        lowest = rank;
        lowestIndex = index;
      }
    }
    if (lowestIndex < 0) break;
    partRanks[lowestIndex] = lowest;
    partRanks.splice(lowestIndex + 1, 1);
    pairRanks.splice(lowestIndex, 1);
    if (lowestIndex < pairRanks.length) {
      pairRanks[lowestIndex] = mergedRank(lowest, partRanks[lowestIndex + 1] as number);
    }
    if (lowestIndex > 0) {
      pairRanks[lowestIndex - 1] = mergedRank(partRanks[lowestIndex - 1] as number, lowest);
    }
  }
  for (const rank of partRanks) output.push(rank);
}

// A 4-ary min-heap of float64 keys (shallower than binary: fewer levels to sift through).
class KeyHeap {
  private keys: Float64Array;
  size = 0;

  constructor(capacity: number) {
    this.keys = new Float64Array(Math.max(capacity, 16));
  }

  /** Adds a key without restoring heap order; call {@link heapify} before the first pop. */
  append(key: number): void {
    this.keys[this.size++] = key;
  }

  /** Restores heap order after appends, in linear time. */
  heapify(): void {
    for (let index = (this.size - 2) >> 2; index >= 0; index--) this.siftDown(index);
  }

  push(key: number): void {
    if (this.size === this.keys.length) {
      const grown = new Float64Array(this.keys.length * 2);
      grown.set(this.keys);
      this.keys = grown;
    }
    const keys = this.keys;
    let index = this.size++;
    while (index > 0) {
      const parent = (index - 1) >> 2;
      const parentKey = keys[parent] as number;
      if (parentKey <= key) break;
      keys[index] = parentKey;
      index = parent;
    }
    keys[index] = key;
  }

  pop(): number {
    const top = this.keys[0] as number;
    const last = this.keys[--this.size] as number;
    if (this.size > 0) {
      this.keys[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  private siftDown(from: number): void {
    const keys = this.keys;
    const size = this.size;
    const last = keys[from] as number;
    let index = from;
    for (;;) {
      const first = 4 * index + 1;
      if (first >= size) break;
      let child = first;
      let childKey = keys[first] as number;
      const end = Math.min(first + 4, size);
      for (let candidate = first + 1; candidate < end; candidate++) {
        const candidateKey = keys[candidate] as number;
        if (candidateKey < childKey) {
          child = candidate;
          childKey = candidateKey;
        }
      }
      if (childKey >= last) break;
      keys[index] = childKey;
      index = child;
    }
    keys[index] = last;
  }
}

// Heap keys are rank * 2^32 + start so that equal ranks pop leftmost first (exact in a float64:
// ranks < 2^18, starts < 2^32).
const positionScale = 4294967296;

/**
 * Merges a piece with a priority queue over a linked list of parts: same result as the scan
 * (lowest rank first, leftmost on ties), in O(n log n) for pieces of any length.
 */
export function bytePairEncodeByHeap({
  piece,
  length,
  table,
  output,
}: {
  piece: Uint8Array;
  length: number;
  table: RankTable;
  output: number[];
}): void {
  const { mergedRank, byteRanks } = table;
  // Parts are named by their first byte; next[start] is where the part ends and the next begins.
  const next = new Int32Array(length + 1);
  const previous = new Int32Array(length + 1);
  const partRanks = new Int32Array(length + 1);
  const pairRanks = new Int32Array(length + 1).fill(noRank);
  const heap = new KeyHeap(length);
  for (let index = 0; index < length; index++) {
    next[index] = index + 1;
    previous[index] = index - 1;
    partRanks[index] = byteRanks[piece[index] as number] as number;
  }
  for (let index = 0; index + 1 < length; index++) {
    const rank = mergedRank(partRanks[index] as number, partRanks[index + 1] as number);
    pairRanks[index] = rank;
    if (rank !== noRank) heap.append(rank * positionScale + index);
  }
  heap.heapify();
  while (heap.size > 0) {
    const key = heap.pop();
    const rank = Math.floor(key / positionScale);
    const start = key - rank * positionScale;
    // Stale candidate: its part was merged away or has changed since it was queued (a part's
    // pair rank names its bytes, so an unchanged rank means an unchanged pair).
    if (pairRanks[start] !== rank) continue;
    const removed = next[start] as number;
    const after = next[removed] as number;
    next[start] = after;
    pairRanks[removed] = noRank;
    partRanks[start] = rank;
    if (after < length) {
      previous[after] = start;
      const ownRank = mergedRank(rank, partRanks[after] as number);
      pairRanks[start] = ownRank;
      if (ownRank !== noRank) heap.push(ownRank * positionScale + start);
    } else {
      pairRanks[start] = noRank;
    }
    const before = previous[start] as number;
    if (before >= 0) {
      const beforeRank = mergedRank(partRanks[before] as number, rank);
      pairRanks[before] = beforeRank;
      if (beforeRank !== noRank) heap.push(beforeRank * positionScale + before);
    }
  }
  for (let start = 0; start < length; start = next[start] as number) {
    output.push(partRanks[start] as number);
  }
}

/**
 * Appends the ranks of one pre-tokenized piece (the first `length` bytes of `piece`, its UTF-8) to
 * `output`, exactly as tiktoken's byte-pair merge would, choosing the faster strategy for its
 * length.
 */
export function bytePairEncode({
  piece,
  length,
  table,
  output,
}: {
  piece: Uint8Array;
  length: number;
  table: RankTable;
  output: number[];
}): void {
  const whole = table.rankOf(piece, 0, length);
  if (whole !== noRank) {
    output.push(whole);
  } else if (length <= scanLimit) {
    bytePairEncodeByScan({ piece, length, table, output });
  } else {
    bytePairEncodeByHeap({ piece, length, table, output });
  }
}
