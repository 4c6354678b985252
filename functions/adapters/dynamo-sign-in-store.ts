/**
 * The console's sign-in state on DynamoDB: one-time sign-in tokens, sessions and rate counters,
 * each keyed by a hash (the table never holds a usable token, session id, address or IP in a
 * key) and each with the table's `ttl` attribute so DynamoDB deletes it after it has expired.
 *
 * - token   pk `SIGNIN#<sha256>`  sk `SIGNIN`   claimed by one conditional update (unused and unexpired);
 *                                              peeked (the link's confirmation page) by a consistent read
 *   may carry `next`, the console page to open once signed in
 * - session pk `SESSION#<sha256>` sk `SESSION`  slid and revoked by conditional updates
 * - counter pk `RATE#<key>#<window end>` sk `RATE`  `ADD n 1` only while `n < max` (atomic)
 *
 * TTL deletion runs up to days late, so every read checks the expiry itself. See README.md here.
 */
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RateLimiter, SessionRecord, SessionStore, SignInTokenRecord, SignInTokenStore } from '../core/ports';
import { isConditionalCheckFailed } from './dynamo-conditions';
import { TABLE_KEYS } from './table-schema';

/** Items outlive their expiry by a day before the TTL sweep may take them (a late "used"/"expired" answer stays exact for a while). */
const TTL_MARGIN_S = 86_400;
const ttlOf = (iso: string | Date) => Math.floor(new Date(iso).getTime() / 1000) + TTL_MARGIN_S;

const tokenKey = (hash: string) => ({ pk: `SIGNIN#${hash}`, sk: 'SIGNIN' });
const sessionKey = (hash: string) => ({ pk: `SESSION#${hash}`, sk: 'SESSION' });
const rateKey = (key: string, windowEnd: Date) => ({ pk: `RATE#${key}#${windowEnd.toISOString()}`, sk: 'RATE' });

export interface DynamoSignInStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
}

export class DynamoSignInStore implements SignInTokenStore, SessionStore, RateLimiter {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  constructor(options: DynamoSignInStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
  }

  async put(record: SignInTokenRecord | SessionRecord): Promise<void> {
    const isToken = 'tokenHash' in record;
    const keys = isToken ? tokenKey(record.tokenHash) : sessionKey(record.idHash);
    const expires = isToken ? record.expiresAt : record.absoluteExpiresAt;
    await this.client.send(
      new PutCommand({ TableName: this.tableName, Item: { ...keys, ...record, [TABLE_KEYS.ttlAttribute]: ttlOf(expires) }, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
  }

  async claim(tokenHash: string, now: Date): Promise<{ outcome: 'claimed'; record: SignInTokenRecord } | { outcome: 'used' | 'expired' | 'unknown' }> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: tokenKey(tokenHash),
          UpdateExpression: 'SET usedAt = :now',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(usedAt) AND expiresAt > :now',
          ExpressionAttributeValues: { ':now': now.toISOString() },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const a = Attributes ?? {};
      const record: SignInTokenRecord = { tokenHash, email: String(a.email), createdAt: String(a.createdAt), expiresAt: String(a.expiresAt), usedAt: String(a.usedAt) };
      return { outcome: 'claimed', record: typeof a.next === 'string' ? { ...record, next: a.next } : record };
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw err;
    }
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: tokenKey(tokenHash), ConsistentRead: true }));
    if (!Item) return { outcome: 'unknown' };
    return { outcome: Item.usedAt ? 'used' : 'expired' };
  }

  async peek(tokenHash: string, now: Date): Promise<{ outcome: 'valid'; record: SignInTokenRecord } | { outcome: 'used' | 'expired' | 'unknown' }> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: tokenKey(tokenHash), ConsistentRead: true }));
    if (!Item) return { outcome: 'unknown' };
    if (Item.usedAt) return { outcome: 'used' };
    if (String(Item.expiresAt) <= now.toISOString()) return { outcome: 'expired' };
    return { outcome: 'valid', record: { tokenHash, email: String(Item.email), createdAt: String(Item.createdAt), expiresAt: String(Item.expiresAt) } };
  }

  async get(idHash: string): Promise<SessionRecord | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: sessionKey(idHash), ConsistentRead: true }));
    if (!Item) return undefined;
    return {
      idHash,
      email: String(Item.email),
      role: Item.role as SessionRecord['role'],
      csrfToken: String(Item.csrfToken),
      createdAt: String(Item.createdAt),
      idleExpiresAt: String(Item.idleExpiresAt),
      absoluteExpiresAt: String(Item.absoluteExpiresAt),
      ...(Item.revokedAt ? { revokedAt: String(Item.revokedAt) } : {}),
    };
  }

  async touch(idHash: string, idleExpiresAt: string): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: sessionKey(idHash),
          UpdateExpression: 'SET idleExpiresAt = :idle',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(revokedAt)',
          ExpressionAttributeValues: { ':idle': idleExpiresAt },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw err;
    }
  }

  async revoke(idHash: string, at: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: sessionKey(idHash),
          UpdateExpression: 'SET revokedAt = :at',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(revokedAt)',
          ExpressionAttributeValues: { ':at': at },
        }),
      );
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw err;
    }
  }

  async hit(key: string, windowEnd: Date, max: number): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: rateKey(key, windowEnd),
          UpdateExpression: 'ADD n :one SET #ttl = if_not_exists(#ttl, :ttl)',
          ConditionExpression: 'attribute_not_exists(n) OR n < :max',
          ExpressionAttributeNames: { '#ttl': TABLE_KEYS.ttlAttribute },
          ExpressionAttributeValues: { ':one': 1, ':max': max, ':ttl': ttlOf(windowEnd) },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw err;
    }
  }
}
