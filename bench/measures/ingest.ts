import type { MeasureGroup } from '../lib/result';
import { NotAvailableError } from '../lib/result';

export const ingestGroup: MeasureGroup = {
  name: 'ingest',
  metrics: [],
  async run() {
    throw new NotAvailableError('todo');
  },
};
