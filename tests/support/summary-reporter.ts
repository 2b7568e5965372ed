import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints the plain closing line CI reads ("Tests: N passed, N failed, N skipped"). With
 * RUNDSCHAU_REQUIRE_ALL_SUITES=1 (CI sets it, having installed PostgreSQL, Chromium and the feed clients) a skipped
 * test fails the run: there, a skip means a suite silently did not run.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    const skipped: string[] = [];
    for (const mod of testModules) {
      // A file that fails to load or crashes outside a test has no failed test, but the run failed: count it.
      if (mod.state() === 'failed' && [...mod.children.allTests()].every((t) => t.result().state !== 'failed'))
        failed++;
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped.push(`${mod.moduleId.replace(process.cwd(), '.')} › ${test.fullName}`);
      }
    }
    if (process.env.RUNDSCHAU_REQUIRE_ALL_SUITES === '1' && skipped.length > 0) {
      console.log(`\nRUNDSCHAU_REQUIRE_ALL_SUITES is set, but ${skipped.length} tests were skipped:`);
      for (const name of skipped.slice(0, 30)) console.log(`  - ${name}`);
      process.exitCode = 1;
    }
    console.log(`\nTests: ${passed} passed, ${failed} failed, ${skipped.length} skipped`);
  }
}
