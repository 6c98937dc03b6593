"""Print how many doc commands ran and which were skipped, before pytest's closing line."""

import test_runbooks


def pytest_terminal_summary(terminalreporter):
    totals = test_runbooks.TOTALS
    if not totals:
        return
    ran = sum(r for _, r, _ in totals)
    skipped = [s for _, _, ss in totals for s in ss]
    terminalreporter.write_line(f"runbook commands: {ran} run against the AWS mock, {len(skipped)} skipped")
    for s in skipped:
        terminalreporter.write_line(f"  skipped {s}")
