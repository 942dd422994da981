// The one copy of Ajv and ajv-formats that the bundles share (esbuild.mjs, SHARED_GROUPS). They are
// built into one file because ajv-formats uses Ajv's own code-generator classes
// (`ajv/dist/compile/codegen`): a second copy of Ajv beside it would not recognise them.
module.exports = { ajv: require('ajv'), 'ajv-formats': require('ajv-formats') };
