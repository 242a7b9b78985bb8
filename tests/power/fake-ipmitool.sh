#!/bin/sh
# Fake ipmitool for tests/power: prints the fixture named by FAKE_IPMITOOL_FIXTURE for
# "dcmi power reading" and exits with FAKE_IPMITOOL_EXIT (default 0). Anything else is
# an error, as with the real tool.
if [ "$1 $2 $3" != "dcmi power reading" ]; then
  echo "fake ipmitool: unexpected arguments: $*" >&2
  exit 1
fi
if [ -n "$FAKE_IPMITOOL_STDERR" ]; then
  echo "$FAKE_IPMITOOL_STDERR" >&2
fi
cat "${FAKE_IPMITOOL_FIXTURE:?FAKE_IPMITOOL_FIXTURE not set}"
exit "${FAKE_IPMITOOL_EXIT:-0}"
