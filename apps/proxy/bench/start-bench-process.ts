// Start-up helpers of the proxy's benchmarks: every server runs in its own process.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Node's arguments to run a workspace TypeScript entry from its sources. */
export const sourceNodeArgs = ['--conditions=@llm-meter/source', '--import', 'tsx'];

/** A TCP port of 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts `command` with `args` (and the environment plus `env`), adds it to `children` for the
 * bench's clean-up, and waits until its output matches `ready`; rejects with its output when it
 * exits first.
 */
export async function startBenchProcess({
  name,
  command,
  args,
  env,
  ready,
  children,
}: {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  ready: RegExp;
  children: ChildProcess[];
}): Promise<ChildProcess> {
  const child = spawn(command, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (data: Buffer) => {
      output += data;
      if (ready.test(output)) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}: ${output}`)));
  });
  return child;
}

/**
 * The arguments of the `openmeter-local` command from its sources, on 127.0.0.1:`port` with
 * meter-core's shipped meters and its database in `db`.
 */
export function openMeterLocalArgs({ port, db }: { port: number; db: string }): string[] {
  return [
    join(root, 'packages/openmeter-local/src/cli.ts'),
    '--port',
    String(port),
    '--meters',
    join(root, 'packages/meter-core/meters/openmeter-meters.yaml'),
    '--db',
    db,
  ];
}
