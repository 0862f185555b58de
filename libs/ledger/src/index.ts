/**
 * The chain adapter (`@hie/ledger`): anchors Merkle roots of record-hash batches, records
 * consents and erasures, with no PHI anywhere. Two drivers of one contract (`Ledger`):
 * the embedded signed ledger in the engine's database (default) and an EVM contract.
 */

/** The Ledger contract and its value types. */
export type { AnchorRecord, AnchorRequest, ConsentEntry, ErasureEntry, Hex32, Ledger, LedgerReceipt } from './ledger.port.js';
/** LEDGER_UNAVAILABLE (retry later), LEDGER_CONFLICT, LEDGER_INTEGRITY, and the store's LEDGER_SEQ_TAKEN. */
export { LedgerConflictError, LedgerIntegrityError, LedgerSeqTakenError, LedgerUnavailableError } from './ledger.errors.js';

/** Embedded driver: the ledger and its database port (the table the engine's store implements). */
export { EmbeddedLedger } from './embedded.ledger.js';
export type { ChainCheck, EmbeddedLedgerKeys, EmbeddedLedgerOptions, EntryCheck } from './embedded.ledger.js';
export type { LedgerEntryKind, LedgerEntryRow, LedgerEntryStore } from './ledger-entry.store.js';
/** The entry hash encoding (documented on the function) and the first entry's prevHash. */
export { computeEntryHash, GENESIS_PREV_HASH } from './ledger-entry.hash.js';
/** In-memory LedgerEntryStore with the table's uniqueness rules: tests and throwaway runs. */
export { MemoryLedgerEntryStore } from './memory.ledger-entry-store.js';

/** EVM driver: the HieLedger contract over JSON-RPC, its deployment and writer management. */
export { EvmLedger } from './evm.ledger.js';
export type { EvmLedgerOptions } from './evm.ledger.js';
export { deployLedgerContract, setLedgerWriter } from './hie-ledger.deploy.js';
export type { EvmSignerOptions } from './hie-ledger.deploy.js';
/** The compiled contract artifact (ABI, bytecode, compiler settings) and its ethers Interface. */
export { HIE_LEDGER_CONTRACT, hieLedgerInterface } from './hie-ledger.artifact.js';
export type { ContractArtifact } from './hie-ledger.artifact.js';
