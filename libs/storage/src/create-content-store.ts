import type { ContentStore } from './content-store.js';
import { IpfsContentStore, type IpfsStoreOptions } from './ipfs.content-store.js';
import { LocalContentStore, type LocalContentStoreOptions } from './local.content-store.js';

/** Which content store to open: the embedded local CAS, or a Helia IPFS node. */
export type ContentStoreOptions = ({ kind: 'local'; dir: string } & LocalContentStoreOptions) | ({ kind: 'ipfs' } & IpfsStoreOptions);

/** Opens the configured driver. The ipfs driver loads Helia only when chosen. */
export async function createContentStore(options: ContentStoreOptions): Promise<ContentStore> {
  switch (options.kind) {
    case 'local':
      return LocalContentStore.open(options.dir, options);
    case 'ipfs':
      return IpfsContentStore.create(options);
  }
}
