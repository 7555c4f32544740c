import type { Child } from 'hono/jsx';
import type { ShownQuery } from '../read/shown-query.js';

/** The frame of every page: navigation, the range form, the content and the queries behind it. */
export function Layout({
  title,
  range,
  cacheSeconds,
  queries,
  children,
}: {
  title: string;
  /** The range form's values; undefined: the page has no range. */
  range: { from: string; to: string; action: string } | undefined;
  cacheSeconds: number;
  queries: readonly ShownQuery[];
  children: Child;
}) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · llm-meter`}</title>
        <link rel="stylesheet" href="/assets/dashboard.css" />
        <script src="/assets/chart.umd.js" defer />
        <script src="/assets/dashboard.js" defer />
      </head>
      <body>
        <header>
          <nav>
            <strong>llm-meter</strong> <a href="/">Overview</a>{' '}
            <a href="/reconciliation">Reconciliation</a>
          </nav>
          {range && (
            <form method="get" action={range.action}>
              <label>
                from <input type="date" name="from" value={range.from} required />
              </label>{' '}
              <label>
                to <input type="date" name="to" value={range.to} required />
              </label>{' '}
              <button type="submit">show</button> <span class="note">UTC days, both included</span>
            </form>
          )}
        </header>
        <main>
          <h1>{title}</h1>
          {children}
          <QueryList queries={queries} cacheSeconds={cacheSeconds} />
        </main>
      </body>
    </html>
  );
}

/** The OpenMeter queries behind the page's numbers, each as a URL and a copyable curl command. */
export function QueryList({
  queries,
  cacheSeconds,
}: {
  queries: readonly ShownQuery[];
  cacheSeconds: number;
}) {
  if (queries.length === 0) return null;
  return (
    <section id="queries">
      <h2>OpenMeter queries</h2>
      <p class="note">
        Every number above links to the query that produced it. Answers are kept {cacheSeconds} s;
        the API key is never shown: export it as OPENMETER_API_KEY to run a query.
      </p>
      <ol>
        {queries.map((query) => (
          <li id={query.id}>
            <code class="query-url">
              {query.method} {query.url}
            </code>{' '}
            {query.body !== undefined && (
              <code class="query-body">{JSON.stringify(query.body)}</code>
            )}{' '}
            <button type="button" class="copy" data-copy={curlCommand(query)}>
              copy curl
            </button>
          </li>
        ))}
      </ol>
    </section>
  );
}

/** The curl command of a query, with the key left to the shell (and a POST's JSON body). */
export function curlCommand(query: ShownQuery): string {
  const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;
  const auth = `-H "Authorization: Bearer $OPENMETER_API_KEY"`;
  if (query.method === 'GET') return `curl ${auth} ${quote(query.url)}`;
  return `curl -X POST ${auth} -H 'Content-Type: application/json' ${quote(query.url)} --data ${quote(JSON.stringify(query.body ?? {}))}`;
}

/** A number linked to the query it came from. */
export function QueryNumber({
  value,
  query,
  metric,
}: {
  value: string;
  query: string;
  /** What the number is, for tests and screen readers (`data-metric`). */
  metric: string;
}) {
  return (
    <a class="n" href={`#${query}`} data-metric={metric} title={`from OpenMeter query #${query}`}>
      {value}
    </a>
  );
}
