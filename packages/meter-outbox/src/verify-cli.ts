#!/usr/bin/env node
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatJournalReport, verifyJournal } from './verify-journal.js';

// `pnpm --filter` runs scripts in the package folder: resolve DIR from where it was typed.
const base = process.env.INIT_CWD ?? process.cwd();
const usage =
  "Usage: meter-outbox-verify DIR [--segment-bytes N]\nPrints what an outbox journal directory holds (pending, delivered, damaged, quarantined, dead letters, lock) without changing it. --segment-bytes is the outbox's segmentBytes (default 8388608), which tells space written ahead from damage.\n";
const args = process.argv.slice(2);
if (args.length === 0 || args.includes('--help') || args.includes('-h')) {
  process.stdout.write(usage);
  process.exit(args.length === 0 ? 1 : 0);
}
let segmentBytes: number | undefined;
const at = args.indexOf('--segment-bytes');
if (at !== -1) {
  segmentBytes = Number(args[at + 1]);
  if (!Number.isInteger(segmentBytes) || segmentBytes < 1) {
    process.stderr.write(
      `meter-outbox-verify: --segment-bytes must be a positive integer, got ${JSON.stringify(args[at + 1])}.\n`,
    );
    process.exit(1);
  }
  args.splice(at, 2);
}
const [argument] = args;
if (argument === undefined || args.length > 1) {
  process.stderr.write(usage);
  process.exit(1);
}
const directory = path.resolve(base, argument);
if (!fs.existsSync(directory) || !fs.statSync(directory).isDirectory()) {
  process.stderr.write(`meter-outbox-verify: ${directory} is not a directory.\n`);
  process.exit(1);
}
const report = verifyJournal(directory, { segmentBytes });
process.stdout.write(`${formatJournalReport(report)}\n`);
