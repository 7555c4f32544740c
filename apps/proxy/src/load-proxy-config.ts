import { defaultAbortGraceMs } from '@llm-meter/metering';
import type { AccessLogTarget } from './access-log/create-access-log.js';
import { parseKeySubjects, type SubjectPolicy } from './resolve-subject.js';
import { type AllowedRoute, parseAllowedRoutes } from './tenancy/allowed-routes.js';

/** The proxy's own settings, read from the environment (see the README's "Proxy" section). */
export interface ProxyConfig {
  host: string;
  port: number;
  subjects: SubjectPolicy;
  /** Use the proxy's OPENAI_API_KEY upstream (callers authenticate with mapped keys). */
  useServerKey: boolean;
  /**
   * Anthropic's and Gemini's upstreams (`ANTHROPIC_BASE_URL`/`ANTHROPIC_API_KEY`,
   * `GEMINI_BASE_URL`/`GEMINI_API_KEY`), by provider id. `baseUrl` unset: the embedded
   * simulator when OpenAI's is embedded, else the provider's own API. `apiKey` is set only when
   * the proxy uses its own key for that provider (a key set and keys mapped to subjects).
   */
  upstreams: Record<
    'anthropic' | 'google',
    { baseUrl: string | undefined; apiKey: string | undefined }
  >;
  /** Feature key of the budget gate; unset: no gate. */
  budgetFeature: string | undefined;
  redisUrl: string | undefined;
  maxBodyBytes: number;
  /** `LLM_METER_PROXY_ALLOWED_PATHS`; unset: the default of the key mode (see `createTenantGuard`). */
  allowedRoutes: AllowedRoute[] | undefined;
  /** `LLM_METER_PROXY_ABORT_GRACE_MS`: how long upstream is still read after the caller left. */
  abortGraceMs: number;
  /** `LLM_METER_PROXY_ACCESS_LOG`: where the access log goes; unset: no access log. */
  accessLog: AccessLogTarget | undefined;
  /**
   * `LLM_METER_PROXY_TIMINGS_FILE`: where each metered request's timings to the first byte are
   * written (JSON lines) when the proxy stops; unset: nothing is timed. For the bench.
   */
  timingsFile: string | undefined;
}

/** A setting that cannot be used; the message names the variable and what it takes. */
export class ProxyConfigError extends Error {
  override name = 'ProxyConfigError' as const;
}

/**
 * Reads the proxy's settings. `readFile` reads `LLM_METER_PROXY_KEYS_FILE` (injected so this
 * stays testable without a file system).
 */
