/**
 * Hardhat 2 config for the test EVM node (`hardhat node`, started by hardhat-node.ts).
 * Only the in-process Hardhat Network is used: chainId 31337, automine (a tx is mined before
 * eth_sendRawTransaction returns), no forking, no compilation (the contract is compiled by
 * scripts/compile-contracts.mjs with solc-js), no network access. Hardhat's paths point at a
 * per-run temp dir (HIE_HARDHAT_DIR) so the node writes nothing into the repository.
 */
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const dir = process.env.HIE_HARDHAT_DIR || join(tmpdir(), 'hie-hardhat');

module.exports = {
  defaultNetwork: 'hardhat',
  networks: {
    hardhat: {
      chainId: 31337,
      mining: { auto: true, interval: 0 },
      // Per-request logging would flood the pipe the test reads the ready line from.
      loggingEnabled: false,
    },
  },
  paths: {
    root: dir,
    sources: join(dir, 'contracts'),
    cache: join(dir, 'cache'),
    artifacts: join(dir, 'artifacts'),
    tests: join(dir, 'test'),
  },
};
