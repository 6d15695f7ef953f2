import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';

/**
 * A port on loopback that was free a moment ago, for a server whose address must be known
 * before it starts (a URL registered with a platform at start-up).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
