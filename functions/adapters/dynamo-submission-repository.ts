/**
 * `SubmissionRepository` on the single DynamoDB table, with conditional writes only — no
 * TransactWriteItems — so the same code runs on real DynamoDB and on dynalite. Item types and
 * access patterns are documented in functions/adapters/README.md; in short:
 *
 * | item | pk | sk | gsi1 (pk / sk) | gsi2 (pk / sk) |
 * |---|---|---|---|---|
 * | submission | `SUB#<uploadId>` | `SUB` | `FP#<formId>#<period>` / `<unitCode>#<receivedAt>#<uploadId>` | `UNIT#<unitCode>` / `<receivedAt>#<uploadId>` |
 * | values | `SUB#<uploadId>` | `VALUES` | | |
 * | latest pointer | `LATEST#<formId>#<period>` | `UNIT#<unitCode>` | | |
 * | (retired, never read) pointer-set revision | `LATEST#<formId>#<period>` | `#META` | | |
 * | (retired, never read) aggregate | `AGG#<formId>#<period>` | `AGG` | | |
 *
 * No aggregate is stored (issue 16): province totals are computed where they are read, from the
 * pointers (`readPeriodAggregate` in functions/core/usecases/period-aggregate.ts, and
 * consolidation), so an accepted upload costs a constant number of writes whatever the number of
 * units. They are exact because each pointer only moves forward: the conditional put
 * `attribute_not_exists(pk) OR orderKey < :new` lets neither an older upload processed later, nor
 * a redelivered message, nor a concurrent upload of the same unit replace a later one, and the
 * pointer carries its own copy of the values (one item, one write: nothing to keep in step).
 * Items of the retired types left by earlier versions are never read.
 *
 * Versions are not stored: they are numbered on read by upload order (receivedAt, uploadId)
 * within (unit, form, period), so two workers can never hand out the same number. GSI reads
 * are eventually consistent on real DynamoDB: a listing taken milliseconds after an upload may
 * not show it yet; `get` numbers the record itself correctly even then.
 */
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { FormValues, Submission, ValidationIssue } from '../core/model';
import type { AcceptedValues, Clock, SubmissionRepository, SubmissionSummary } from '../core/ports';
import { SUBMISSION_SUMMARY_FIELDS } from '../core/ports';
import { TABLE_KEYS } from './table-schema';
import { isConditionalCheckFailed } from './dynamo-conditions';

export interface DynamoSubmissionRepositoryOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Unused since no aggregate (with its `updatedAt`) is stored; accepted so callers need not change. */
  clock?: Clock;
}

/** Keys of every item type (documented in the table above and functions/adapters/README.md). */
const submissionKeys = {
  submission: (uploadId: string) => ({ pk: `SUB#${uploadId}`, sk: 'SUB' }),
  values: (uploadId: string) => ({ pk: `SUB#${uploadId}`, sk: 'VALUES' }),
  latestPartition: (formId: string, period: string) => `LATEST#${formId}#${period}`,
  latest: (formId: string, period: string, unitCode: string) => ({ pk: `LATEST#${formId}#${period}`, sk: `UNIT#${unitCode}` }),
  formPeriod: (formId: string, period: string) => `FP#${formId}#${period}`,
  unit: (unitCode: string) => `UNIT#${unitCode}`,
};

/**
 * The latest pointer's write condition: absent, or holding an earlier upload (`:new` is the
 * upload's `orderKey`). Exported for the test that pins it.
 */
export const LATEST_POINTER_GUARD = 'attribute_not_exists(pk) OR orderKey < :new';

/** Upload order: the greatest (receivedAt, uploadId) is the latest. ISO times sort as strings. */
export const orderKey = (s: Pick<Submission, 'receivedAt' | 'uploadId'>): string => `${s.receivedAt}#${s.uploadId}`;

const SUBMISSION_FIELDS = [
  'uploadId', 'unitCode', 'formId', 'period', 'status', 's3Key', 's3VersionId', 'etag', 'sha256', 'size', 'fileName',
  'receivedAt', 'processedAt', 'deadline', 'late', 'linkId', 'formVersion', 'errors', 'warnings', 'feedbackKey',
] as const satisfies ReadonlyArray<keyof Submission>;

/** The stored submission without index attributes (and never a stored version). */
function toSubmission(item: Record<string, unknown>): Submission {
  const s: Record<string, unknown> = {};
  for (const f of SUBMISSION_FIELDS) if (item[f] !== undefined) s[f] = item[f];
  const sub = s as unknown as Submission;
  sub.errors = (item.errors as ValidationIssue[] | undefined) ?? [];
  sub.warnings = (item.warnings as ValidationIssue[] | undefined) ?? [];
  return sub;
}

