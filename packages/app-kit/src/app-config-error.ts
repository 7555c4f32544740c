/**
 * A configuration problem the user can fix: a bad variable, a wrong key, an unreachable URL or
 * a missing meter. Apps print its message (never a key) and exit with status 1.
 */
export class AppConfigError extends Error {
  override name = 'AppConfigError' as const;
}