export function loadProxyConfig({
  env,
  readFile,
}: {
  env: Readonly<Record<string, string | undefined>>;
  readFile: (path: string) => string;
}): ProxyConfig {
  const value = (name: string) => {
    const raw = env[name]?.trim();
    return raw ? raw : undefined;
  };
  const integer = (name: string, fallback: number, min: number, max: number) => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    const parsed = Number(raw);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      throw new ProxyConfigError(
        `${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`,
      );
    }
    return parsed;
  };
  const flag = (name: string) => {
    const raw = value(name);
    if (raw === undefined || raw === '0' || raw === 'false') return false;
    if (raw === '1' || raw === 'true') return true;
    throw new ProxyConfigError(`${name} must be 1 or 0, got ${JSON.stringify(raw)}`);
  };
  // A provider's base URL is its host: the SDK's paths (`/v1/messages`, `/v1beta/models/…`) follow.
  const baseUrl = (name: string, example: string) => {
    const raw = value(name);
    if (raw === undefined) return undefined;
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new ProxyConfigError(
        `${name} must be a URL such as ${example}, got ${JSON.stringify(raw)}`,
      );
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new ProxyConfigError(
        `${name} must be an http(s) URL such as ${example}, got ${JSON.stringify(raw)}`,
      );
    if (/\/v1(beta)?\/?$/.test(url.pathname))
      throw new ProxyConfigError(
        `${name} must not end in ${url.pathname.replace(/\/$/, '')}: the SDKs' paths start with it (every call would be a 404). Set ${name}=${raw.replace(/\/v1(beta)?\/?$/, '')}`,
      );
    return raw.replace(/\/+$/, '');
  };
  let keySubjects = new Map<string, string>();
  try {
    const keysFile = value('LLM_METER_PROXY_KEYS_FILE');
    if (keysFile) {
      let text: string;
      try {
        text = readFile(keysFile);
      } catch (error) {
        throw new ProxyConfigError(
          `LLM_METER_PROXY_KEYS_FILE: cannot read ${keysFile}: ${(error as Error).message}`,
          { cause: error },
        );
      }
      keySubjects = parseKeySubjects(text);
    }
    const keys = value('LLM_METER_PROXY_KEYS');
    if (keys) for (const [key, subject] of parseKeySubjects(keys)) keySubjects.set(key, subject);
  } catch (error) {
    if (error instanceof ProxyConfigError) throw error;
    throw new ProxyConfigError(`LLM_METER_PROXY_KEYS: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const header = (value('LLM_METER_PROXY_SUBJECT_HEADER') ?? 'OpenMeter-Subject').toLowerCase();
  if (!/^[a-z0-9-]+$/.test(header)) {
    throw new ProxyConfigError(
      `LLM_METER_PROXY_SUBJECT_HEADER must be a header name such as OpenMeter-Subject, got ${JSON.stringify(header)}`,
    );
  }
  let allowedRoutes: AllowedRoute[] | undefined;
  const allowedPaths = value('LLM_METER_PROXY_ALLOWED_PATHS');
  if (allowedPaths !== undefined) {
    try {
      allowedRoutes = parseAllowedRoutes(allowedPaths);
    } catch (error) {
      throw new ProxyConfigError(`LLM_METER_PROXY_ALLOWED_PATHS: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  return {
    allowedRoutes,
    host: value('LLM_METER_PROXY_HOST') ?? '127.0.0.1',
    port: integer('LLM_METER_PROXY_PORT', 8787, 0, 65_535),
    subjects: {
      header,
      keySubjects,
      trustRequestUser: flag('LLM_METER_PROXY_TRUST_REQUEST_USER'),
      defaultSubject: value('LLM_METER_PROXY_DEFAULT_SUBJECT'),
    },
    useServerKey: keySubjects.size > 0 && value('OPENAI_API_KEY') !== undefined,
    upstreams: {
      anthropic: {
        baseUrl: baseUrl('ANTHROPIC_BASE_URL', 'https://api.anthropic.com'),
        apiKey: keySubjects.size > 0 ? value('ANTHROPIC_API_KEY') : undefined,
      },
      google: {
        baseUrl: baseUrl('GEMINI_BASE_URL', 'https://generativelanguage.googleapis.com'),
        apiKey: keySubjects.size > 0 ? value('GEMINI_API_KEY') : undefined,
      },
    },
    budgetFeature: value('LLM_METER_BUDGET_FEATURE'),
    redisUrl: value('REDIS_URL'),
    maxBodyBytes: integer(
      'LLM_METER_PROXY_MAX_BODY_BYTES',
      32 * 1024 * 1024,
      1_024,
      1024 * 1024 * 1024,
    ),
    abortGraceMs: integer('LLM_METER_PROXY_ABORT_GRACE_MS', defaultAbortGraceMs, 0, 60_000),
    accessLog: accessLogTarget(value('LLM_METER_PROXY_ACCESS_LOG')),
    timingsFile: value('LLM_METER_PROXY_TIMINGS_FILE'),
  };
}

/**
 * `LLM_METER_PROXY_ACCESS_LOG`: unset, `0`, `false` or `off` for none; `1`, `true`, `stdout` or
 * `-` for stdout; anything else is a file path.
 */
function accessLogTarget(raw: string | undefined): AccessLogTarget | undefined {
  if (raw === undefined || ['0', 'false', 'off'].includes(raw.toLowerCase())) return undefined;
  if (['1', 'true', 'stdout', '-'].includes(raw.toLowerCase())) return { kind: 'stdout' };
  return { kind: 'file', path: raw };
}
