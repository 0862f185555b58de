/**
 * The store: message store, FHIR store (current versions, history, search index), on
 * PostgreSQL or SQLite through TypeORM (entities + per-driver migrations, `synchronize` off).
 * See README.md for the tables.
 */
export { openDatabase } from './open-database.js';
export type { MessageStatus, NewMessage, StoredMessage, MessageSummary, MessageListFilter } from './message.model.js';
export { MESSAGE_STATUSES } from './message.model.js';
export { MessageRepository } from './message.repository.js';
export type { ConversionOutcome, CommitResult } from './conversion.model.js';
export { ConversionRepository } from './conversion.repository.js';
export { FhirRepository } from './fhir.repository.js';
export type { FhirSearchCriteria, FhirSearchResult, VersionRef } from './fhir.repository.js';
export { STORE_ENTITIES, MessageEntity, FhirResourceEntity, FhirResourceHistoryEntity, FhirSearchTokenEntity, FhirSearchReferenceEntity } from './entities/index.js';
export { POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS } from './migrations/index.js';
export type { DataSource } from 'typeorm';
