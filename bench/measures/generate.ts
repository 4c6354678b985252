import type { MeasureGroup } from '../lib/result';
import { NotAvailableError } from '../lib/result';

export const generateGroup: MeasureGroup = {
  name: 'generate',
  metrics: [],
  async run() {
    throw new NotAvailableError('todo');
  },
};
