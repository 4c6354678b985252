/**
 * The AWS SDK clients, created in one place (house style §3). "Local" is only a different
 * endpoint: the embedded runtime passes the dynalite and s3rver endpoints and dummy credentials;
 * Lambda passes nothing and gets the default provider chain.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';

export interface AwsClientOptions {
  region: string;
  /** Override endpoints (local emulators). */
  endpoints?: { dynamodb?: string; s3?: string };
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** A DynamoDB document client that drops `undefined` attributes and keeps numbers exact. */
export function createDynamoDocumentClient(options: AwsClientOptions): DynamoDBDocumentClient {
  const base = new DynamoDBClient({
    region: options.region,
    endpoint: options.endpoints?.dynamodb,
    credentials: options.credentials,
    maxAttempts: 5,
  });
  return DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true } });
}

/** An S3 client; path-style addressing when an endpoint override is given (s3rver). */
export function createS3Client(options: AwsClientOptions): S3Client {
  return new S3Client({
    region: options.region,
    endpoint: options.endpoints?.s3,
    forcePathStyle: options.endpoints?.s3 !== undefined,
    credentials: options.credentials,
    maxAttempts: 5,
  });
}

/** An SES (API v2) client for sending mail (Lambda and the CLI's AWS target; locally the outbox mailer stands in). */
export function createSesClient(options: AwsClientOptions): SESv2Client {
  return new SESv2Client({ region: options.region, credentials: options.credentials, maxAttempts: 5 });
}

/** An SQS client (the upload sweeper sends stalled uploads back to the ingest queue). */
export function createSqsClient(options: AwsClientOptions): SQSClient {
  return new SQSClient({ region: options.region, credentials: options.credentials, maxAttempts: 5 });
}
