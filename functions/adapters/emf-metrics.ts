/**
 * CloudWatch metrics without an API call or a dependency: one log line in the Embedded Metric
 * Format (a JSON object whose `_aws` member declares the metrics), which CloudWatch Logs turns
 * into metric data points. Written straight to stdout, as Powertools Metrics does, so Lambda's
 * JSON log format does not wrap it.
 */

export type MetricUnit = 'Count' | 'Seconds';

export interface MetricsPublisher {
  /** Publishes each value under `namespace`, with these dimensions. */
  publish(metrics: Record<string, { value: number; unit: MetricUnit }>, dimensions: Record<string, string>): void;
}

/** The EMF log line for one set of values (exported for tests). */
export function emfLine(namespace: string, metrics: Record<string, { value: number; unit: MetricUnit }>, dimensions: Record<string, string>, at: Date): string {
  return JSON.stringify({
    _aws: {
      Timestamp: at.getTime(),
      CloudWatchMetrics: [{ Namespace: namespace, Dimensions: [Object.keys(dimensions)], Metrics: Object.entries(metrics).map(([name, m]) => ({ Name: name, Unit: m.unit })) }],
    },
    ...dimensions,
    ...Object.fromEntries(Object.entries(metrics).map(([name, m]) => [name, m.value])),
  });
}

export function emfMetrics(options: { namespace: string; clock: { now(): Date }; write?: (line: string) => void }): MetricsPublisher {
  const write = options.write ?? ((line: string) => void process.stdout.write(`${line}\n`));
  return { publish: (metrics, dimensions) => write(emfLine(options.namespace, metrics, dimensions, options.clock.now())) };
}
