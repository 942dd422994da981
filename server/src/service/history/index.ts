// Prompt history: the public surface for the client, the CLI and tests. Git comes in through the
// `Git` interface (server/src/node/git.ts implements it); nothing here starts a process.
export { GitError, NULL_OID, type FileChange, type Git, type GitErrorKind, type LastCommit, type LogEntry, type LogOptions, type RepositoryInfo, type WorkingStatus } from './git';
export {
  defaultRevisions,
  entryTexts,
  exactTime,
  fileAtRevision,
  hasUncommittedChanges,
  readFullHistory,
  readHistoryPage,
  relativeTime,
  type FileAtRevision,
  type HistoryEntry,
  type HistoryPage,
  type TextPair,
} from './history';
export { lineChanges, splitLines } from './lineDiff';
export { COMMIT_MARK, LOG_FORMAT, parseCatFileBatch, parseLastChanges, parseLog, parseStatus } from './parse';
export { CHANGE_LABELS, comparisonHeadline, formatComparisonText, formatCostDelta, formatDelta, type ComparisonTextOptions } from './report';
export { compareRuns, isChanged, type AssertionChange, type AssertionVerdict, type CaseChange, type CaseComparison, type RunComparison, type RunRecord, type RunSide } from './runs';
export { describeChange, describeChangeLines, describeEntry, type DescribeOptions } from './describe';
export { showValue, summarizeChange, summarizeEntries, type ChangeSummary, type ParameterChange, type SummaryOptions, type ValueChange, type VersionFacts } from './summary';