/** A pointer item as consolidation and the baseline read it. */
function toAcceptedValues(i: Record<string, unknown>): AcceptedValues {
  return {
    unitCode: String(i.unitCode),
    uploadId: String(i.uploadId),
    receivedAt: String(i.receivedAt),
    late: Boolean(i.late),
    values: (i.values as FormValues | undefined) ?? { fields: {}, tables: {} },
    warnings: (i.warnings as ValidationIssue[] | undefined) ?? [],
  };
}

/** Numbers versions 1, 2, … per (unit, form, period) by upload order; input in any order. */
function numberVersions<T extends Pick<Submission, 'unitCode' | 'formId' | 'period' | 'receivedAt' | 'uploadId'>>(all: T[]): Array<T & { version: number }> {
  const counters = new Map<string, number>();
  return [...all]
    .sort((a, b) => orderKey(a).localeCompare(orderKey(b)))
    .map((s) => {
      const k = `${s.unitCode}#${s.formId}#${s.period}`;
      const n = (counters.get(k) ?? 0) + 1;
      counters.set(k, n);
      return { ...s, version: n };
    });
}

/** Submissions, values, latest-accepted pointers and aggregates on DynamoDB (or dynalite). */
export class DynamoSubmissionRepository implements SubmissionRepository {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: DynamoSubmissionRepositoryOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
  }

  private submissionItem(submission: Submission): Record<string, unknown> {
    const item: Record<string, unknown> = {
      ...submissionKeys.submission(submission.uploadId),
      type: 'submission',
      gsi1pk: submissionKeys.formPeriod(submission.formId, submission.period),
      gsi1sk: `${submission.unitCode}#${orderKey(submission)}`,
      gsi2pk: submissionKeys.unit(submission.unitCode),
      gsi2sk: orderKey(submission),
    };
    for (const f of SUBMISSION_FIELDS) item[f] = submission[f];
    return item;
  }

  /** Conditional put on the upload id: one record per upload, however often the event arrives. */
  async createIfAbsent(submission: Submission): Promise<{ created: boolean; submission: Submission }> {
    try {
      await this.client.send(
        new PutCommand({ TableName: this.tableName, Item: this.submissionItem(submission), ConditionExpression: 'attribute_not_exists(pk)' }),
      );
      const { version: _ignored, ...stored } = submission;
      return { created: true, submission: stored };
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw err;
      const existing = await this.getStored(submission.uploadId);
      if (!existing) throw err;
      return { created: false, submission: existing };
    }
  }

  /** Overwrites the record's outcome; keys and index attributes are derived from it again. */
  async update(submission: Submission): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: this.submissionItem(submission) }));
  }

  private async getStored(uploadId: string): Promise<Submission | undefined> {
    const res = await this.client.send(new GetCommand({ TableName: this.tableName, Key: submissionKeys.submission(uploadId), ConsistentRead: true }));
    return res.Item ? toSubmission(res.Item) : undefined;
  }

  /** One submission with its version (its rank among the same unit's uploads for the form and period). */
  async get(uploadId: string): Promise<Submission | undefined> {
    const stored = await this.getStored(uploadId);
    if (!stored) return undefined;
    const siblings = await this.queryAll({
      IndexName: TABLE_KEYS.gsi1.name,
      KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :unit)',
      ExpressionAttributeValues: { ':pk': submissionKeys.formPeriod(stored.formId, stored.period), ':unit': `${stored.unitCode}#` },
      ProjectionExpression: 'uploadId, receivedAt',
    });
    // Counted rather than looked up, so a record the index has not caught up with is still right.
    const own = orderKey(stored);
    const earlier = siblings.filter((s) => s.uploadId !== stored.uploadId && orderKey({ uploadId: String(s.uploadId), receivedAt: String(s.receivedAt) }) < own).length;
    return { ...stored, version: earlier + 1 };
  }

  async listByFormPeriod(formId: string, period: string): Promise<Submission[]> {
    return numberVersions((await this.queryFormPeriod(formId, period)).map(toSubmission));
  }

  /** One Query like `listByFormPeriod`, projected to the summary attributes (not the errors lists). */
  async listSummariesByFormPeriod(formId: string, period: string): Promise<SubmissionSummary[]> {
    const names = Object.fromEntries(SUBMISSION_SUMMARY_FIELDS.map((f, i) => [`#a${i}`, f]));
    const items = await this.queryFormPeriod(formId, period, { ProjectionExpression: Object.keys(names).join(', '), ExpressionAttributeNames: names });
    return numberVersions(
      items.map((item) => {
        const s: Record<string, unknown> = {};
        for (const f of SUBMISSION_SUMMARY_FIELDS) if (item[f] !== undefined) s[f] = item[f];
        return { ...(s as unknown as SubmissionSummary), warnings: (item.warnings as ValidationIssue[] | undefined) ?? [] };
      }),
    );
  }

  private queryFormPeriod(formId: string, period: string, projection: Pick<QueryCommandInput, 'ProjectionExpression' | 'ExpressionAttributeNames'> = {}) {
    return this.queryAll({
      IndexName: TABLE_KEYS.gsi1.name,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': submissionKeys.formPeriod(formId, period) },
      ...projection,
    });
  }

  async listByUnit(unitCode: string, options: { formId?: string; period?: string } = {}): Promise<Submission[]> {
    const { formId, period } = options;
    const items =
      formId && period
        ? await this.queryAll({
            IndexName: TABLE_KEYS.gsi1.name,
            KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :unit)',
            ExpressionAttributeValues: { ':pk': submissionKeys.formPeriod(formId, period), ':unit': `${unitCode}#` },
          })
        : await this.queryAll({
            IndexName: TABLE_KEYS.gsi2.name,
            KeyConditionExpression: 'gsi2pk = :pk',
            ...(formId
              ? { FilterExpression: 'formId = :f', ExpressionAttributeValues: { ':pk': submissionKeys.unit(unitCode), ':f': formId } }
              : { ExpressionAttributeValues: { ':pk': submissionKeys.unit(unitCode) } }),
          });
    const own = items.map(toSubmission).filter((s) => !period || s.period === period);
    return numberVersions(own).reverse();
  }

  async putValues(uploadId: string, values: FormValues): Promise<void> {
    await this.client.send(
      new PutCommand({ TableName: this.tableName, Item: { ...submissionKeys.values(uploadId), type: 'values', uploadId, values } }),
    );
  }

  async getValues(uploadId: string): Promise<FormValues | undefined> {
    const res = await this.client.send(new GetCommand({ TableName: this.tableName, Key: submissionKeys.values(uploadId), ConsistentRead: true }));
    return res.Item?.values as FormValues | undefined;
  }

  /**
   * Points (unit, form, period) at `submission` unless a later upload holds the pointer: one
   * conditional put, the only write that changes what the province's totals are made of. The
   * pointer carries a copy of the values (stored first with `putValues`), so consolidation reads
   * every unit in one paginated Query and the totals need no other item. Returns whether this
   * call moved the pointer (false too for a redelivery whose own earlier call already moved it).
   */
  async advanceLatestAccepted(submission: Submission, storedValues?: FormValues): Promise<boolean> {
    const values = storedValues ?? (await this.getValues(submission.uploadId));
    if (!values) throw new Error(`advanceLatestAccepted: no values stored for upload ${submission.uploadId}; call putValues first`);
    const newOrder = orderKey(submission);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...submissionKeys.latest(submission.formId, submission.period, submission.unitCode),
            type: 'latest',
            orderKey: newOrder,
            uploadId: submission.uploadId,
            unitCode: submission.unitCode,
            formId: submission.formId,
            period: submission.period,
            receivedAt: submission.receivedAt,
            late: submission.late ?? false,
            formVersion: submission.formVersion,
            warnings: submission.warnings,
            values,
          },
          // The guard every total relies on: the pointer only ever moves to a later upload.
          ConditionExpression: LATEST_POINTER_GUARD,
          ExpressionAttributeValues: { ':new': newOrder },
        }),
      );
      return true;
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw err;
      return false;
    }
  }

  /** The unit's latest accepted upload of the period, with its values: one consistent GetItem of its pointer. */
  async getLatestAccepted(formId: string, period: string, unitCode: string): Promise<AcceptedValues | undefined> {
    const res = await this.client.send(new GetCommand({ TableName: this.tableName, Key: submissionKeys.latest(formId, period, unitCode), ConsistentRead: true }));
    return res.Item ? toAcceptedValues(res.Item) : undefined;
  }

  async listLatestAccepted(formId: string, period: string): Promise<AcceptedValues[]> {
    // Only the attributes that order uploads: the full records (with up to 200 issues each) are not needed here.
    const [pointers, ranks] = await Promise.all([
      this.queryPointers(formId, period),
      this.queryAll({
        IndexName: TABLE_KEYS.gsi1.name,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': submissionKeys.formPeriod(formId, period) },
        ProjectionExpression: 'uploadId, unitCode, receivedAt',
      }),
    ]);
    const ordered = ranks.map((i) => ({ uploadId: String(i.uploadId), unitCode: String(i.unitCode), receivedAt: String(i.receivedAt), formId, period }));
    const versions = new Map(numberVersions(ordered).map((s) => [s.uploadId, s.version]));
    return pointers
      .map((p) => ({ ...p, version: versions.get(p.uploadId) }))
      .sort((a, b) => a.unitCode.localeCompare(b.unitCode));
  }

  private async queryPointers(formId: string, period: string): Promise<AcceptedValues[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :unit)',
      ExpressionAttributeValues: { ':pk': submissionKeys.latestPartition(formId, period), ':unit': 'UNIT#' },
      ConsistentRead: true,
    });
    return items.map(toAcceptedValues);
  }

  private async queryAll(input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(new QueryCommand({ ...input, TableName: this.tableName, ExclusiveStartKey: startKey }));
      out.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return out;
  }
}
