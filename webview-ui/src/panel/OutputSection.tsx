import { useLayoutEffect, useRef } from 'react';

/** Distance from the bottom (px) within which new output keeps the view scrolled to the end. */
const STICK_TO_BOTTOM_PX = 24;

/** What a running task has streamed so far; follows the end unless the user scrolled up. */
export function OutputSection({ text, running }: { readonly text: string | undefined; readonly running: boolean }) {
  const pre = useRef<HTMLPreElement>(null);
  const atBottom = useRef(true);

  useLayoutEffect(() => {
    const element = pre.current;
    if (element && atBottom.current) element.scrollTop = element.scrollHeight;
  }, [text]);

  return (
    <section className="panel-section" aria-labelledby="task-output-heading">
      <h3 id="task-output-heading">{running ? 'Output (streaming)' : 'Output'}</h3>
      <pre
        ref={pre}
        className="task-output"
        data-testid="task-output"
        tabIndex={0}
        aria-live="off"
        onScroll={(event) => {
          const element = event.currentTarget;
          atBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < STICK_TO_BOTTOM_PX;
        }}
      >
        {text ?? 'Waiting for output…'}
      </pre>
    </section>
  );
}
