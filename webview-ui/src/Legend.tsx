import { statusColorStyle, TASK_STATUS_APPEARANCE, TASK_STATUS_LIST } from './status';

/** What each task colour means. */
export function Legend() {
  return (
    <ul className="legend" aria-label="Legend">
      {TASK_STATUS_LIST.map((status) => (
        <li
          key={status}
          data-status={status}
          style={statusColorStyle(TASK_STATUS_APPEARANCE[status])}
          title={TASK_STATUS_APPEARANCE[status].description}
        >
          <span className="status-dot" aria-hidden="true" />
          {TASK_STATUS_APPEARANCE[status].label}
        </li>
      ))}
    </ul>
  );
}
