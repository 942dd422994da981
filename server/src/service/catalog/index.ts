// The prompt catalogue: rows, CODEOWNERS, the lifecycle, the lifecycle rules' runner, reports.
export { Catalog, catalogEntry, filterEntries, isCatalogued, sha256, type CatalogEntry, type CatalogFilter, type CatalogOptions, type LastChange } from './catalog';
export { CODEOWNERS_LOCATIONS, ownersOf, parseCodeowners, patternMatcher, type Codeowners, type CodeownersProblem, type CodeownersRule, type OwnerMatch } from './codeowners';
export { isStatusPath, LIFECYCLE_ROLES, lifecycleOf, statusChoices, statusHover, type Lifecycle, type LifecycleRole } from './lifecycle';
export { RecordIndex, type TextVerdict } from './records';
export { findReferences, REFERENCE_GLOBS, ReferenceIndex, type TextFile } from './references';
export { lifecycleFindings, type LifecycleFinding, type LifecycleOptions, type LifecycleWorkspace } from './rules';
export type { CatalogConfig } from '../lint/config';
export { hostLifecycleWorkspace, lastChangeOf, lastChangesOf, loadCatalog, loadLastChanges, readCodeowners, readRecords, saveRowCache, toPath, toUri, type HostLifecycleOptions, type LoadOptions, type RowCacheOptions, type RowCacheReport } from './workspace';
export { ROW_CACHE_FILE, RowCache, type CachedRow, type RowCacheHeader } from './rowCache';
export { CATALOG_FIELDS, formatCatalog, CATALOG_FORMATS, type CatalogFormat } from './report';
export { auditTrail, formatAudit, type AuditTrail, type AuditVersion } from './audit';
export { catalogFormatIds } from './catalog';
