/**
 * The upload sweeper's `requeue` port on SQS: the stalled upload goes back on the ingest queue as
 * the S3 "object created" notification S3 would have sent, so the ingest function handles it
 * exactly like a first delivery (with the queue's retries and dead-letter queue).
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { objectCreatedNotification, type RequeueUpload } from '../core/usecases/sweep-stalled-uploads';

export function sqsIngestRequeue(options: { client: SQSClient; queueUrl: string; bucketName: string }): RequeueUpload {
  return async (upload) => {
    await options.client.send(new SendMessageCommand({ QueueUrl: options.queueUrl, MessageBody: JSON.stringify(objectCreatedNotification(upload, options.bucketName)) }));
    return true;
  };
}
