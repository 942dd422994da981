// The old home of the helper list, kept for the template scope (`scope.ts`), which reads Dotprompt's
// helpers directly; features take them from the document's format (`format.template`).
export { BUILTIN_HELPERS, DATA_VARIABLES, HELPERS, ROLES } from './formats/dotprompt/helpers';
export type { HelperInfo } from './formats/types';
