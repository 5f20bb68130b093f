#!/bin/sh
# drift-check.sh: fail a CI job when runit service trees drift from services.yaml.
#
#   drift-check.sh SPEC [GLOBAL-OPTION...]      e.g. drift-check.sh /etc/runitctl/services.yaml
#   RUNITCTL=/usr/local/bin/runitctl drift-check.sh services.yaml --root /srv/image
#
# Exit codes (those of `runitctl plan`): 0 in sync, 2 drift (the plan is printed), 1 error.
# With GITHUB_STEP_SUMMARY set, the plan is also added to the job summary as Markdown.
set -u
spec=${1:?usage: drift-check.sh SPEC [--root DIR]}
shift
runitctl=${RUNITCTL:-runitctl}

if ! "$runitctl" "$@" check "$spec"; then
  echo "drift-check: $spec is not a valid spec" >&2
  exit 1
fi

"$runitctl" "$@" plan "$spec"
rc=$?
case $rc in
  0) echo "drift-check: in sync with $spec" ;;
  2)
    echo "drift-check: DRIFT: the changes above are what 'runitctl apply $spec' would make" >&2
    if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
      "$runitctl" "$@" plan --format markdown "$spec" >>"$GITHUB_STEP_SUMMARY"
    fi
    ;;
  *) echo "drift-check: runitctl plan failed (exit $rc)" >&2; rc=1 ;;
esac
exit $rc
