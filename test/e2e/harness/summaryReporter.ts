/**
 * Mocha's spec reporter, plus the closing line the e2e suites promise: `N passed, N failed`.
 * The Playwright suites use it directly, the extension-host suites through test/vscode/summaryReporter.ts.
 */
import Mocha from 'mocha';

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const { passes, failures } = runner.stats ?? { passes: 0, failures: 0 };
      // console.log, not stdout: in the extension host only console calls reach the test runner.
      console.log(`\n${passes} passed, ${failures} failed`);
    });
  }
}

export = SummaryReporter;
