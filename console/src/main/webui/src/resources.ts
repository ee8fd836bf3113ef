import type { Service } from './api';
import type { FilterField } from './ui';

// The management resources the console lists and edits the same way: a list with filters and cursor paging, a
// page with the resource as JSON, edits guarded by its version (If-Match), versions with rollback where the
// service keeps them, and the actions of its own.

export type Row = Record<string, unknown>;

export interface ResourceKind {
  title: string;
  singular: string;
  service: Service;
  path: string;
  /** The id a row is addressed by. */
  id: (row: Row) => string;
  /** Query parameters every call about one resource needs (a deployment is addressed within its tenant). */
  scope?: (row: Row) => Record<string, string>;
  columns: { header: string; value: (row: Row) => unknown; link?: boolean; badge?: boolean }[];
  filters: FilterField[];
  versions?: boolean;
  /** Written by PUT on the resource with If-Match; otherwise read-only (or written through its actions). */
  editable?: boolean;
  /** A template for "New", or none when the console does not create this kind. */
  template?: Row;
  /** Fields of the answer that are not part of what a PUT takes. */
  readOnly?: string[];
  deletable?: boolean;
  deleteLabel?: string;
  /** Where DELETE goes, when not the resource itself. */
  deletePath?: (id: string) => string;
}

const COMMON_READ_ONLY = ['id', 'version', 'managedBy', 'createdAt', 'updatedAt'];

const tenantFilter: FilterField = { name: 'tenantId', label: 'Tenant' };
const enabledFilter: FilterField = { name: 'enabled', label: 'Enabled', options: ['true', 'false'] };

