// The stand-in model for the workflows that scripts/act-e2e.sh runs under act: starts the model server on
// 127.0.0.1, prints its URL as the first line of stdout, and serves until it is sent SIGTERM or SIGINT.
import { startModelServer } from '../../stand-ins/model-server.js';

const latencyMs = Number(process.argv[2] ?? 1000);
const server = await startModelServer({ latencyMs });
console.log(server.url);
const stop = async () => {
  await server.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
