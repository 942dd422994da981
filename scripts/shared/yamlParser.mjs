// The part of `yaml` 3 the engine uses, its CST parser (server/src/service/yamlParse.ts), as one
// shared file (esbuild.mjs, SHARED_GROUPS): imported by name, the rest of the package is left out.
import { Parser } from 'yaml3';

export const yaml3 = { Parser };
