/**
 * A grpc.health.v1 client for tests: probes need no credentials.
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath } from 'grpc-health-check';

export const HealthClient = {
  /** The serving status of the whole server (service ''), over plaintext or with `credentials`. */
  async check(address: string, credentials: grpc.ChannelCredentials = grpc.credentials.createInsecure()): Promise<string> {
    const def = grpc.loadPackageDefinition(protoLoader.loadSync(protoPath, { enums: String })) as unknown as { grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } } };
    const client = new def.grpc.health.v1.Health(address, credentials);
    try {
      return await new Promise<string>((resolve, reject) =>
        (client as unknown as { Check: (req: object, cb: (err: Error | null, res: { status: string }) => void) => void }).Check({ service: '' }, (err, res) => (err ? reject(err) : resolve(res.status))),
      );
    } finally {
      client.close();
    }
  },
};
