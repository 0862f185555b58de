import { InitialSchemaPostgres1764000000000 } from './postgres/initial-schema.postgres.migration.js';
import { ProtectAnchorPostgres1765000000000 } from './postgres/protect-anchor.postgres.migration.js';
import { DicomInstancePostgres1766000000000 } from './postgres/dicom-instance.postgres.migration.js';
import { InitialSchemaSqlite1764000000000 } from './sqlite/initial-schema.sqlite.migration.js';
import { ProtectAnchorSqlite1765000000000 } from './sqlite/protect-anchor.sqlite.migration.js';
import { DicomInstanceSqlite1766000000000 } from './sqlite/dicom-instance.sqlite.migration.js';

/** PostgreSQL migrations, oldest first (classes, not globs). */
export const POSTGRES_MIGRATIONS = [InitialSchemaPostgres1764000000000, ProtectAnchorPostgres1765000000000, DicomInstancePostgres1766000000000];
/** SQLite migrations, oldest first: a separate set, since the DDL differs. */
export const SQLITE_MIGRATIONS = [InitialSchemaSqlite1764000000000, ProtectAnchorSqlite1765000000000, DicomInstanceSqlite1766000000000];
