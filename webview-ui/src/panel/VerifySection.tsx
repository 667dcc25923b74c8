import type { VerifyTaskView } from '../../../server/src/chainSnapshot';
import { formatDuration } from '../format';
import type { TaskSnapshot } from '../protocol';
import { statusColorStyle } from '../status';
import { stepResultText, verifyOutcomeAppearance } from '../verification';

/** What a verify task ran (install, build, test) and what it found; it calls no model. */
export function VerifySection({ task }: { readonly task: TaskSnapshot }) {
  return (
    <section className="panel-section" data-testid="task-verify" aria-labelledby="task-verify-heading">
      <h3 id="task-verify-heading">Verification</h3>
      {task.verify ? (
        <VerifyResult verify={task.verify} />
      ) : (
        <p className="muted">
          {task.status === 'unneeded'
            ? 'Did not run: an earlier verify passed or could not run.'
            : "Not run yet: it runs the project's install, build and test once the tasks before it are done."}
        </p>
      )}
    </section>
  );
}

function VerifyResult({ verify }: { readonly verify: VerifyTaskView }) {
  const outcome = verifyOutcomeAppearance(verify);
  return (
    <>
      <p className="verify-outcome" style={statusColorStyle(outcome)} data-outcome={verify.outcome}>
        <span aria-hidden="true">{outcome.symbol} </span>
        {outcome.label}
      </p>
      <p className="prose" data-testid="task-verify-summary">
        {verify.summary}
      </p>
      {verify.steps.length > 0 && (
        <table className="verify-steps" data-testid="task-verify-steps">
          <thead>
            <tr>
              <th scope="col">Step</th>
              <th scope="col">Command</th>
              <th scope="col">Result</th>
              <th scope="col">Duration</th>
            </tr>
          </thead>
          <tbody>
            {verify.steps.map((step, index) => {
              const ok = step.exitCode === 0 && !step.timedOut;
              return (
                // Step names repeat only if the runner ever retries one; the index keeps keys apart.
                <tr key={`${index}:${step.name}`} data-step={step.name} data-ok={ok}>
                  <th scope="row">{step.name}</th>
                  <td>
                    <code>{step.command}</code>
                  </td>
                  <td className={ok ? 'step-ok' : 'step-failed'}>{stepResultText(step)}</td>
                  <td>{formatDuration(step.durationMs)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}
