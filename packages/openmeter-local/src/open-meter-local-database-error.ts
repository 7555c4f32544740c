/**
 * openmeter-local could not open (or create) its SQLite database at `dbPath`: its folder is
 * missing or not writable, the path is a directory, or the file is not a SQLite database.
 * `cause` holds SQLite's error; callers that chose the path (an app's setting) can name it.
 * @see https://www.sqlite.org/rescode.html#cantopen
 */
export class OpenMeterLocalDatabaseError extends Error {
  override name = 'OpenMeterLocalDatabaseError' as const;
  constructor(
    readonly dbPath: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
