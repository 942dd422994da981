// The old home of the input field types, kept so its importers (the template scope) need not change.
export { fieldTypeLabel } from './formats/model';
export type { SchemaField } from './formats/types';