export const RESOURCES: Record<string, ResourceKind> = {
  endpoints: {
    title: 'Webhook endpoints', singular: 'webhook endpoint', service: 'webhook', path: '/api/v1/endpoints',
    id: (r) => String(r.id),
    columns: [
      { header: 'Name', value: (r) => r.name, link: true },
      { header: 'Tenant', value: (r) => r.tenantId },
      { header: 'Event', value: (r) => r.eventName },
      { header: 'Verification', value: (r) => (r.verification as Row | undefined)?.type ?? r.provider ?? '—' },
      { header: 'Enabled', value: (r) => String(r.enabled ?? true) },
      { header: 'Version', value: (r) => r.version },
    ],
    filters: [tenantFilter, enabledFilter],
    versions: true, editable: true, deletable: true,
    readOnly: [...COMMON_READ_ONLY, 'url', 'secretHint', 'secretCreatedAt'],
    template: { name: 'orders', tenantId: 'acme', eventName: 'orders.created' },
  },
  'api-triggers': {
    title: 'API triggers', singular: 'API trigger', service: 'api', path: '/admin/v1/api-triggers',
    id: (r) => String(r.id),
    columns: [
      { header: 'Name', value: (r) => r.name, link: true },
      { header: 'Tenant', value: (r) => r.tenantId },
      { header: 'Route', value: (r) => `${r.method ?? 'POST'} ${r.path}` },
      { header: 'Event', value: (r) => r.eventName },
      { header: 'Owner', value: (r) => (r.workflowId ? `workflow ${r.workflowId}` : r.managedBy) },
      { header: 'Version', value: (r) => r.version },
    ],
    filters: [tenantFilter, { name: 'eventName', label: 'Event name' }, enabledFilter, { name: 'workflowId', label: 'Workflow' }],
    versions: true, editable: true, deletable: true, readOnly: COMMON_READ_ONLY,
    template: { tenantId: 'acme', name: 'review', path: '/acme/invoices/{id}/review', eventName: 'invoice.review' },
  },
  'api-keys': {
    title: 'API keys', singular: 'API key', service: 'api', path: '/admin/v1/api-keys',
    id: (r) => String(r.id),
    columns: [
      { header: 'Name', value: (r) => r.name, link: true },
      { header: 'Tenant', value: (r) => r.tenantId },
      { header: 'Prefix', value: (r) => r.keyPrefix ?? r.prefix },
      { header: 'Expires', value: (r) => r.expiresAt ?? 'never' },
      { header: 'State', value: (r) => (r.revokedAt ? 'revoked' : 'active'), badge: true },
    ],
    filters: [tenantFilter],
    deletable: true, deleteLabel: 'Revoke',
    template: { tenantId: 'acme', name: 'ci' },
  },
  'manual-triggers': {
    title: 'Manual triggers', singular: 'manual trigger', service: 'api', path: '/admin/v1/manual-triggers',
    id: (r) => String(r.id),
    columns: [
      { header: 'Name', value: (r) => r.name, link: true },
      { header: 'Tenant', value: (r) => r.tenantId },
      { header: 'Event', value: (r) => r.eventName },
      { header: 'Confirmation', value: (r) => String(r.confirmation ?? false) },
      { header: 'Owner', value: (r) => (r.workflowId ? `workflow ${r.workflowId}` : r.managedBy) },
    ],
    filters: [tenantFilter],
    deletable: true,
    template: { tenantId: 'acme', name: 'approve', eventName: 'invoice.approve' },
  },
  sources: {
    title: 'Queue sources', singular: 'queue source', service: 'queue', path: '/api/v1/sources',
    id: (r) => String(r.name),
    columns: [
      { header: 'Name', value: (r) => r.name, link: true },
      { header: 'Type', value: (r) => r.type },
      { header: 'Tenant', value: (r) => r.tenantId },
      { header: 'State', value: (r) => r.state ?? (r.paused ? 'paused' : 'running'), badge: true },
      { header: 'Backlog', value: (r) => r.backlog ?? r.lag ?? '—' },
    ],
    filters: [tenantFilter],
  },
  deployments: {
    title: 'Workflow deployments', singular: 'workflow deployment', service: 'api', path: '/api/v1/deployment/workflows',
    id: (r) => String(r.workflowId),
    scope: (r) => ({ tenantId: String(r.tenantId) }),
    columns: [
      { header: 'Workflow', value: (r) => r.workflowId, link: true },
      { header: 'Tenant', value: (r) => r.tenantId },
      { header: 'State', value: (r) => r.state, badge: true },
      { header: 'Desired', value: (r) => r.desiredVersion ?? r.version },
      { header: 'Observed', value: (r) => r.observedVersion ?? r.activeVersion },
    ],
    filters: [tenantFilter],
    versions: true, deletable: true, deleteLabel: 'Undeploy', deletePath: (id) => `/${encodeURIComponent(id)}/undeploy`,
  },
  alerts: {
    title: 'Alerts', singular: 'alert', service: 'governance', path: '/api/v1/alerts',
    id: (r) => String(r.id),
    columns: [
      { header: 'Alert', value: (r) => `${r.ruleName} · ${r.groupKey}`, link: true },
      { header: 'State', value: (r) => r.state, badge: true },
      { header: 'Tenant', value: (r) => r.tenantId },
      { header: 'Count', value: (r) => r.count },
      { header: 'Started', value: (r) => r.startedAt },
      { header: 'Silenced until', value: (r) => r.silencedUntil },
    ],
    filters: [tenantFilter, { name: 'state', label: 'State', options: ['firing', 'resolved', 'silenced'] }],
  },
  'alert-rules': {
    title: 'Alert rules', singular: 'alert rule', service: 'governance', path: '/api/v1/alert-rules',
    id: (r) => String(r.id),
    columns: [
      { header: 'Name', value: (r) => r.name, link: true },
      { header: 'Tenant', value: (r) => r.tenantId },
      { header: 'Kind', value: (r) => r.kind },
      { header: 'Enabled', value: (r) => String(r.enabled ?? true) },
      { header: 'Version', value: (r) => r.version },
    ],
    filters: [tenantFilter],
    versions: true, editable: true, deletable: true, readOnly: COMMON_READ_ONLY,
    template: { tenantId: 'acme', name: 'failing', kind: 'consecutive_failures', channels: [] },
  },
  'alert-channels': {
    title: 'Alert channels', singular: 'alert channel', service: 'governance', path: '/api/v1/alert-channels',
    id: (r) => String(r.id),
    columns: [
      { header: 'Name', value: (r) => r.name, link: true },
      { header: 'Tenant', value: (r) => r.tenantId },
      { header: 'Type', value: (r) => r.type },
    ],
    filters: [tenantFilter],
    deletable: true,
    template: { tenantId: 'acme', name: 'ops', type: 'webhook', url: 'https://example.com/hooks/alerts' },
  },
};

export const POLICIES: ResourceKind = {
  title: 'Policies', singular: 'policy', service: 'governance', path: '/api/v1/policies',
  id: (r) => String(r.id),
  columns: [
    { header: 'Name', value: (r) => r.name, link: true },
    { header: 'Tenant', value: (r) => r.tenantId ?? '(global)' },
    { header: 'Action', value: (r) => r.action ?? 'allow' },
    { header: 'Priority', value: (r) => r.priority ?? '—' },
    { header: 'Enabled', value: (r) => String(r.enabled ?? true) },
    { header: 'Version', value: (r) => r.version },
  ],
  filters: [tenantFilter, enabledFilter],
  versions: true, editable: true, deletable: true, readOnly: COMMON_READ_ONLY,
  template: { name: 'acme-limits', tenantId: 'acme', rateLimit: { limit: 60, period: 'PT1M' } },
};

export function kindOf(key: string): ResourceKind | undefined {
  return key === 'policies' ? POLICIES : RESOURCES[key];
}
