// Runs graphql-http's server audit (every MUST, SHOULD and MAY of GraphQL over HTTP) against a
// running endpoint, prints what is not ok and the figures, and fails on a MUST or a SHOULD.
// ES modules resolve packages beside the script, so copy it next to graphql-http's node_modules.
import { serverAudits } from 'graphql-http';

const url = process.argv[2] || 'http://127.0.0.1:8080/graphql';
const counts = { ok: 0, warn: 0, error: 0, notice: 0 };
for (const audit of serverAudits({ url, fetchFn: fetch })) {
  const result = await audit.fn();
  counts[result.status]++;
  if (result.status !== 'ok') console.log(result.status.toUpperCase(), audit.id, audit.name, '-', result.reason);
}
const total = Object.values(counts).reduce((a, b) => a + b);
console.log(`${total} audits: ${counts.ok} ok, ${counts.error} MUST failed, ${counts.warn} SHOULD failed, ${counts.notice} MAY not taken`);
process.exit(counts.error + counts.warn > 0 ? 1 : 0);
