import type { MeasureGroup } from '../lib/result';
import { NotAvailableError } from '../lib/result';

export const concurrentGroup: MeasureGroup = {
  name: 'concurrent',
  metrics: [],
  async run() {
    throw new NotAvailableError('todo');
  },
};
