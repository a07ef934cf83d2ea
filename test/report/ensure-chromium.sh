#!/bin/sh
# Make sure Debian's chromium is installed for the report's browser test (test/report/browser.test.ts).
set -e
command -v chromium || (apt-get update && apt-get install -y chromium)
