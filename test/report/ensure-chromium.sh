#!/bin/sh
# Make sure Debian's chromium is installed for the browser tests (test/report/browser.test.ts, test/browser/browser.test.ts).
set -e
command -v chromium || (apt-get update && apt-get install -y chromium)
