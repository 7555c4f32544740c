import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';

/**
 * meter-core's LLM token meters file, the meters the apps run openmeter-local with.
 */
export const LLM_METERS_FILE = createRequire(import.meta.url).resolve(
  '@llm-meter/meter-core/meters/openmeter-meters.yaml',
);

/**
 * Starts the `openmeter-local` command in its own process (its own core and event loop) and
 * resolves with its URL once it listens.
 */
export async function spawnCliServer(
  args: string[],
  {
    entry = 'src/cli.ts',
  }: { /** The command's script, relative to the package. */ entry?: string } = {},
): Promise<{ url: string; child: ChildProcess; stop: () => Promise<void> }> {
  const child = spawn(
    process.execPath,
    ['--conditions=@llm-meter/source', '--import', 'tsx', entry, '--port', '0', ...args],
    { cwd: new URL('..', import.meta.url), stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1] as string);
    });
    child.once('exit', (code) =>
      reject(new Error(`openmeter-local exited with ${code}: ${output}`)),
    );
  });
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  return { url, child, stop };
}
