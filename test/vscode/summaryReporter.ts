/** The e2e summary reporter, bundled for the extension host (see .vscode-test.mjs). */
import SummaryReporter = require('../e2e/harness/summaryReporter');

export = SummaryReporter;
