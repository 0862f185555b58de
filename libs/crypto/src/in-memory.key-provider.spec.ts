import { describe } from 'vitest';
import { InMemoryKeyProvider } from './in-memory.key-provider.js';
import { keyProviderContract } from './key-provider.contract.test-helper.js';

describe('InMemoryKeyProvider (KeyProvider contract)', () => {
  keyProviderContract(async () => new InMemoryKeyProvider());
});
