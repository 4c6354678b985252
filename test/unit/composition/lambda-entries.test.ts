/**
 * The Lambda entries put the invocation's context on their log lines (Powertools
 * `injectLambdaContext`), so a failure in CloudWatch names its request id and function.
 */
import type { Context, SQSEvent } from 'aws-lambda';

const ENV = {
  TONGHOP_TABLE: 'tonghop-table',
  TONGHOP_BUCKET: 'tonghop-bucket',
  TONGHOP_PORTAL_URL: 'https://baocao.tinhuy.example.vn',
  AWS_REGION: 'ap-southeast-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
};

const context = {
  functionName: 'tonghop-ingest',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:ap-southeast-1:123456789012:function:tonghop-ingest',
  memoryLimitInMB: '1024',
  awsRequestId: 'req-0123456789',
  getRemainingTimeInMillis: () => 60_000,
} as unknown as Context;

describe('Lambda entries', () => {
  describe('logging', () => {
    const saved = { ...process.env };
    afterEach(() => {
      process.env = { ...saved };
      jest.restoreAllMocks();
    });

    it('logs an ingest failure with the invocation’s request id and function name', async () => {
      Object.assign(process.env, ENV);
      const lines: string[] = [];
      jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
      jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
      let handler: (event: SQSEvent, context: Context) => Promise<unknown> = async () => undefined;
      // A fresh module: the entry reads its configuration once, at import.
      await jest.isolateModulesAsync(async () => {
        handler = (await import('../../../functions/lambda/ingest')).handler;
      });
      const event = { Records: [{ messageId: 'm1', body: 'not an S3 notification', attributes: { ApproximateReceiveCount: '1' } }] } as unknown as SQSEvent;

      const out = await handler(event, context);

      expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
      const failure = lines.flatMap((l) => l.split('\n')).filter((l) => l.includes('ingest failed')).map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(failure).toEqual([expect.objectContaining({ level: 'ERROR', function_request_id: 'req-0123456789', function_name: 'tonghop-ingest', messageId: 'm1' })]);
    });
  });
});
