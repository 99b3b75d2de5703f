/**
 * HTTP/1.1 calls for the load generator: keep-alive connections, one per call in flight, through
 * node:http (the client every HTTP peer is measured with, so the client's cost is the same for
 * each). A call that does not answer 200 with the expected JSON fails the run.
 */
import * as http from 'node:http';

const agents = new Map<number, http.Agent>();

function agentFor(concurrency: number): http.Agent {
  let agent = agents.get(concurrency);
  if (!agent) {
    agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
    agents.set(concurrency, agent);
  }
  return agent;
}

/** POSTs `body` (JSON) to `url` and gives back the parsed JSON answer. */
export function postJson(url: string, body: string, concurrency = 1): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent: agentFor(concurrency), headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) reject(new Error(`POST ${url}: HTTP ${res.statusCode} ${text.slice(0, 200)}`));
        else {
          try {
            resolve(JSON.parse(text));
          } catch {
            reject(new Error(`POST ${url}: not JSON: ${text.slice(0, 200)}`));
          }
        }
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export function closeAgents(): void {
  for (const agent of agents.values()) agent.destroy();
  agents.clear();
}
