/** Conditional-write outcomes, shared by the DynamoDB adapters. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

/** True when a conditional write was refused (by class, or by name when another SDK copy threw it). */
export function isConditionalCheckFailed(err: unknown): boolean {
  return err instanceof ConditionalCheckFailedException || (err as { name?: string } | undefined)?.name === 'ConditionalCheckFailedException';
}
