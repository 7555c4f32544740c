// The `openmeter-local` command with its per-hour rollup switched off, for
// `rollup-ingest.bench.ts` only (not a setting: queries of a server started this way that the
// rollup would answer come back empty). The rollup batcher of this process does nothing, so
// every ingest transaction writes the events and the meters' value tables as before the rollup.
import { RollupBatcher } from '../src/storage/rollup-batcher.js';

RollupBatcher.prototype.add = () => {};
RollupBatcher.prototype.flush = () => {};
await import('../src/cli.js');
