import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { installPromiseWithResolvers } from './promise-with-resolvers.polyfill.js';

type HeliaModule = typeof import('helia');
/** The Helia node with libp2p the IPFS driver runs. */
export type HeliaNode = ReturnType<HeliaModule['createHelia']>;
/** The UnixFS API over it. */
export type UnixfsApi = ReturnType<(typeof import('@helia/unixfs'))['unixfs']>;
/** A parsed libp2p multiaddr. */
export type Multiaddr = ReturnType<(typeof import('@multiformats/multiaddr'))['multiaddr']>;

/** A started node and what the driver needs from the lazily imported packages. */
export interface IpfsNode {
  helia: HeliaNode;
  unixfs: UnixfsApi;
  parseMultiaddr(text: string): Multiaddr;
  /** Stops libp2p and Helia, then closes the repo stores. */
  stop(): Promise<void>;
}

/**
 * Builds and starts a Helia node that talks only to the peers it is told about. Everything is
 * imported here, dynamically: loading Helia and libp2p costs about a second and hundreds of
 * modules that the embedded default must not pay for.
 *
 * Deliberately minimal, because `createHelia()`'s defaults reach for the internet (public
 * bootstrap peers, delegated routing and gateway hosts, mDNS, UPnP, DHT): TCP only, Noise,
 * Yamux, identify; no peer discovery, no delegated routers, no gateways. Bitswap is Helia's.
 * The repo keeps blocks, pins and the node's private key (Helia's keychain, in the datastore),
 * so content and peer id survive restarts.
 */
export async function startIpfsNode(repoDir: string, listen: readonly string[]): Promise<IpfsNode> {
  // Must run before Helia/libp2p modules evaluate.
  installPromiseWithResolvers();
  const [heliaModule, unixfsModule, tcpModule, noiseModule, yamuxModule, identifyModule, blockstoreModule, datastoreModule, multiaddrModule] =
    await Promise.all([
      import('helia'),
      import('@helia/unixfs'),
      import('@libp2p/tcp'),
      import('@chainsafe/libp2p-noise'),
      import('@chainsafe/libp2p-yamux'),
      import('@libp2p/identify'),
      import('blockstore-fs'),
      import('datastore-fs'),
      import('@multiformats/multiaddr'),
    ]);
  const root = resolve(repoDir);
  await mkdir(root, { recursive: true });
  const blockstore = new blockstoreModule.FsBlockstore(join(root, 'blocks'));
  const datastore = new datastoreModule.FsDatastore(join(root, 'datastore'));
  await blockstore.open();
  await datastore.open();
  try {
    const helia = heliaModule.createHelia({
      blockstore,
      datastore,
      // No `config: 'merge'`: merging brings every internet-facing default back.
      libp2p: {
        addresses: { listen: [...listen] },
        transports: [tcpModule.tcp()],
        connectionEncrypters: [noiseModule.noise()],
        streamMuxers: [yamuxModule.yamux()],
        peerDiscovery: [],
        services: { identify: identifyModule.identify() },
      },
      http: { delegatedRouters: [], recursiveGateways: [] },
    });
    await helia.start();
    return {
      helia,
      unixfs: unixfsModule.unixfs(helia),
      parseMultiaddr: (text) => multiaddrModule.multiaddr(text),
      async stop() {
        try {
          await helia.stop();
        } finally {
          await blockstore.close();
          await datastore.close();
        }
      },
    };
  } catch (error) {
    await blockstore.close().catch(() => undefined);
    await datastore.close().catch(() => undefined);
    throw error;
  }
}
