// The shapes of the services' answers that the console reads (each service's OpenAPI at /q/openapi has them all).

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'fallback_succeeded', 'dead_lettered', 'rejected', 'duplicate'];
export const TRIGGER_TYPES = ['webhook', 'api', 'cron', 'manual', 'queue', 'email', 'github'];
export const VERDICTS = ['approved', 'rejected'];
export const REJECTION_REASONS = ['denied', 'rate_limited', 'concurrency_limited', 'cooldown', 'quota_exhausted',
  'budget_exhausted', 'circuit_open', 'governance_unavailable', 'policy_error'];

export interface Attempt {
  number: number;
  path: string;
  startedAt: string;
  durationMs: number;
  statusCode?: number;
  errorClass?: string;
  error?: string;
}

export interface Run {
  runId: string;
  tenantId: string;
  eventName: string;
  triggerType: string;
  source: string;
  workflowId?: string;
  dedupKey?: string;
  status: string;
  reason?: string;
  decisionMode?: string;
  agentRunId?: string;
  result?: unknown;
  error?: string;
  costUsd?: number;
  llmCalls: number;
  attempts: number;
  originalRunId?: string;
  traceparent?: string;
  eventTime?: string;
  queuedAt?: string;
  startedAt?: string;
  finishedAt?: string;
  duration?: string;
  attemptLog?: Attempt[];
}

export interface RunStats {
  runs: number;
  succeeded: number;
  failed: number;
  rejected: number;
  duplicates: number;
  successRate?: number;
  meanDurationMs?: number;
  p95DurationMs?: number;
}

export interface RunSeriesBucket {
  start: string;
  succeeded: number;
  failed: number;
  rejected: number;
  duplicates: number;
  p95EndToEndMs?: number | null;
}

export interface RunSeries {
  from: string;
  to: string;
  bucketSeconds: number;
  buckets: RunSeriesBucket[];
  truncated: boolean;
}

export interface Decision {
  runId: string;
  tenantId: string;
  eventName: string;
  triggerType: string;
  source: string;
  workflowId?: string;
  verdict: string;
  reason?: string;
  policyId?: string;
  policyName?: string;
  policyVersion: number;
  detail?: string;
  retryAfter?: string;
  latencyMicros?: number;
  degraded: boolean;
  eventTime?: string;
  decidedAt: string;
}

export interface DecisionStats {
  window: string;
  total: number;
  approved: number;
  rejected: number;
  byReason: Record<string, number>;
  byEventName: Record<string, Record<string, number>>;
  p50LatencyMs?: number;
  p95LatencyMs?: number;
  p99LatencyMs?: number;
}

export interface Usage {
  policyId: string;
  policyName: string;
  tenantId?: string;
  kind: string;
  day: string;
  timezone: string;
  limit: number;
  buckets: { bucket: string; used: number; remaining: number }[];
}

export interface Circuit {
  key: string;
  policyId: string;
  bucket: string;
  state: string;
  openUntil?: string;
  since?: string;
  probesInFlight: number;
  opened: number;
}

export interface Schedule {
  id: string;
  tenantId: string;
  eventName: string;
  expression: string;
  timezone?: string;
  enabled?: boolean;
  version: number;
  managedBy: string;
  state: string;
  pauseNote?: string;
  nextFireAt?: string;
  lastFireAt?: string;
  lastRunId?: string;
  lastRunStatus?: string;
  nextFireTimes?: string[];
  recentRuns?: { runs?: number; successRate?: number; meanDurationMs?: number; p95DurationMs?: number } | null;
  workflowId?: string;
  [key: string]: unknown;
}

export interface Version<T> {
  version: number;
  config: T;
  change: string;
  changedAt: string;
}
