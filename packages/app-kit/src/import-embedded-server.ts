import { AppConfigError } from './app-config-error.js';

/** The embedded servers, installed beside the apps but not with a production deployment. */
const embeddedServers = {
  '@llm-meter/openai-local': () => import('@llm-meter/openai-local'),
  '@llm-meter/openmeter-local': () => import('@llm-meter/openmeter-local'),
};

/**
 * Loads an embedded default server only when it is used, so a configured deployment needs
 * neither simulator (nor openmeter-local's native SQLite addon). When the package is not
 * installed, an `AppConfigError` names the settings that make it unnecessary.
 */
export async function importEmbeddedServer<Name extends keyof typeof embeddedServers>({
  name,
  settings,
}: {
  name: Name;
  /** What to set instead, e.g. `OPENAI_API_KEY or OPENAI_BASE_URL`. */
  settings: string;
}): Promise<Awaited<ReturnType<(typeof embeddedServers)[Name]>>> {
  try {
    return (await embeddedServers[name]()) as Awaited<ReturnType<(typeof embeddedServers)[Name]>>;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' || !String((error as Error).message).includes(name))
      throw error;
    throw new AppConfigError(
      `${settings} is not set, and the embedded default needs ${name}, which this installation does not include (a production install leaves it out): set ${settings}, or install ${name}`,
      { cause: error },
    );
  }
}
