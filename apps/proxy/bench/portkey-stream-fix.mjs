// Loaded into Portkey's gateway (node --import) by the proxy benchmark. Portkey 1.15.2 answers
// every stream with a 500 on Node: it appends its x-portkey-* headers to the upstream fetch
// response, whose headers are immutable (Portkey-AI/gateway#1389 and #1550). Like the fix
// proposed there (#1551), an event stream is handed over as a response with headers it may
// change; every other answer is left as it was, so only streams pay for the copy.
const upstreamFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const response = await upstreamFetch(input, init);
  if (!response.headers.get('content-type')?.startsWith('text/event-stream')) return response;
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers: new Headers(response.headers),
  });
};
