// Bundles the package's entry points (every subpath of package.json "exports" that has a
// `default` file in dist/) into one module each, with the code they share in chunks (esbuild's
// code splitting), after `tsc --emitDeclarationOnly` wrote the declarations. A process that imports
// the package then loads a handful of modules instead of one per source file (about 90), which is
// most of what importing it cost a fresh process. Splitting keeps one copy of every module across
// entries, so state and classes (a tokenizer's caches, `instanceof` on errors) are shared between
// `@llm-meter/meter-core` and its subpaths as they were unbundled.
//
//   tsx scripts/bundle-entries.ts   (part of `pnpm build`)
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const packageDirectory = fileURLToPath(new URL('..', import.meta.url));
const distDirectory = join(packageDirectory, 'dist');

const { exports } = JSON.parse(readFileSync(join(packageDirectory, 'package.json'), 'utf8')) as {
  exports: Record<string, string | Record<string, string>>;
};
// `./push` → src/push.ts: the source condition names the file each entry is built from.
const entryPoints = Object.values(exports).flatMap((target) =>
  typeof target === 'object' && target['@llm-meter/source'] !== undefined
    ? [join(packageDirectory, target['@llm-meter/source'])]
    : [],
);
if (entryPoints.length === 0) throw new Error('package.json "exports" names no source entry');

// JavaScript left from an unbundled build would ship in the tarball unused: only the declarations
// tsc just wrote stay.
for (const path of readdirSync(distDirectory, { recursive: true, encoding: 'utf8' })) {
  if (/\.js(\.map)?$/.test(path)) rmSync(join(distDirectory, path));
}

await build({
  entryPoints,
  outdir: distDirectory,
  outbase: join(packageDirectory, 'src'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.12',
  // The package has no runtime dependency; anything imported by name stays an import.
  packages: 'external',
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
});
