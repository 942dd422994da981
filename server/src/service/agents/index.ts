// Agent instruction files as a workspace: their counts, the always-loaded set and its budget, the
// lint findings across the set, and the change summary of one file between two versions. The
// doors (server, CLI) reach them here; the format itself is formats/agents/.
export { agentFileTokens, type AgentFileTokens, type SectionTokens } from './count';
export { AgentFiles, countingOf, loadingOf, type AgentFileEntry, type AgentSet, type AgentsConfig, type Counting, type CountingGroup, type Loading } from './set';
export { agentCodeLenses, agentCountingLines, agentSetDiagnostics, agentSetTable, agentSummaryText, applyToLens } from './present';
export { agentFileGlobs, globMatcher, matchesAgentFiles, relativePath } from './glob';
export { AGENT_FILE_PATTERNS, AGENTS_ID, agentInfo, agentKindOf, type AgentFileKind } from '../formats/registry';
