#!/usr/bin/env node
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatJournalReport, verifyJournal } from './verify-journal.js';

// `pnpm --filter` runs scripts in the package folder: resolve DIR from where it was typed.
const base = process.env.INIT_CWD ?? process.cwd();
const [argument] = process.argv.slice(2);
if (argument === undefined || argument === '--help' || argument === '-h') {
  process.stdout.write(
    'Usage: meter-outbox-verify DIR\nPrints what an outbox journal directory holds (pending, delivered, damaged, quarantined, dead letters, lock) without changing it.\n',
  );
  process.exit(argument === undefined ? 1 : 0);
}
const directory = path.resolve(base, argument);
if (!fs.existsSync(directory) || !fs.statSync(directory).isDirectory()) {
  process.stderr.write(`meter-outbox-verify: ${directory} is not a directory.\n`);
  process.exit(1);
}
const report = verifyJournal(directory);
process.stdout.write(`${formatJournalReport(report)}\n`);
