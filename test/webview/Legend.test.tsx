import './setupDom';
import { strict as assert } from 'node:assert';
import { render, screen, within } from '@testing-library/react';
import { TASK_STATUSES } from '../../server/src/chainSnapshot';
import { Legend } from '../../webview-ui/src/Legend';
import { TASK_STATUS_APPEARANCE } from '../../webview-ui/src/status';

describe('webview Legend', () => {
  it('lists every task status with its label and colour', () => {
    render(<Legend />);
    const items = within(screen.getByRole('list', { name: 'Legend' })).getAllByRole('listitem');
    assert.deepEqual(
      items.map((item) => item.dataset.status),
      [...TASK_STATUSES],
    );
    for (const [index, status] of TASK_STATUSES.entries()) {
      const item = items[index];
      assert.ok(item);
      assert.equal(item.textContent, TASK_STATUS_APPEARANCE[status].label);
      assert.match(item.style.getPropertyValue('--status-color'), /^var\(--vscode-/);
    }
  });
});
