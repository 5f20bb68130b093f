#!/bin/sh
# Ansible benchmark (not a test): N services in a --root sandbox, side by side in one run:
#   the runitctl role (one services.yaml, check, plan, apply)
#   vs the classic way: per service, directories and run scripts with copy/file tasks and an
#      enable link with community.general.runit (which calls Debian's sv), in loops.
# Measures a first run (empty sandbox), a no-op run, and (role only) a --check run; prints
# best-of-RUNS wall times and the classic/role ratios.
# Usage: bench/ansible.sh [RUNITCTL]   (default: target/release/runitctl, built if missing)
# Env: N (services, default 20), RUNS (repetitions, best taken, default 3).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
bin=$(realpath "${1:-$here/target/release/runitctl}" 2>/dev/null || echo "$here/target/release/runitctl")
if [ ! -x "$bin" ]; then
    (cd "$here" && cargo build --release --quiet)
fi
n=${N:-20}
runs=${RUNS:-3}
work=$(mktemp -d "${TMPDIR:-/tmp}/runitctl-ansible-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
mkdir -p "$work/home" "$work/tmp"
: > "$work/ansible.cfg"
export ANSIBLE_CONFIG="$work/ansible.cfg" ANSIBLE_HOME="$work/home" \
    ANSIBLE_LOCAL_TEMP="$work/tmp" ANSIBLE_REMOTE_TEMP="$work/tmp" ANSIBLE_NOCOLOR=1 \
    ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 \
    ANSIBLE_LOCALHOST_WARNING=0 PATH="/usr/bin:/bin:$PATH"
root=$work/root

# Extra vars: the same N services for both plays (sleepers, no logger: equal work).
{
    printf '{"runitctl_bin": "%s", "runitctl_root": "%s", "runitctl_supervise": false,' "$bin" "$root"
    printf ' "runitctl_spec_path": "%s/etc/runitctl/services.yaml", "runitctl_project": "bench",' "$root"
    printf ' "runitctl_wait": false, "bench_root": "%s", "runitctl_services": {' "$root"
    i=0
    while [ $i -lt "$n" ]; do
        [ $i -gt 0 ] && printf ', '
        printf '"svc%d": {"run": "sleep 3600", "log": false}' $i
        i=$((i + 1))
    done
    printf '}}\n'
} > "$work/vars.json"

cat > "$work/role.yml" <<EOF
- hosts: all
  gather_facts: false
  roles:
    - role: $here/examples/ansible/roles/runitctl
EOF

cat > "$work/classic.yml" <<'EOF'
- hosts: all
  gather_facts: false
  tasks:
    - name: service directories
      ansible.builtin.file:
        path: "{{ bench_root }}/etc/sv/{{ item }}"
        state: directory
        mode: "0755"
      loop: "{{ runitctl_services | list }}"
    - name: run scripts
      ansible.builtin.copy:
        dest: "{{ bench_root }}/etc/sv/{{ item.key }}/run"
        content: "#!/bin/sh\nexec 2>&1\nexec {{ item.value.run }}\n"
        mode: "0755"
      loop: "{{ runitctl_services | dict2items }}"
    - name: service dir
      ansible.builtin.file:
        path: "{{ bench_root }}/etc/service"
        state: directory
        mode: "0755"
    - name: enable links
      community.general.runit:
        name: "{{ item }}"
        enabled: true
        service_dir: "{{ bench_root }}/etc/service"
        service_src: "{{ bench_root }}/etc/sv"
      loop: "{{ runitctl_services | list }}"
EOF

now() { date +%s.%N; }
# best-of-$runs wall time of one ansible-playbook run of $1 (after eval "$setup")
best() {
    b=""
    r=0
    while [ $r -lt "$runs" ]; do
        eval "$setup"
        t0=$(now)
        ansible-playbook -i localhost, -c local -e "@$work/vars.json" "$@" > "$work/out" 2>&1 ||
            { cat "$work/out" >&2; exit 1; }
        t1=$(now)
        t=$(echo "$t1 - $t0" | bc -l)
        if [ -z "$b" ] || [ "$(echo "$t < $b" | bc -l)" = 1 ]; then b=$t; fi
        r=$((r + 1))
    done
    echo "$b"
}

fresh='rm -rf "$root"; mkdir -p "$root"'
setup=$fresh; role_first=$(best "$work/role.yml")
setup=:; role_noop=$(best "$work/role.yml")
grep -q 'changed=0 ' "$work/out" || { echo "role no-op run changed something" >&2; exit 1; }
setup=:; role_check=$(best --check "$work/role.yml")
setup=$fresh; classic_first=$(best "$work/classic.yml")
setup=:; classic_noop=$(best "$work/classic.yml")
grep -q 'changed=0 ' "$work/out" || { echo "classic no-op run changed something" >&2; exit 1; }

echo "N=$n services, best of $runs, $(nproc) cores, $(ansible-playbook --version | sed -n 1p)"
printf '%-28s %8s %8s %8s\n' "run" "role" "classic" "ratio"
printf '%-28s %7.2fs %7.2fs %7.1fx\n' "first run (empty sandbox)" "$role_first" "$classic_first" \
    "$(echo "$classic_first / $role_first" | bc -l)"
printf '%-28s %7.2fs %7.2fs %7.1fx\n' "no-op run" "$role_noop" "$classic_noop" \
    "$(echo "$classic_noop / $role_noop" | bc -l)"
printf '%-28s %7.2fs %8s\n' "--check run" "$role_check" "-"
