// Test runs: fixtures, assertions, providers, the runner, the response cache and run records.
// Plain TypeScript: files, clock, secrets and settings come in through the `TestHost` and options.
export * from './fixtures';
export { ASSERTION_DOCS, completeFixture, fixtureCursor, fixtureDiagnostics, fixtureLspDiagnostics, hoverFixture, PROVIDER_DOCS, variableDiagnostics } from './language';
export { caseVars, unreadNote, VarsError, type CaseVarsOptions, type ReadText, type UnreadValue, type ValueReader } from './vars';
export { checkFileValue, DEFAULT_MAX_FILE_SIZE, fileValueAccess, fileValueDiagnostics, fileValueRefs, FileValueRefused, guardedReader, isAllowed, type FileScope, type FileValueAccess, type FileValueAccessOptions, type RefusalKind } from './fileValues';
export { caseVerdict, evaluateAssertion, JAVASCRIPT_OFF_BY_CONFIG, type AssertionContext, type AssertionResult, type CaseVerdict, type JudgeRequest } from './assertions';
export { redact } from './redact';
export { ProviderError, PROVIDER_LABELS, type ChatMessage, type EmbedReply, type EmbedRequest, type ModelCall, type ModelReply, type Provider, type ProviderErrorKind, type SentRequest, type ToolCall, type ToolDefinition, type Usage } from './providers/types';
export { COMMON_FINISH_REASONS, FINISH_REASON_MAP, normalizeFinishReason } from './providers/finishReason';
export { createRenderProvider, renderedOutput } from './providers/render';
export { createGitHubModelsProvider, createOpenAIProvider, GITHUB_MODELS_DEFAULT_BASE_URL, OPENAI_DEFAULT_BASE_URL, openAiParameters, type HttpProviderOptions } from './providers/openai';
export { createAnthropicProvider, ANTHROPIC_DEFAULT_BASE_URL, anthropicParameters } from './providers/anthropic';
export { createGeminiProvider, GEMINI_DEFAULT_BASE_URL, geminiContents, geminiParameters, vertexDefaultBaseUrl, type GeminiProviderOptions } from './providers/gemini';
export { createProviders, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS, UNTRUSTED_REASON, type HostedProviderId, type KeyedProviderId, type ProvidersConfig, type RunProviders } from './providers/factory';
export { cacheKey, DEFAULT_CACHE_TTL_MS, ResponseCache, type CacheKeyParts, type CachedReply } from './cache';
export { checksFingerprint, contentHash, parseRunRecord, recordFileName, recordLines, runRecordJsonSchema, writeRunRecord, RECORD_VERSION, type GitInfo, type PromptInfo, type RecordedCase, type RecordedRun, type RunMeta } from './records';
export { caseTools, checkAnswer, DEFAULT_EMBEDDING_MODELS, inShard, outputSchemaOf, planJobs, providerOfModel, runTests, suiteProvider, type AnswerContext, type CaseRequest, type CheckedAnswer, type CaseJob, type CaseResult, type CaseStatus, type PlanOptions, type RunOptions, type RunSummary, type TestSuite, variantLabel, type PromptVariant } from './runner';
export { loadPromptVariants, loadSuite, relativeUri, variantFileDiagnostics, type SuiteLoadOptions } from './suites';
export { embeddedFixture, EMBEDDED_TEST_GLOBS, hasEmbeddedTests } from './embedded';
export { caseOf, caseTitle, compareVariants, comparisonHeadline, comparisonMarkdown, costPassRateChart, formatMoney, percentile, VARIANT_COLUMNS, variantCells, variantOf, type CaseComparison, type Comparison, type VariantCells, type VariantStats } from './compare';
export { comparisonReportHtml, comparisonSection, escapeHtml, type ComparisonSectionOptions } from './compareHtml';
export type { FileStore } from './store';
export { estimateSuiteCost, fixtureCaseTokens, JUDGE_PROMPTS, formatSuiteCost, outputBound, STATUS_CASE_LIMIT, type CaseCost, type CostRange, type ModelCost, type PromptCost, type SuiteCostEstimate, type SuiteCostOptions, type UnrenderableCase } from './suiteCost';
